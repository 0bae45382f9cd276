import assert from 'node:assert/strict';
import JSZip from 'jszip';
import type { Claim, PartnerOrganisation } from '../../claims/model';
import type { PartnerDirectory } from '../../claims/ports';
import { DOCX_CONTENT_TYPE, poeTemplateFileName, WordPoeTemplate } from '../../documents/poeTemplate';
import { t, type Locale } from '../../locales/i18n';
import { org, validClaim } from '../claims/fixtures';

/** A partner directory holding one organisation (a fake at our own port). */
const directory = (organisation: PartnerOrganisation | null): PartnerDirectory => ({
  get: async (id) => (organisation?.id === id ? organisation : undefined),
  upsert: async () => undefined,
  isReviewer: async () => false,
});

const clock = { now: () => new Date('2026-03-05T18:00:00Z') };

async function partsOf(claim: Claim, locale: Locale, organisation: PartnerOrganisation | null = org) {
  const writer = new WordPoeTemplate({ partners: directory(organisation), timeZone: 'America/Los_Angeles', clock });
  const generated = await writer.poeTemplate(claim, locale);
  const zip = await JSZip.loadAsync(generated.bytes);
  const read = async (name: string) => (await zip.file(name)?.async('string')) ?? assert.fail(`${name} is missing`);
  /** Word splits nothing we write, but joins each paragraph's runs for a readable search. */
  const body = (await read('word/document.xml')).replace(/<\/w:t>.*?<w:t(?: [^>]*)?>/g, '');
  return {
    generated,
    body,
    core: await read('docProps/core.xml'),
    styles: await read('word/styles.xml'),
    types: await read('[Content_Types].xml'),
  };
}

describe('WordPoeTemplate', () => {
  it('writes a Word document carrying the claim name, partner, MPN location, customer domain and tenant', async () => {
    const claim = validClaim();
    const { generated, body, types } = await partsOf(claim, 'en-US');
    assert.equal(generated.contentType, DOCX_CONTENT_TYPE);
    assert.equal(generated.fileName, 'poe-template-claim-1.docx');
    assert.ok(types.includes('wordprocessingml.document.main+xml'), 'a WordprocessingML main part');
    for (const expected of [
      claim.name,
      org.name,
      '1234567 · Seattle',
      claim.customerDomain,
      claim.customerTenantId,
      'Dynamics 365 Sales',
      'Chris Customer',
      'tess@contoso.com',
      'Pat Partner',
    ]) {
      assert.ok(body.includes(expected), `document.xml lacks ${expected}`);
    }
    assert.ok(
      body.includes(t('en-US', 'poeTemplate.ackHeading')) && body.includes(t('en-US', 'poeTemplate.signature')),
      'customer signature lines',
    );
    assert.ok(body.includes('March 5, 2026'), 'the date it was prepared, in the calendar zone');
  });

  for (const locale of ['ko-KR', 'ja-JP'] as const) {
    it(`is written in ${locale}, title and labels included`, async () => {
      const { body, core, styles } = await partsOf(validClaim(), locale);
      for (const key of [
        'poeTemplate.title',
        'poeTemplate.sowHeading',
        'poeTemplate.signature',
        'fields.customerDomain',
      ] as const) {
        assert.ok(body.includes(t(locale, key)), `${key} in ${locale}`);
      }
      assert.ok(core.includes(t(locale, 'poeTemplate.title')), 'the document title property');
      assert.ok(
        styles.includes(`w:eastAsia="${locale}"`),
        'text is marked with its language, for East Asian fonts and proofing',
      );
    });
  }

  it('keeps markup, template expressions and control characters from becoming anything but text', async () => {
    const name = '${$root.secret} **bold** <w:t>x</w:t> & [link](https://evil.example)\u0001';
    const { body } = await partsOf(
      validClaim({ name, customerContact: { name: '${concat(1, 2)}', title: 'CIO', email: 'c@contoso.com' } }),
      'en-US',
    );
    assert.ok(
      body.includes('${$root.secret} **bold** &lt;w:t&gt;x&lt;/w:t&gt; &amp; [link](https://evil.example)'),
      'the name, escaped, exactly as typed',
    );
    assert.ok(body.includes('${concat(1, 2)}'), 'a template expression as a contact name stays literal');
    assert.ok(!body.includes('\u0001'), 'no control character that would make the XML invalid');
  });

  it('fills what it knows of an incomplete draft and an unknown organisation, and names revenue details', async () => {
    const draft = validClaim({
      activity: 'revenueAssociation',
      productIds: [],
      customerContact: undefined,
      technicalContact: undefined,
      revenue: { solutionSellerName: 'Seller Co', customerName: 'Contoso Ltd', isvSolutionName: 'Contoso CRM add-in' },
    });
    const { body } = await partsOf(draft, 'en-US', null);
    assert.ok(body.includes('Seller Co') && body.includes('Contoso CRM add-in'));
    assert.ok(
      body.includes(t('en-US', 'poeTemplate.ackText', { partner: draft.mpnId, customer: 'Contoso Ltd' })),
      'the revenue customer name, and the MPN ID for a partner not on record',
    );
    assert.ok(body.includes(t('en-US', 'common.notProvided')));
  });

  it('names the file from the claim id only, in ASCII', () => {
    assert.equal(poeTemplateFileName({ id: '../계약/claim 1' }), 'poe-template-claim1.docx');
    assert.match(poeTemplateFileName({ id: '한글' }), /^poe-template-[0-9a-f-]{36}\.docx$/);
  });
});
