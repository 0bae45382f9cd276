/**
 * What the tenant directory can say about a domain, and the domains of personal
 * mailboxes, which belong to no organisation (pure: no I/O).
 */

/** The tenant of personal Microsoft accounts (outlook.com, hotmail.com, live.com …) in Entra ID. */
export const CONSUMER_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad';

/**
 * Mail domains of personal mailboxes: an address there is a private person's, never
 * an organisation's, whatever the directory answers for it.
 */
export const CONSUMER_DOMAINS: ReadonlySet<string> = new Set([
  'outlook.com',
  'outlook.jp',
  'outlook.kr',
  'hotmail.com',
  'hotmail.co.jp',
  'hotmail.co.kr',
  'hotmail.co.uk',
  'live.com',
  'live.jp',
  'live.co.kr',
  'msn.com',
  'passport.com',
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.jp',
  'ymail.com',
  'rocketmail.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'web.de',
  'mail.com',
  'yandex.com',
  'yandex.ru',
  'mail.ru',
  'zoho.com',
  'naver.com',
  'daum.net',
  'hanmail.net',
  'kakao.com',
  'nate.com',
  'docomo.ne.jp',
  'ezweb.ne.jp',
  'au.com',
  'softbank.ne.jp',
  'i.softbank.jp',
  'nifty.com',
  'biglobe.ne.jp',
  'qq.com',
  '163.com',
  '126.com',
]);

/**
 * The directory's answer for a domain:
 * - `tenant`: the organisation's tenant;
 * - `consumer`: personal accounts, no organisation;
 * - `unknown`: the directory knows no tenant for it;
 * - `unverifiable`: the directory could not be asked (timeout, error, an answer that made no sense).
 */
export type TenantLookup =
  { kind: 'tenant'; tenantId: string } | { kind: 'consumer' } | { kind: 'unknown' } | { kind: 'unverifiable' };

export const isConsumerDomain = (domain: string): boolean =>
  CONSUMER_DOMAINS.has(domain.toLowerCase().replace(/\.$/, ''));

/** The domain of an email address, lower case, or undefined when it has none. */
export function emailDomain(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  const domain =
    at < 0
      ? ''
      : email
          .slice(at + 1)
          .trim()
          .toLowerCase()
          .replace(/\.$/, '');
  return domain === '' ? undefined : domain;
}

/** Whether an address of `lookup`'s domain belongs to `tenantId`: yes, no, or cannot tell. */
export function belongsTo(lookup: TenantLookup, tenantId: string): 'yes' | 'no' | 'unknown' {
  if (lookup.kind === 'consumer') return 'no';
  if (lookup.kind === 'tenant') return lookup.tenantId.toLowerCase() === tenantId.toLowerCase() ? 'yes' : 'no';
  return 'unknown';
}
