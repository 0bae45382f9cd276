/**
 * The language the customer is asked in, by email and on the consent page the email
 * opens. We know no customer locale (the contact is not a Teams user of ours), so the
 * best evidence wins, in this order:
 *   1. the language the claim was filed in (the partner wrote to this customer in it);
 *   2. the country of the partner location the claim is filed under;
 *   3. the customer domain's top-level domain (.kr, .jp);
 *   4. English.
 * Every other language stays one link away (the email's and the page's language links).
 */
import type { Claim, PartnerOrganisation } from '../../claims/model';
import { DEFAULT_LOCALE, localeOfCountry, localeOfDomain, localeOfTag, type Locale } from '../../locales/languages';

/** Which evidence chose the language: for the logs, and for tests to say why. */
export type CustomerLanguageSource = 'filed' | 'location' | 'domain' | 'default';

export interface CustomerLanguage {
  locale: Locale;
  source: CustomerLanguageSource;
}

export function customerLanguageOf(
  claim: Pick<Claim, 'filedLocale' | 'mpnId' | 'customerDomain'>,
  org: Pick<PartnerOrganisation, 'locations'> | undefined,
): CustomerLanguage {
  const filed = claim.filedLocale === undefined ? undefined : localeOfTag(claim.filedLocale);
  if (filed) return { locale: filed, source: 'filed' };
  const location = localeOfCountry(org?.locations.find((l) => l.mpnId === claim.mpnId)?.country);
  if (location) return { locale: location, source: 'location' };
  const domain = localeOfDomain(claim.customerDomain);
  if (domain) return { locale: domain, source: 'domain' };
  return { locale: DEFAULT_LOCALE, source: 'default' };
}
