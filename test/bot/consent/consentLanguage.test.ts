import assert from 'node:assert/strict';
import { customerLanguageOf } from '../../../bot/consent/consentLanguage';
import { LANGUAGES, LOCALES, localeOfCountry, localeOfDomain } from '../../../locales/languages';

const claim = { mpnId: '1234567', customerDomain: 'contoso.com' };
const locatedIn = (country?: string) => ({
  locations: [{ mpnId: '1234567', name: 'HQ', ...(country ? { country } : {}) }],
});

describe("the customer's consent language", () => {
  it('is the language the claim was filed in, whatever the location and the domain say', () => {
    assert.deepEqual(
      customerLanguageOf({ ...claim, filedLocale: 'ko-KR', customerDomain: 'contoso.jp' }, locatedIn('JP')),
      {
        locale: 'ko-KR',
        source: 'filed',
      },
    );
    assert.equal(customerLanguageOf({ ...claim, filedLocale: 'ja' }, undefined).locale, 'ja-JP');
  });

  it("then the country of the claim's own location (not another location of the partner)", () => {
    assert.deepEqual(customerLanguageOf(claim, locatedIn('KR')), { locale: 'ko-KR', source: 'location' });
    const elsewhere = { locations: [{ mpnId: '7654321', name: 'Tokyo', country: 'JP' }, ...locatedIn().locations] };
    assert.equal(customerLanguageOf(claim, elsewhere).source, 'default');
    assert.deepEqual(customerLanguageOf({ ...claim, customerDomain: 'contoso.co.kr' }, locatedIn('US')), {
      locale: 'en-US',
      source: 'location',
    });
  });

  it('then the top-level domain, then English; an unknown filed language counts as none', () => {
    assert.deepEqual(customerLanguageOf({ ...claim, customerDomain: 'CONTOSO.JP.' }, locatedIn('DE')), {
      locale: 'ja-JP',
      source: 'domain',
    });
    assert.deepEqual(customerLanguageOf({ ...claim, filedLocale: 'fr-FR', customerDomain: 'contoso.kr' }, undefined), {
      locale: 'ko-KR',
      source: 'domain',
    });
    assert.deepEqual(customerLanguageOf(claim, undefined), { locale: 'en-US', source: 'default' });
  });

  it('reads countries and domains from the one language table', () => {
    for (const locale of LOCALES) {
      for (const country of LANGUAGES[locale].countries) assert.equal(localeOfCountry(country.toLowerCase()), locale);
      for (const tld of LANGUAGES[locale].mailTlds) assert.equal(localeOfDomain(`example.${tld}`), locale);
    }
    assert.equal(localeOfCountry(''), undefined);
    assert.equal(localeOfDomain(''), undefined);
  });
});
