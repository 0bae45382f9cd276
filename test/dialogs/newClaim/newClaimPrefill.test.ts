/**
 * A claim started from its signed statement of work: attached at the first card, the
 * file is stored, and what it says is proposed on the customer, products and contacts
 * cards (the tenant checked with the directory), each confirmed by the partner; the
 * claim records nothing until then, and the file is its PoE once the draft exists.
 */
import assert from 'node:assert/strict';
import { formatList, LOCALES, t } from '../../../locales/i18n';
import { textPdf } from '../../support/poeDocuments';
import {
  CUSTOMER_DOMAIN,
  CUSTOMER_TENANT,
  Chat,
  adminCaller,
  cardStrings,
  newClaimSetting,
  onlyClaimOf,
  textsOf,
} from './newClaimHarness';
import { assertCard, fillStart, start } from './newClaimSteps';

const SOW = textPdf([
  {
    lines: [
      'Statement of Work — Fabrikam Seattle for Contoso',
      `Customer tenant: ${CUSTOMER_DOMAIN}, tenant ID ${CUSTOMER_TENANT.toUpperCase()}`,
      'Scope: Exchange Online migration and Microsoft Teams rollout.',
      'Customer acceptance',
      'Name: Dana Customer',
      'Title: IT director',
      'Email: dana@contoso.com',
      'Signature: ________  Date: 2025-02-20',
    ],
  },
]);

const valueOf = (card: unknown, id: string): string | undefined => {
  let found: string | undefined;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === 'object' && node !== null) {
      const record = node as Record<string, unknown>;
      if (record.id === id && typeof record.value === 'string') found = record.value;
      Object.values(record).forEach(walk);
    }
  };
  walk(card);
  return found;
};

describe('NewClaimDialog prefill from a statement of work', function () {
  this.timeout(120_000);
  const s = newClaimSetting();

  for (const locale of LOCALES) {
    it(`${locale}: proposes the customer, tenant (checked), products and contact for confirmation, and records the file as PoE`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await start(chat);
      assertCard(chat, 'start.title');
      const replies = await chat.attach({ name: 'signed SOW.pdf', url: s.world.files.serve(SOW), fileType: 'pdf' });
      const texts = textsOf(replies);
      assert.ok(texts.includes(t(locale, 'prefill.found', { fileName: 'signed SOW.pdf' })), texts.join('\n'));
      // The start card again, with the customer the document names.
      assertCard(chat, 'start.title');
      // Nothing is written from the document: no claim exists yet.
      await assert.rejects(onlyClaimOf(s.world, s.org));

      const customer = chat.lastCard();
      assert.equal(valueOf(customer, 'customerDomain'), CUSTOMER_DOMAIN);
      assert.equal(valueOf(customer, 'customerTenantId'), CUSTOMER_TENANT);
      const shown = cardStrings(customer);
      assert.ok(
        shown.includes(
          t(locale, 'prefill.customer', {
            fileName: 'signed SOW.pdf',
            domain: CUSTOMER_DOMAIN,
            tenantId: CUSTOMER_TENANT,
          }),
        ),
        shown.join('\n'),
      );
      assert.ok(shown.includes(t(locale, 'prefill.tenantVerified', { domain: CUSTOMER_DOMAIN })));
      await fillStart(chat, {
        domain: valueOf(customer, 'customerDomain') ?? '',
        tenantId: valueOf(customer, 'customerTenantId') ?? '',
      });

      assertCard(chat, 'products.title');
      const products = chat.lastCard();
      assert.equal(valueOf(products, 'productIds'), 'exchangeOnline,microsoftTeams');
      assert.ok(
        cardStrings(products).includes(
          t(locale, 'prefill.products', {
            fileName: 'signed SOW.pdf',
            products: formatList(locale, ['Exchange Online', 'Microsoft Teams']),
          }),
        ),
      );
      let claim = await onlyClaimOf(s.world, s.org);
      assert.deepEqual(claim.productIds, [], 'proposed, not chosen');
      await chat.click('productsChosen', { productIds: 'exchangeOnline' });

      assertCard(chat, 'contacts.title');
      const contacts = chat.lastCard();
      assert.deepEqual(
        [valueOf(contacts, 'customerName'), valueOf(contacts, 'customerTitle'), valueOf(contacts, 'customerEmail')],
        ['Dana Customer', 'IT director', 'dana@contoso.com'],
      );
      assert.ok(
        cardStrings(contacts).includes(
          t(locale, 'prefill.contact', {
            fileName: 'signed SOW.pdf',
            name: 'Dana Customer',
            email: 'dana@contoso.com',
          }),
        ),
      );
      await chat.click('contactsEntered', {
        customerName: 'Dana Customer',
        customerTitle: 'IT director',
        customerEmail: 'dana@contoso.com',
        partnerName: 'Alex Wilber',
        partnerEmail: 'alexw@fabrikam.example',
      });

      // The PoE step finds the SOW recorded, read and checked against the confirmed claim.
      assertCard(chat, 'poe.title');
      claim = await onlyClaimOf(s.world, s.org);
      assert.deepEqual(
        claim.poe.map((f) => f.fileName),
        ['signed SOW.pdf'],
      );
      assert.equal(claim.poe[0]?.check?.status, 'checked');
      const poeCard = cardStrings(chat.lastCard());
      assert.ok(poeCard.includes(t(locale, 'poeCheck.acknowledgementFound')), poeCard.join('\n'));
      assert.ok(poeCard.includes(t(locale, 'poeCheck.productsFound')));
    });
  }

  it('a statement of work attached before the draft exists is deleted when the partner cancels', async () => {
    const chat = new Chat(s.world, adminCaller(s.org, 'en-US'));
    const stored = async () => {
      const names: string[] = [];
      const container = s.world.blobs.getContainerClient(s.world.containerName);
      for await (const blob of container.listBlobsFlat({ prefix: `${s.org.id}/` })) names.push(blob.name);
      return names;
    };
    await start(chat);
    await chat.attach({ name: 'signed SOW.pdf', url: s.world.files.serve(SOW), fileType: 'pdf' });
    assertCard(chat, 'start.title');
    assert.equal((await stored()).length, 1, 'stored under the id the draft would get');
    const replies = await chat.send('cancel');
    assert.deepEqual(textsOf(replies), [t('en-US', 'cancel.stopped')]);
    assert.deepEqual(await stored(), [], 'no claim will ever record it');
    await assert.rejects(onlyClaimOf(s.world, s.org));
  });

  it('a file with nothing to propose is still kept as PoE, and says so', async () => {
    const chat = new Chat(s.world, adminCaller(s.org, 'en-US'));
    await start(chat);
    const replies = await chat.attach({
      name: 'notes.pdf',
      url: s.world.files.serve(textPdf([{ lines: ['Meeting notes'] }])),
      fileType: 'pdf',
    });
    assert.ok(textsOf(replies).includes(t('en-US', 'prefill.nothingFound', { fileName: 'notes.pdf' })));
    assertCard(chat, 'start.title');
    assert.equal(valueOf(chat.lastCard(), 'customerDomain') ?? '', '');
  });
});
