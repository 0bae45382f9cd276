/**
 * Which tenant a domain belongs to, asked of Microsoft Entra ID: its public OpenID
 * discovery document for the domain (`{authority}/{domain}/v2.0/.well-known/openid-configuration`)
 * needs no credentials and names the tenant in its `issuer`
 * (`https://login.microsoftonline.com/{tenantId}/v2.0`); a domain no tenant has
 * verified answers 400 (AADSTS90002). Answers are cached (domains rarely move), each
 * question has a deadline, and any failure is "cannot verify", never an error: the
 * conversation goes on and the reviewer decides.
 */
import { CONSUMER_TENANT_ID, isConsumerDomain, type TenantLookup } from '../claims/tenants';
import { systemClock, type Clock, type TenantDirectory } from '../claims/ports';
import { normalizeDomain, normalizeGuid } from '../claims/validation';

export interface EntraTenantDirectoryOptions {
  /** The login host's origin, e.g. https://login.microsoftonline.com (sovereign clouds have their own). */
  authority: string;
  /** Per question; default 2 s. */
  timeoutMs?: number;
  /** How long a found tenant (or consumer answer) is kept; default 12 hours. */
  hitTtlMs?: number;
  /** How long "no tenant has this domain" is kept; default 10 minutes. */
  missTtlMs?: number;
  /** How long "could not ask" is kept, so an outage is not asked again on every keystroke; default 1 minute. */
  failureTtlMs?: number;
  /** Most domains kept; the oldest go first. Default 10,000. */
  maxEntries?: number;
  clock?: Clock;
  /** Where failures are reported (never with more than the domain and a reason). */
  log?: (reason: string, domain: string) => void;
}

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** The discovery document is a few KB; anything much larger is not one. */
const MAX_DOCUMENT_BYTES = 64 * 1024;
const ISSUER = /^https:\/\/[^/]+\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/v2\.0\/?$/i;

export class EntraTenantDirectory implements TenantDirectory {
  private readonly cache = new Map<string, { answer: TenantLookup; until: number }>();
  private readonly inFlight = new Map<string, Promise<TenantLookup>>();
  private readonly authority: string;
  private readonly clock: Clock;

  constructor(private readonly options: EntraTenantDirectoryOptions) {
    const url = new URL(options.authority);
    if (
      url.protocol !== 'https:' &&
      !(url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
    ) {
      throw new RangeError(
        `the Entra authority must be https (plain http only on loopback, for tests), got ${options.authority}`,
      );
    }
    this.authority = url.origin;
    this.clock = options.clock ?? systemClock;
  }

  async lookup(domain: string): Promise<TenantLookup> {
    const normal = normalizeDomain(domain);
    if (normal === undefined) return { kind: 'unknown' };
    if (isConsumerDomain(normal)) return { kind: 'consumer' };
    const now = this.clock.now().getTime();
    const cached = this.cache.get(normal);
    if (cached && cached.until > now) return cached.answer;
    // Several turns asking for one domain at once share one request.
    let pending = this.inFlight.get(normal);
    if (!pending) {
      pending = this.ask(normal).finally(() => this.inFlight.delete(normal));
      this.inFlight.set(normal, pending);
    }
    return pending;
  }

  async tenantOfDomain(domain: string): Promise<string | undefined> {
    const answer = await this.lookup(domain);
    return answer.kind === 'tenant' ? answer.tenantId : undefined;
  }

  private async ask(domain: string): Promise<TenantLookup> {
    const answer = await this.fetchAnswer(domain);
    const ttl =
      answer.kind === 'tenant' || answer.kind === 'consumer'
        ? (this.options.hitTtlMs ?? 12 * HOUR)
        : answer.kind === 'unknown'
          ? (this.options.missTtlMs ?? 10 * MINUTE)
          : (this.options.failureTtlMs ?? MINUTE);
    this.remember(domain, answer, ttl);
    return answer;
  }

  private async fetchAnswer(domain: string): Promise<TenantLookup> {
    const url = `${this.authority}/${encodeURIComponent(domain)}/v2.0/.well-known/openid-configuration`;
    let response: Response;
    let body: string;
    try {
      response = await fetch(url, {
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 2000),
        headers: { accept: 'application/json' },
      });
      body = await limitedText(response);
    } catch (e) {
      this.options.log?.(e instanceof Error && e.name === 'TimeoutError' ? 'timeout' : 'unreachable', domain);
      return { kind: 'unverifiable' };
    }
    if (response.status === 400 && isUnknownTenant(body)) return { kind: 'unknown' };
    if (response.status !== 200) {
      this.options.log?.(`status ${response.status}`, domain);
      return { kind: 'unverifiable' };
    }
    const tenantId = tenantOfDocument(body);
    if (!tenantId) {
      this.options.log?.('not a discovery document', domain);
      return { kind: 'unverifiable' };
    }
    return tenantId === CONSUMER_TENANT_ID ? { kind: 'consumer' } : { kind: 'tenant', tenantId };
  }

  private remember(domain: string, answer: TenantLookup, ttlMs: number): void {
    this.cache.delete(domain);
    this.cache.set(domain, { answer, until: this.clock.now().getTime() + ttlMs });
    const max = this.options.maxEntries ?? 10_000;
    while (this.cache.size > max) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
  }
}

/** The JSON object an answer holds, or undefined when it is none. */
function jsonObject(body: string): object | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The tenant id in a discovery document's issuer, or undefined when it is no such document. */
function tenantOfDocument(body: string): string | undefined {
  const document = jsonObject(body);
  const issuer: unknown = document ? Reflect.get(document, 'issuer') : undefined;
  const match = typeof issuer === 'string' ? ISSUER.exec(issuer) : null;
  return match ? normalizeGuid(match[1] as string) : undefined;
}

/** Entra ID's answer for a domain no tenant has: error code 90002 (other 400s are other problems). */
function isUnknownTenant(body: string): boolean {
  const answer = jsonObject(body);
  const codes: unknown = answer ? Reflect.get(answer, 'error_codes') : undefined;
  const description: unknown = answer ? Reflect.get(answer, 'error_description') : undefined;
  return (
    (Array.isArray(codes) && codes.includes(90002)) ||
    (typeof description === 'string' && /^AADSTS90002:/.test(description))
  );
}

async function limitedText(response: Response): Promise<string> {
  const announced = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(announced) && announced > MAX_DOCUMENT_BYTES) {
    await response.body?.cancel();
    return '';
  }
  const text = await response.text();
  return text.length > MAX_DOCUMENT_BYTES ? '' : text;
}
