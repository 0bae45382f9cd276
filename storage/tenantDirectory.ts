/**
 * Which tenant a customer domain belongs to, for the domain–tenant check while the
 * partner types. Locally a seeded list (`storage/seed/tenants.json`): demo domains
 * map to fixed tenant ids and every other domain is unknown, which the conversation
 * accepts with a warning (the review checks it).
 *
 * A production adapter would ask Microsoft Entra ID itself: the public OpenID
 * discovery document `https://login.microsoftonline.com/{domain}/v2.0/.well-known/openid-configuration`
 * needs no credentials and names the tenant in its `issuer`
 * (`https://login.microsoftonline.com/{tenantId}/v2.0`); an unknown domain answers 400.
 * It would cache answers (hours for a hit, minutes for a miss: domains rarely move),
 * time out after a second or two, and answer `undefined` on any failure, so the
 * check never blocks the flow: an unreachable directory is an unknown domain, not an
 * error. Sovereign clouds use their own login host.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TenantDirectory } from '../claims/ports';
import { normalizeDomain, normalizeGuid } from '../claims/validation';

export const DEFAULT_TENANT_SEED_FILE = path.join(__dirname, 'seed', 'tenants.json');

/** The seed file is not a `{ "domain": "tenant GUID" }` object; the message lists every bad entry. */
export class TenantSeedError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is not a valid tenant list:\n  - ${problems.join('\n  - ')}`);
    this.name = 'TenantSeedError';
  }
}

export class SeededTenantDirectory implements TenantDirectory {
  private readonly tenants: ReadonlyMap<string, string>;

  /** `entries`: domain → tenant id; both are normalised, and a bad entry fails the construction. */
  constructor(entries: Readonly<Record<string, unknown>>, source = 'tenant list') {
    const tenants = new Map<string, string>();
    const problems: string[] = [];
    for (const [domain, tenant] of Object.entries(entries)) {
      const normalDomain = normalizeDomain(domain);
      const normalTenant = typeof tenant === 'string' ? normalizeGuid(tenant) : undefined;
      if (!normalDomain) problems.push(`"${domain}" is not a domain name`);
      if (!normalTenant) problems.push(`"${domain}" must map to a tenant GUID`);
      if (normalDomain && normalTenant) tenants.set(normalDomain, normalTenant);
    }
    if (problems.length > 0) throw new TenantSeedError(source, problems);
    this.tenants = tenants;
  }

  async tenantOfDomain(domain: string): Promise<string | undefined> {
    const normal = normalizeDomain(domain);
    return normal === undefined ? undefined : this.tenants.get(normal);
  }
}

export async function loadSeededTenantDirectory(file: string = DEFAULT_TENANT_SEED_FILE): Promise<SeededTenantDirectory> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new TenantSeedError(file, [e instanceof Error ? e.message : String(e)]);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new TenantSeedError(file, ['expected a JSON object of domain → tenant id']);
  return new SeededTenantDirectory(json as Record<string, unknown>, file);
}
