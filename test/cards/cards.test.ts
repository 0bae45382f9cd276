import assert from 'node:assert/strict';
import { CARD_NAMES, CARD_TEMPLATES, expandCard } from '../../cards/cardKit';
import {
  CARD_VERBS,
  RESERVED_INPUT_IDS,
  SUMMARY_SECTIONS,
  renderClaimsListCard,
  renderProductsCard,
  renderStartCard,
  renderSummaryCard,
  renderSubmitConfirmCard,
  renderStatusCard,
  renderWelcomeCard,
  renderTenantCheckCard,
  productChoicesFor,
  subscriptionProductsOf,
  renderCoopGuidanceCard,
  plainTextMessage,
  type CardAttachment,
  type CardProblems,
  type StartCardModel,
} from '../../cards/render';
import { allowedEvents } from '../../claims/statusMachine';
import { LOCALES, formatDateTime, t, type Locale } from '../../locales/i18n';
import { objectsOfType, parseFindings, walk } from './cardChecks';
import { sampleCards, sampleClaim } from './sampleCards';

const VISIBLE_TEXT_KEYS = new Set(['text', 'title', 'label', 'placeholder', 'errorMessage', 'fallbackText', 'altText']);
const SINGLE_BINDING = /^\$\{[^{}]+\}$/;
const LABEL_BINDING = /^\$\{(\$root\.)?labels\.[A-Za-z]+\}$/;
const BACK_VERBS = new Set(['cancel', 'cancelKeep', 'cancelDiscard', 'cancelBack', 'backToReview', 'commentSkipped']);

const templates = CARD_NAMES.map((name) => ({ name, json: CARD_TEMPLATES[name] as unknown }));

describe('card templates', () => {
  for (const { name, json } of templates) {
    describe(name, () => {
      it('is an Adaptive Card at schema version 1.5 (the most Teams renders)', () => {
        const card = json as Record<string, unknown>;
        assert.equal(card.type, 'AdaptiveCard');
        assert.equal(card.version, '1.5');
      });

      it('contains no literal text: every visible string is a binding', () => {
        for (const visit of walk(json)) {
          if (!VISIBLE_TEXT_KEYS.has(visit.key) || typeof visit.value !== 'string') continue;
          assert.match(visit.value, SINGLE_BINDING, `${visit.owner}.${visit.key} = ${visit.value}`);
        }
      });

      it('lets TextBlocks show only our own labels (user text goes in TextRuns, which Teams does not render as markdown)', () => {
        for (const block of objectsOfType(json, 'TextBlock')) assert.match(String(block.text), LABEL_BINDING);
        assert.equal([...objectsOfType(json, 'FactSet')].length, 0, 'Teams renders markdown in facts');
      });

      it('routes every Action.Submit by verb, claim id and nonce; cancel and back ignore the inputs', () => {
        for (const action of objectsOfType(json, 'Action.Submit')) {
          const data = action.data as Record<string, unknown>;
          assert.ok(data, 'data');
          assert.ok(
            (CARD_VERBS as readonly string[]).includes(String(data.verb)) || data.verb === '${verb}',
            `verb ${String(data.verb)}`,
          );
          assert.ok('claimId' in data && 'nonce' in data, 'claimId and nonce');
          if (BACK_VERBS.has(String(data.verb))) assert.equal(action.associatedInputs, 'none', String(data.verb));
        }
      });

      it('gives every input an id that cannot overwrite the routing fields', () => {
        for (const visit of walk(json)) {
          if (visit.key === 'id' && visit.owner.startsWith('Input.'))
            assert.ok(!RESERVED_INPUT_IDS.includes(String(visit.value)), String(visit.value));
        }
      });
    });
  }
});

describe('the card checker', () => {
  it('reports unknown properties, unknown elements, properties newer than 1.5 and unlabeled required inputs', () => {
    const findings = parseFindings({
      type: 'AdaptiveCard',
      version: '1.5',
      body: [
        { type: 'Input.ChoiceSet', id: 'a', isMultiselect: true, choices: [] },
        { type: 'Input.Text', id: 'b', inputStyle: 'revealOnHover', isRequired: true },
        { type: 'Carousel' },
      ],
    });
    const text = findings.join('\n');
    assert.match(text, /unknown property Input\.ChoiceSet\.isMultiselect/);
    assert.match(text, /UnsupportedProperty/);
    assert.match(text, /UnknownElementType/);
    assert.match(text, /RequiredInputsShouldHaveLabel/);
  });
});

describe('rendered cards', () => {
  const covered = new Set(sampleCards('en-US').map((s) => s.name.split(' ')[0]));

  it('the samples cover every template', () => {
    assert.deepEqual(
      CARD_NAMES.filter((name) => !covered.has(name)),
      [],
    );
  });

  for (const locale of LOCALES) {
    it(`${locale}: every card parses with the official adaptivecards package without a single warning`, () => {
      for (const { name, card } of sampleCards(locale)) {
        assert.equal(card.contentType, 'application/vnd.microsoft.card.adaptive');
        assert.deepEqual(parseFindings(card.content), [], name);
      }
    });

    it(`${locale}: every binding resolved (no missing label or view-model field)`, () => {
      for (const { name, card } of sampleCards(locale)) {
        assert.doesNotMatch(JSON.stringify(card.content), /\$\{/, name);
      }
    });

    it(`${locale}: every submit carries a known verb and string claim id and nonce`, () => {
      for (const { name, card } of sampleCards(locale)) {
        for (const action of objectsOfType(card.content, 'Action.Submit')) {
          const data = action.data as Record<string, unknown>;
          assert.ok((CARD_VERBS as readonly string[]).includes(String(data.verb)), `${name}: ${String(data.verb)}`);
          assert.equal(typeof data.claimId, 'string', name);
          assert.equal(typeof data.nonce, 'string', name);
        }
      }
    });
  }

  it('a rendered card is a fresh object each time (the cached template is not shared)', () => {
    const first = renderWelcomeCard({ canCreate: true }, 'en-US');
    (first.content.body as unknown[]).length = 0;
    assert.ok((renderWelcomeCard({ canCreate: true }, 'en-US').content.body as unknown[]).length > 0);
  });
});

describe('user text is data', () => {
  const HOSTILE = [
    '${$root.labels.title}',
    "${if(true,'x','y')}",
    '${$root.secret}',
    '[click](https://evil.example)',
    '**bold** _it_ <b>html</b>\n- item\r\n1. one',
    '@{x} {name} $& \u202eevil',
  ];

  it('the templating engine evaluates template expressions only, never expressions inside bound data', () => {
    const probe = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: '${labels.shown}' }] };
    const { Template } = require('adaptivecards-templating') as typeof import('adaptivecards-templating');
    for (const value of ['${$root.secret}', "${if(true,'x','y')}", '${labels.shown}']) {
      const out = new Template(probe).expand({ $root: { labels: { shown: value }, secret: 'LEAKED' } }) as {
        body: { text: string }[];
      };
      assert.equal(out.body[0]?.text, value);
    }
  });

  for (const text of HOSTILE) {
    it(`renders ${JSON.stringify(text)} literally, only where Teams shows plain text, in every card`, () => {
      let shown = 0;
      for (const { name, card } of sampleCards('en-US', text)) {
        for (const visit of walk(card.content)) {
          if (typeof visit.value !== 'string' || !visit.value.includes(text)) continue;
          shown++;
          const plain =
            (visit.owner === 'TextRun' && visit.key === 'text') ||
            (visit.owner.startsWith('Input.') && ['value', 'title'].includes(visit.key)) ||
            // The start card's name placeholder names the name it proposes, made of the typed domain.
            // Teams renders markdown only in TextBlocks and facts: a placeholder is plain text.
            (visit.owner === 'Input.Text' && visit.key === 'placeholder') ||
            // `whom` names the member a Remove button takes the role from: sent back, never shown.
            (visit.owner.startsWith('Action.') && ['title', 'continuationToken', 'whom'].includes(visit.key));
          assert.ok(plain, `${name}: ${text} in ${visit.owner}.${visit.key}`);
        }
        assert.deepEqual(parseFindings(card.content), [], name);
      }
      assert.ok(shown > 50, `the text was shown ${shown} times`);
    });
  }

  it('text messages carrying user text are sent as plain text, not markdown', () => {
    assert.deepEqual(plainTextMessage('Draft [x](https://evil) saved'), {
      type: 'message',
      text: 'Draft [x](https://evil) saved',
      textFormat: 'plain',
    });
  });

  it('shows the customer name exactly as typed in the review card', () => {
    const card = renderSummaryCard(
      { claimId: 'c', nonce: 'n', claim: sampleClaim('${$root.labels.title}'), problems: [] },
      'en-US',
    );
    const runs = [...objectsOfType(card.content, 'TextRun')].map((run) => String(run.text));
    assert.ok(runs.includes('${$root.labels.title}'));
    // The customer row holds the domain and the tenant, each a value of its own under one label.
    assert.ok(runs.includes('Customer'));
    assert.ok(
      runs.filter((run) => run === '${$root.labels.title}').length >= 3,
      'claim name (the subtitle), domain and tenant as typed',
    );
    assert.ok(!runs.includes('Review your claim'), 'the data was not evaluated against $root');
  });
});

describe('card behaviour', () => {
  const submits = (card: CardAttachment) =>
    [...objectsOfType(card.content, 'Action.Submit')].map((a) => a.data as Record<string, unknown>);
  const verbs = (card: CardAttachment) => submits(card).map((d) => d.verb);
  const ONE_LOCATION = [{ mpnId: '1234567', name: 'Seattle' }];
  /** The problems in the attention container right after the start card's input (or, for one location, its line). */
  const problemsUnder = (card: CardAttachment, field: string): string[] => {
    const body = card.content.body as Record<string, unknown>[];
    const at = body.findIndex((e) => e.id === field || (field === 'mpnId' && isLocationLine(e)));
    assert.ok(at >= 0, `no ${field} input`);
    const next = body[at + 1];
    if (next?.type !== 'Container' || next.style !== 'attention') return [];
    return [...objectsOfType(next, 'TextRun')].map((run) => String(run.text));
  };
  const isLocationLine = (e: Record<string, unknown>): boolean =>
    e.type === 'RichTextBlock' && JSON.stringify(e).includes(t('en-US', 'mpn.title'));

  it('offers new claim and continue draft only to incentives admins', () => {
    assert.deepEqual(verbs(renderWelcomeCard({ canCreate: true }, 'en-US')), [
      'newClaim',
      'continueDraft',
      'myClaims',
      'help',
      'chooseLanguage',
    ]);
    assert.deepEqual(verbs(renderWelcomeCard({ canCreate: false }, 'en-US')), ['myClaims', 'help', 'chooseLanguage']);
  });

  it('prefills the start card and puts the step nonce in both buttons', () => {
    const card = renderStartCard(
      {
        claimId: '',
        nonce: 'step-7',
        locations: ONE_LOCATION,
        values: { customerDomain: 'contoso.com', customerTenantId: 'x', name: 'Contoso rollout' },
      },
      'ja-JP',
    );
    const inputs = [...objectsOfType(card.content, 'Input.Text')];
    // The tenant ID is optional: the directory finds it from the domain. So is the name: one is proposed.
    assert.deepEqual(
      inputs.map((i) => [i.id, i.value, i.isRequired]),
      [
        ['customerDomain', 'contoso.com', true],
        ['customerTenantId', 'x', false],
        ['name', 'Contoso rollout', false],
      ],
    );
    assert.ok(
      inputs
        .filter((i) => i.id !== 'name')
        .every((i) => typeof i.regex === 'string' && typeof i.errorMessage === 'string' && typeof i.label === 'string'),
    );
    assert.deepEqual(
      submits(card).map((d) => [d.verb, d.nonce]),
      [
        ['startEntered', 'step-7'],
        ['cancel', 'step-7'],
      ],
    );
  });

  describe('the start card', () => {
    const TWO_LOCATIONS = [
      { mpnId: '1234567', name: 'Seattle' },
      { mpnId: '7654321', name: 'Seoul' },
    ];
    const start = (model: Partial<StartCardModel>, locale: Locale = 'en-US') =>
      renderStartCard({ claimId: 'c', nonce: 'n', locations: ONE_LOCATION, values: {}, ...model }, locale);
    const choiceSet = (card: CardAttachment, id: string) =>
      [...objectsOfType(card.content, 'Input.ChoiceSet')].find((c) => c.id === id);

    it('shows the one location as text, with nothing to choose', () => {
      for (const locale of LOCALES) {
        const card = start({ values: { mpnId: '' } }, locale);
        assert.equal(choiceSet(card, 'mpnId'), undefined, locale);
        const line = t(locale, 'mpn.option', { mpnId: '1234567', location: 'Seattle' });
        const runs = [...objectsOfType(card.content, 'TextRun')].map((r) => String(r.text).trim());
        assert.ok(runs.includes(line), `${locale}: ${line}`);
        assert.ok(choiceSet(card, 'areaActivity'), 'the solution is still chosen');
      }
    });

    it('offers several locations as a choice, preselected with the value given', () => {
      const card = start({ locations: TWO_LOCATIONS, values: { mpnId: '7654321' } }, 'ko-KR');
      const mpn = choiceSet(card, 'mpnId') ?? assert.fail('no location choice');
      assert.equal(mpn.value, '7654321');
      assert.equal(mpn.isRequired, true);
      assert.equal(mpn.style, 'expanded');
      assert.deepEqual(mpn.choices, [
        { title: t('ko-KR', 'mpn.option', { mpnId: '1234567', location: 'Seattle' }), value: '1234567' },
        { title: t('ko-KR', 'mpn.option', { mpnId: '7654321', location: 'Seoul' }), value: '7654321' },
      ]);
      const many = Array.from({ length: 8 }, (_, i) => ({ mpnId: `100000${i}`, name: `L${i}` }));
      assert.equal(choiceSet(start({ locations: many }), 'mpnId')?.style, 'compact', 'a drop-down beyond six');
      assert.equal(choiceSet(start({ locations: TWO_LOCATIONS }), 'mpnId')?.value, '', 'nothing preselected');
    });

    it('preselects the solution and keeps every value typed', () => {
      const values = {
        mpnId: '1234567',
        customerDomain: 'contoso.com',
        customerTenantId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
        areaActivity: 'businessApplications/revenueAssociation',
        name: 'Contoso CRM',
      };
      const card = start({ locations: TWO_LOCATIONS, values });
      assert.equal(choiceSet(card, 'areaActivity')?.value, 'businessApplications/revenueAssociation');
      assert.deepEqual(
        (choiceSet(card, 'areaActivity')?.choices as { value: string }[]).map((c) => c.value),
        ['microsoft365/usage', 'businessApplications/usageOrPresales', 'businessApplications/revenueAssociation'],
      );
      const shown = Object.fromEntries(
        ['Input.Text', 'Input.ChoiceSet'].flatMap((type) =>
          [...objectsOfType(card.content, type)].map((i) => [String(i.id), i.value]),
        ),
      );
      assert.deepEqual(shown, values);
    });

    it('shows a problem with the tenant ID in the container right under the tenant input, and nowhere else', () => {
      const problem = { code: 'customerTenantNeeded', field: 'customerTenantId', params: { domain: 'contoso.com' } };
      const card = start({ locations: TWO_LOCATIONS, problems: [problem] });
      const text = t('en-US', 'problems.customerTenantNeeded', { domain: 'contoso.com' });
      assert.deepEqual(problemsUnder(card, 'customerTenantId'), [text]);
      for (const field of ['mpnId', 'customerDomain', 'areaActivity', 'name'])
        assert.deepEqual(problemsUnder(card, field), [], field);
      const everywhere = [...walk(card.content)].filter((v) => typeof v.value === 'string' && v.value.includes(text));
      assert.equal(everywhere.length, 1, 'shown once');
      assert.equal(
        [...objectsOfType(card.content, 'Container')].filter((c) => c.style === 'attention').length,
        1,
        'no general problem box',
      );
    });

    it('shows each problem under its own input (the area and the activity under the one choice), sentences above', () => {
      const problems: CardProblems = [
        { code: 'mpnIdUnknown', field: 'mpnId' },
        { code: 'customerConsumerDomain', field: 'customerDomain', params: { domain: 'outlook.com' } },
        { code: 'required', field: 'solutionArea' },
        { code: 'tooLong', field: 'name', params: { length: 120, max: 100 } },
        'A sentence the dialog localized.',
      ];
      for (const locations of [ONE_LOCATION, TWO_LOCATIONS]) {
        const card = start({ locations, problems });
        assert.deepEqual(
          ['mpnId', 'customerDomain', 'customerTenantId', 'areaActivity', 'name'].map(
            (field) => problemsUnder(card, field).length,
          ),
          [1, 1, 0, 1, 1],
          `${locations.length} location(s)`,
        );
        assert.match(problemsUnder(card, 'customerDomain')[0] ?? '', /outlook\.com/);
        const [general] = [...objectsOfType(card.content, 'Container')].filter((c) => c.style === 'attention');
        assert.deepEqual(
          [...objectsOfType(general, 'TextRun')].map((r) => r.text),
          ['A sentence the dialog localized.'],
        );
      }
    });

    it('names the proposed name in the name placeholder when there is one, and says how one is made otherwise', () => {
      const placeholder = (card: CardAttachment) =>
        [...objectsOfType(card.content, 'Input.Text')].find((i) => i.id === 'name')?.placeholder;
      for (const locale of LOCALES) {
        const proposedName = 'contoso.com – Microsoft 365: Usage';
        assert.equal(
          placeholder(start({ proposedName }, locale)),
          t(locale, 'start.namePlaceholder', { name: proposedName }),
        );
        assert.equal(placeholder(start({}, locale)), t(locale, 'start.namePlaceholderGeneric'));
        assert.notEqual(t(locale, 'start.namePlaceholder', { name: 'x' }), t(locale, 'start.namePlaceholderGeneric'));
      }
    });

    it('puts location names and the domain only where Teams shows plain text', () => {
      const hostile = '**b** [x](https://evil.example) ${$root.labels.title}';
      for (const locations of [
        [{ mpnId: '1234567', name: hostile }],
        [{ mpnId: '1234567', name: hostile }, ...TWO_LOCATIONS],
      ]) {
        const card = start({
          locations,
          values: { customerDomain: hostile, customerTenantId: hostile, name: hostile },
          problems: [{ code: 'customerConsumerDomain', field: 'customerDomain', params: { domain: hostile } }],
          proposedName: `${hostile} – Microsoft 365: Usage`,
        });
        const places = [...walk(card.content)]
          .filter((v) => typeof v.value === 'string' && v.value.includes(hostile))
          .map((v) => `${v.owner}.${v.key}`);
        assert.ok(places.length >= 5, places.join());
        for (const place of places)
          assert.ok(
            ['TextRun.text', 'Input.Text.value', 'Input.ChoiceSet.title', 'Input.Text.placeholder'].includes(place),
            place,
          );
        // The placeholder names the proposed name, made of the domain (plain text, like the value).
        for (const input of objectsOfType(card.content, 'Input.Text'))
          if (String(input.placeholder).includes(hostile)) assert.equal(input.id, 'name');
        for (const run of objectsOfType(card.content, 'TextRun'))
          if (String(run.text).includes(hostile))
            assert.notEqual(run.weight, 'Bolder', 'user text is never in the bold label run');
        assert.deepEqual(parseFindings(card.content), []);
      }
    });
  });

  it('client-side regexes accept what the validators accept, full-width digits included', () => {
    const [domain, tenant] = [
      ...objectsOfType(
        renderStartCard({ claimId: '', nonce: '', locations: ONE_LOCATION, values: {} }, 'en-US').content,
        'Input.Text',
      ),
    ]
      .filter((i) => i.regex !== undefined)
      .map((i) => new RegExp(String(i.regex)));
    for (const ok of ['contoso.onmicrosoft.com', ' contoso.co.kr ', 'bücher.de', '例え.jp'])
      assert.ok(domain?.test(ok), ok);
    for (const bad of ['contoso', 'https://contoso.com', 'a@contoso.com']) assert.ok(!domain?.test(bad), bad);
    for (const ok of [
      '72f988bf-86f1-41af-91ab-2d7cd011db47',
      '{72F988BF-86F1-41AF-91AB-2D7CD011DB47}',
      '７２f988bf-86f1-41af-91ab-2d7cd011db47',
    ])
      assert.ok(tenant?.test(ok), ok);
    assert.ok(!tenant?.test('72f988bf86f141af91ab2d7cd011db47'));
    assert.ok(tenant?.test('') && tenant.test('  '), 'left empty for the directory');
  });

  it('offers the products given as a multi-select with the current choice preselected', () => {
    const card = renderProductsCard(
      {
        claimId: 'c',
        nonce: 'n',
        solutionArea: 'businessApplications',
        products: [
          { id: 'powerBI', title: 'Power BI' },
          { id: 'powerApps', title: 'Power Apps' },
        ],
        selected: ['powerBI', 'powerApps'],
      },
      'ko-KR',
    );
    const [choiceSet] = [...objectsOfType(card.content, 'Input.ChoiceSet')];
    assert.equal(choiceSet?.isMultiSelect, true);
    assert.equal(choiceSet?.value, 'powerBI,powerApps');
    assert.deepEqual(choiceSet?.choices, [
      { title: 'Power BI', value: 'powerBI' },
      { title: 'Power Apps', value: 'powerApps' },
    ]);
  });

  it('builds the product choices from the catalog and the subscription questions from the claim', () => {
    assert.deepEqual(productChoicesFor('microsoft365').slice(0, 2), [
      { id: 'exchangeOnline', title: 'Exchange Online' },
      { id: 'sharePointOnline', title: 'SharePoint Online' },
    ]);
    assert.ok(productChoicesFor('businessApplications').every((p) => !p.title.startsWith('Exchange')));
    const claim = sampleClaim('C', { productIds: ['dynamics365Sales', 'powerBI', 'dynamics365Finance'] });
    assert.deepEqual(
      subscriptionProductsOf(claim).map((p) => [p.id, p.multiple, p.subscriptionIds.length]),
      [
        ['dynamics365Sales', true, 2],
        ['dynamics365Finance', false, 0],
      ],
    );
  });

  it('summary: one Edit menu of the sections shown, revenue only for revenue association, Submit only without problems', () => {
    const claim = sampleClaim('Contoso');
    const withProblems = renderSummaryCard(
      { claimId: 'c', nonce: 'n', claim, problems: [{ code: 'poeRequired', field: 'poe' }] },
      'en-US',
    );
    // One Edit button (issue 12 point 6, was one per section); the menu lists every section but comments, which has its box.
    const editMenu = (card: CardAttachment): unknown[] =>
      (
        [...objectsOfType(card.content, 'Input.ChoiceSet')].find((c) => c.id === 'section')?.choices as
          { value: string }[] | undefined
      )?.map((c) => c.value) ?? [];
    assert.equal(submits(withProblems).filter((d) => d.verb === 'editSection').length, 1);
    const sections = editMenu(withProblems);
    assert.deepEqual(
      sections,
      SUMMARY_SECTIONS.filter((id) => id !== 'comments'),
    );
    assert.ok(!verbs(withProblems).includes('submitClaim'));
    assert.match(JSON.stringify(withProblems.content), /Attach at least one proof of execution/);
    const m365 = renderSummaryCard(
      {
        claimId: 'c',
        nonce: 'n',
        claim: sampleClaim('C', { activity: 'usage', solutionArea: 'microsoft365', productIds: ['exchangeOnline'] }),
        problems: [],
      },
      'en-US',
    );
    const m365Sections = editMenu(m365);
    assert.ok(!m365Sections.includes('revenue') && !m365Sections.includes('subscriptions'));
    assert.deepEqual(verbs(m365).slice(-3), ['submitClaim', 'saveDraft', 'cancel']);
  });

  it('status: the partner gets exactly the actions the status machine allows, with the countdown', () => {
    const rejected = sampleClaim('C', {
      status: 'rejected',
      rejection: { reason: 'insufficientPoe', at: '2025-03-06T09:00:00.000Z' },
    });
    const allowed = renderStatusCard(
      {
        claimId: 'c',
        nonce: 'n',
        claim: rejected,
        allowedEvents: ['dispute'],
        canComment: false,
        disputeUntil: '2025-04-05T00:00:00Z',
      },
      'en-US',
    );
    assert.deepEqual(
      [...objectsOfType(allowed.content, 'Action.ShowCard')].map((a) => a.title),
      ['Dispute'],
    );
    assert.ok(verbs(allowed).includes('disputeClaim'));
    assert.match(JSON.stringify(allowed.content), /You can dispute this rejection once, until April 5, 2025/);
    const closed = renderStatusCard(
      { claimId: 'c', nonce: 'n', claim: rejected, allowedEvents: [], canComment: false },
      'en-US',
    );
    assert.ok(!verbs(closed).includes('disputeClaim'));
    const window = renderStatusCard(
      {
        claimId: 'c',
        nonce: 'n',
        claim: sampleClaim('C', { status: 'approvedCustomerNotified', windowClosesAt: '2025-03-12T09:00:00Z' }),
        businessDaysLeft: 3,
        allowedEvents: [],
        canComment: false,
      },
      'ko-KR',
    );
    assert.match(JSON.stringify(window.content), /옵트아웃 기간이 3영업일 후에 종료됩니다/);
  });

  it('summary and confirmation say the window as configured: "2 minutes" with PT2M, never "5 business days"', () => {
    const step = { claimId: 'c', nonce: 'n' };
    for (const [locale, window] of [
      ['en-US', '2 minutes'],
      ['ko-KR', '2분'],
      ['ja-JP', '2 分'],
    ] as const) {
      const summary = JSON.stringify(
        renderSummaryCard({ ...step, claim: sampleClaim('C'), problems: [], optOutWindow: 'PT2M' }, locale).content,
      );
      const confirm = JSON.stringify(renderSubmitConfirmCard(step, locale, 'PT2M').content);
      for (const text of [summary, confirm]) {
        assert.ok(text.includes(t(locale, 'summary.finalWarning', { window })), `${locale}: ${text}`);
        assert.doesNotMatch(text, /5 business days|5영업일|5 営業日/);
      }
    }
    assert.match(
      JSON.stringify(renderSubmitConfirmCard(step, 'en-US', '1').content),
      /opt out within 1 business day\./,
    );
  });

  it('status explains this claim: who approved and when, which window closed, and what follows an opt-out', () => {
    const base = { claimId: 'c', nonce: 'n', allowedEvents: [], canComment: false, timeZone: 'UTC' } as const;
    const customer = { name: 'Chris Lee', title: 'CIO', email: 'chris@contoso.com' };
    const approved = sampleClaim('C', { status: 'associated', customerContact: customer });
    approved.history.push({
      at: '2025-03-07T09:30:00.000Z',
      actor: { role: 'customer', id: 'chris@contoso.com' },
      event: 'customerApprove',
      from: 'approvedCustomerNotified',
      to: 'associated',
    });
    const lapsed = sampleClaim('C', { status: 'associated', windowClosesAt: '2025-03-12T09:00:00.000Z' });
    lapsed.history.push({
      at: '2025-03-12T09:01:00.000Z',
      actor: { role: 'system', id: 'scheduler' },
      event: 'windowClosed',
      from: 'approvedCustomerNotified',
      to: 'associated',
    });
    const optedOut = sampleClaim('C', {
      status: 'rejected',
      rejection: { reason: 'customerDeclined', at: '2025-03-07T09:00:00.000Z' },
    });
    const now = new Date('2025-03-08T00:00:00.000Z');
    assert.ok(!allowedEvents(optedOut, 'partnerAdmin', now).includes('dispute'), 'rule 3: the opt-out decides');
    for (const locale of LOCALES) {
      const text = (claim: typeof approved) =>
        JSON.stringify(
          renderStatusCard({ ...base, claim, allowedEvents: allowedEvents(claim, 'partnerAdmin', now) }, locale)
            .content,
        );
      const approvedText = text(approved);
      assert.ok(approvedText.includes('Chris Lee'), approvedText);
      assert.ok(!approvedText.includes(t(locale, 'statusHelp.associated')), 'not "approved or did not opt out"');
      const lapsedText = text(lapsed);
      const closedOn = formatDateTime(locale, '2025-03-12T09:00:00.000Z', 'UTC');
      assert.ok(lapsedText.includes(t(locale, 'statusHelp.associatedNoOptOut', { date: closedOn })), lapsedText);
      const optedOutText = text(optedOut);
      assert.ok(optedOutText.includes(t(locale, 'statusHelp.rejectedOptedOut')), optedOutText);
      assert.ok(!optedOutText.includes(t(locale, 'statusHelp.rejected')), 'no promise of a dispute');
      assert.ok(!verbs(renderStatusCard({ ...base, claim: optedOut }, locale)).includes('disputeClaim'));
    }
    assert.match(
      JSON.stringify(renderStatusCard({ ...base, claim: approved }, 'en-US').content),
      /Chris Lee approved it on March 7, 2025 at 9:30/,
    );
  });

  it('an unknown domain may go on with a warning or be changed; a mismatch is a problem under the tenant input', () => {
    const base = { claimId: '', nonce: 'n', domain: 'contoso.com', tenantId: 't' };
    assert.deepEqual(verbs(renderTenantCheckCard(base, 'en-US')), ['customerConfirmed', 'customerChange']);
    assert.match(
      JSON.stringify(renderTenantCheckCard(base, 'ja-JP').content),
      /contoso\.com がテナント t に属しているかどうかを確認できません/,
    );
    const mismatch = {
      code: 'customerTenantMismatch',
      field: 'customerTenantId',
      params: { domain: 'contoso.com', tenantId: 't' },
    };
    const card = renderStartCard({ ...base, locations: ONE_LOCATION, values: {}, problems: [mismatch] }, 'ja-JP');
    assert.deepEqual(verbs(card), ['startEntered', 'cancel'], 'changed on the start card, not a card of its own');
    const [shown, ...more] = problemsUnder(card, 'customerTenantId');
    assert.match(shown ?? '', /ディレクトリ（テナント）ID t は contoso\.com に属していません/);
    assert.deepEqual(more, []);
  });

  it('co-op guidance only for programs outside CPOR', () => {
    assert.match(JSON.stringify(renderCoopGuidanceCard('managed reseller', 'en-US')?.content), /co-op claim process/);
    assert.equal(renderCoopGuidanceCard('Dynamics 365 Sales', 'en-US'), undefined);
  });

  it('claims list pages forward with the continuation token and back to the first page', () => {
    const rows = [sampleClaim('A')];
    const middle = renderClaimsListCard({ claims: rows, page: 2, nextToken: 'tok', canExport: false }, 'en-US');
    assert.deepEqual(
      submits(middle)
        .filter((d) => d.verb === 'claimsPage')
        .map((d) => [d.continuationToken, d.page]),
      [
        ['tok', 3],
        ['', 1],
      ],
    );
    const last = renderClaimsListCard({ claims: rows, page: 1, canExport: true }, 'en-US');
    assert.deepEqual(
      verbs(last),
      ['viewClaim', 'exportClaims', 'filterClaims'],
      'the filter is applied from its own show-card',
    );
  });

  it('expandCard refuses nothing silently: a template must expand to an object', () => {
    assert.equal(
      typeof expandCard('notice', {
        labels: { fallback: 'f' },
        claimId: '',
        nonce: '',
        containerStyle: 'default',
        hasTitle: false,
        title: '',
        lines: [],
        actions: [],
        links: [],
      }).content,
      'object',
    );
  });
});
