/**
 * Which tenant a customer domain belongs to, in local mode: a seeded list
 * (`storage/seed/tenants.json`) where demo domains map to fixed tenant ids and every
 * other domain is unknown, which the conversation accepts with a warning (the review
 * checks it). Outside local mode Microsoft Entra ID itself is asked
 * (storage/entraTenantDirectory.ts).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TenantDirectory } from '../claims/ports';
import { isConsumerDomain, type TenantLookup } from '../claims/tenants';
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

  /** A seeded domain's tenant; personal-mail domains are consumer; any other domain is unknown here. */
  async lookup(domain: string): Promise<TenantLookup> {
    const normal = normalizeDomain(domain);
    if (normal !== undefined && isConsumerDomain(normal)) return { kind: 'consumer' };
    const tenantId = normal === undefined ? undefined : this.tenants.get(normal);
    return tenantId === undefined ? { kind: 'unknown' } : { kind: 'tenant', tenantId };
  }
}

export async function loadSeededTenantDirectory(
  file: string = DEFAULT_TENANT_SEED_FILE,
): Promise<SeededTenantDirectory> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new TenantSeedError(file, [e instanceof Error ? e.message : String(e)]);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new TenantSeedError(file, ['expected a JSON object of domain → tenant id']);
  return new SeededTenantDirectory(json as Record<string, unknown>, file);
}
