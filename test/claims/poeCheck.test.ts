import assert from 'node:assert/strict';
import type { PoeFile, PoeFileCheck, PoeFinding } from '../../claims/model';
import {
  checkPoeText,
  combineChecks,
  customerTerms,
  domainLabel,
  evidencePhrase,
  EVIDENCE_MAX_CHARS,
  type PoeCheckContext,
} from '../../claims/poeCheck';
import { findDates } from '../../claims/poeDates';
import { org, poeFile, validClaim } from './fixtures';

const NOW = new Date('2026-12-01T09:00:00Z');
const context: PoeCheckContext = { now: NOW, partnerNames: [org.name, ...org.locations.map((l) => l.name)] };
const claim = validClaim({ productIds: ['dynamics365Sales', 'powerBI'] });

const finding = (check: PoeFileCheck, reason: PoeFinding['reason']): PoeFinding => {
  assert.equal(check.status, 'checked');
  const found = check.findings.find((f) => f.reason === reason);
  assert.ok(found, reason);
  return found;
};

describe('PoE check: dates as partners write them', () => {
  const rows: [string, string | undefined][] = [
    ['Signed 2026-11-15', '2026-11-15'],
    ['Date: 11/15/2026', '2026-11-15'],
    ['15/11/2026 (day first)', '2026-11-15'],
    ['15 November 2026', '2026-11-15'],
    ['November 15, 2026', '2026-11-15'],
    ['Mon, 3 Mar 2025 09:00:00 +0000', '2025-03-03'],
    ['2026년 11월 15일', '2026-11-15'],
    ['2026. 11. 15.', '2026-11-15'],
    ['2026年11月15日', '2026-11-15'],
    ['２０２６年１１月１５日 (full width)', '2026-11-15'],
    ['令和8年11月15日', '2026-11-15'],
    ['令和元年5月1日', '2019-05-01'],
    ['平成31年4月30日', '2019-04-30'],
    ['2026-02-30 is no day', undefined],
    ['13/13/2026', undefined],
    ['version 1.2.3, 12345678', undefined],
  ];
  for (const [text, day] of rows) {
    it(`${text} → ${day ?? 'no date'}`, () => {
      assert.deepEqual(
        findDates(text).map((d) => d.day),
        day ? [day] : [],
      );
    });
  }
});

describe('PoE check: one result per reason over the text and the claim', () => {
  const complete = [
    'Statement of Work — Fabrikam Consulting',
    'Fabrikam Consulting deployed Dynamics 365 Sales and Power BI for Contoso.',
    'Customer acceptance',
    'Name: Chris Customer',
    'Email: chris@contoso.com',
    'Signature: ____________   Date: 2026-11-15',
  ].join('\n');

  it('a complete statement of work passes every reason, each with its evidence phrase', () => {
    const check = checkPoeText(complete, claim, context);
    assert.deepEqual(check.status === 'checked' ? check.findings.map((f) => [f.reason, f.found]) : [], [
      ['customerAcknowledgement', true],
      ['dates', true],
      ['partnerSolution', true],
      ['products', true],
    ]);
    assert.match(
      finding(check, 'customerAcknowledgement').evidence ?? '',
      /Chris Customer|chris@contoso\.com|Signature/,
    );
    assert.equal(finding(check, 'dates').latestDay, '2026-11-15');
    assert.match(finding(check, 'partnerSolution').evidence ?? '', /^(Statement of Work — )?Fabrikam Consulting/);
  });

  const cases: { name: string; text: string; reason: PoeFinding['reason']; found: boolean; detail?: string }[] = [
    {
      name: 'no signature block at all',
      text: complete.replace('Customer acceptance', 'Contacts').replace('Signature:', 'Phone:'),
      reason: 'customerAcknowledgement',
      found: false,
    },
    {
      name: 'a second, unrelated customer signed',
      text: [
        'Fabrikam Consulting deployed Dynamics 365 Sales for Contoso.',
        '',
        '',
        '',
        '',
        'Northwind Traders — accepted by',
        'Name: Nina North',
        'nina@northwind.example',
        'Signature: ______ 2026-11-15',
      ].join('\n'),
      reason: 'customerAcknowledgement',
      found: false,
    },
    {
      name: 'Korean: 고객 서명 beside the customer contact',
      text: '고객 확인\n담당자: Chris Customer\n서명: ________',
      reason: 'customerAcknowledgement',
      found: true,
    },
    {
      name: 'Japanese: 承認 with the customer domain',
      text: '承認欄\ncontoso.onmicrosoft.com 情報システム部\n印',
      reason: 'customerAcknowledgement',
      found: true,
    },
    {
      name: 'only a 2019 date',
      text: 'Signed by Chris Customer on 15 March 2019',
      reason: 'dates',
      found: false,
      detail: 'tooOld',
    },
    { name: 'no date at all', text: 'Signed by Chris Customer', reason: 'dates', found: false, detail: 'none' },
    {
      name: 'the latest of several dates decides',
      text: 'Kick-off 2019-01-10\nSign-off 2026年11月15日',
      reason: 'dates',
      found: true,
    },
    { name: 'dates just inside the 12 months', text: 'Signed 2025-12-01', reason: 'dates', found: true },
    {
      name: 'dates a day outside the 12 months',
      text: 'Signed 2025-11-30',
      reason: 'dates',
      found: false,
      detail: 'tooOld',
    },
    {
      name: 'the partner is named but no work described',
      text: 'Fabrikam Consulting\nContoso',
      reason: 'partnerSolution',
      found: false,
      detail: 'noWorkDescription',
    },
    {
      name: 'work described but no partner named',
      text: 'Contoso migrated to Dynamics 365 Sales',
      reason: 'partnerSolution',
      found: false,
      detail: 'noPartnerName',
    },
    {
      name: 'Korean work description by a partner location',
      text: 'Seoul 지사에서 Dynamics 365 Sales 구축',
      reason: 'partnerSolution',
      found: true,
    },
    {
      name: 'Japanese work description',
      text: 'Fabrikam Consulting による Power BI の導入支援',
      reason: 'partnerSolution',
      found: true,
    },
    {
      name: 'one claimed product not named',
      text: 'Fabrikam deployed Dynamics 365 Sales',
      reason: 'products',
      found: false,
    },
    { name: 'products by alias', text: 'D365 Sales and PowerBI dashboards', reason: 'products', found: true },
    {
      name: 'products named in Korean and Japanese text',
      text: 'Dynamics 365 Sales 구축 및 パワー BI 導入',
      reason: 'products',
      found: true,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.reason} ${c.found ? 'found' : 'not found'}`, () => {
      const f = finding(checkPoeText(c.text, claim, context), c.reason);
      assert.equal(f.found, c.found, JSON.stringify(f));
      if (c.detail) assert.equal(f.detail, c.detail);
      if (c.found) assert.ok((f.evidence ?? '').length > 0, 'a found reason carries evidence');
    });
  }

  it('lists the claimed products the file does not name', () => {
    const f = finding(checkPoeText('Fabrikam deployed Dynamics 365 Sales', claim, context), 'products');
    assert.deepEqual((f as PoeFinding & { missingProductIds?: string[] }).missingProductIds, ['powerBI']);
  });

  it('a word inside another word is no product ("Teamsters" is not Teams)', () => {
    const teams = validClaim({ productIds: ['microsoftTeams'] });
    assert.equal(finding(checkPoeText('Teamsters union', teams, context), 'products').found, false);
    assert.equal(finding(checkPoeText('Microsoft Teams rollout', teams, context), 'products').found, true);
  });

  it('the age is configurable', () => {
    const f = finding(checkPoeText('Signed 2026-03-01', claim, { ...context, maxAgeMonths: 6 }), 'dates');
    assert.equal(f.found, false);
    assert.equal(f.detail, 'tooOld');
  });

  it('keeps at most a short phrase of the document as evidence', () => {
    const long = `Fabrikam Consulting deployed Dynamics 365 Sales ${'x'.repeat(5000)}`;
    const f = finding(checkPoeText(long, claim, context), 'partnerSolution');
    assert.ok((f.evidence ?? '').length <= EVIDENCE_MAX_CHARS);
    assert.equal(evidencePhrase('a\u0000b\u202ec\nd'), 'a b\u202ec d');
  });

  it('names the customer by domain label, domain, contacts and revenue customer name', () => {
    assert.equal(domainLabel('contoso.co.kr'), 'contoso');
    assert.equal(domainLabel('www.contoso.com'), 'contoso');
    assert.equal(domainLabel('localhost'), undefined);
    const terms = customerTerms(
      validClaim({ revenue: { customerName: 'Contoso Ltd', solutionSellerName: 's', isvSolutionName: 'i' } }),
    );
    assert.ok(
      ['contoso', 'contoso.onmicrosoft.com', 'Chris Customer', 'chris@contoso.com', 'Tess Tech', 'Contoso Ltd'].every(
        (t) => terms.includes(t),
      ),
      terms.join(),
    );
  });
});

describe('PoE check: combined over all files', () => {
  const withCheck = (id: string, fileName: string, check: PoeFileCheck): PoeFile => ({
    ...poeFile(id),
    fileName,
    check,
  });

  it('a reason found in any file is found; products are the union; unreadable files are listed', () => {
    const sow = withCheck(
      'a',
      'sow.pdf',
      checkPoeText(
        'Fabrikam Consulting deployed Dynamics 365 Sales\nSignature Chris Customer 2026-11-15',
        claim,
        context,
      ),
    );
    const mail = withCheck('b', 'approval.eml', checkPoeText('Power BI reports', claim, context));
    const photo = withCheck('c', 'photo.png', { status: 'unreadable', checkedAt: NOW.toISOString(), why: 'image' });
    const combined = combineChecks([sow, mail, photo], claim.productIds);
    assert.deepEqual(
      combined.findings.map((f) => [f.reason, f.found]),
      [
        ['customerAcknowledgement', true],
        ['dates', true],
        ['partnerSolution', true],
        ['products', true],
      ],
    );
    assert.equal(combined.findings[0].fileName, 'sow.pdf');
    assert.deepEqual(combined.unreadable, [{ fileName: 'photo.png', why: 'image' }]);
  });

  it('products chosen after the file was read are judged against what it names', () => {
    const sow = withCheck('a', 'sow.pdf', checkPoeText('Dynamics 365 Sales', validClaim({ productIds: [] }), context));
    assert.deepEqual(combineChecks([sow], ['dynamics365Sales']).findings[3].missingProductIds, []);
    assert.deepEqual(combineChecks([sow], ['dynamics365Sales', 'powerApps']).findings[3].missingProductIds, [
      'powerApps',
    ]);
  });

  it('an old date stays "too old" over all files', () => {
    const old = withCheck('a', 'sow.pdf', checkPoeText('Signed 2019-05-01', claim, context));
    const combined = combineChecks([old], claim.productIds);
    assert.equal(combined.findings[1].detail, 'tooOld');
    assert.equal(combined.findings[1].latestDay, '2019-05-01');
  });
});
