/**
 * Loads partner organisations from a JSON file into the partner directory.
 * `npm run seed [file]` runs it against COSMOS_ENDPOINT (or the local stand-in);
 * the local stack calls `seedPartners` itself at start-up.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DefaultAzureCredential } from '@azure/identity';
import type { PartnerOrganisation } from '../claims/model';
import { importChanges, organisationProblems } from '../claims/organisations';
import { systemClock, type Clock, type PartnerDirectory } from '../claims/ports';
import { createCosmosClient } from './cosmosConnection';
import { containerSpec, ensureCosmosSchema } from './cosmosSchema';
import { CosmosPartnerDirectory } from './partnerDirectory';
import { COSMOS_STAND_IN_KEY } from './standIns';

export const DEFAULT_SEED_FILE = path.join(__dirname, 'seed', 'partners.json');

/** The file is not a list of partner organisations; the message lists every problem with its JSON path. */
export class SeedFileError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is not a valid partner list:\n  - ${problems.join('\n  - ')}`);
    this.name = 'SeedFileError';
  }
}

const ORG_FIELDS = new Set([
  'id',
  'type',
  'name',
  'locations',
  'owners',
  'incentivesAdmins',
  'viewers',
  'reviewers',
  'operatorAdmins',
  'suspended',
]);
const LOCATION_FIELDS = new Set(['mpnId', 'name', 'country']);
type MemberList = 'owners' | 'incentivesAdmins' | 'viewers' | 'reviewers' | 'operatorAdmins';

/**
 * Checks that `json` is an array of organisations that follow the directory's rules (the
 * same the onboarding card applies: see claims/organisations.ts), with at most one
 * operator; throws SeedFileError listing every problem.
 */
export function parsePartnerOrganisations(json: unknown, source = 'partner list'): PartnerOrganisation[] {
  if (!Array.isArray(json) || json.length === 0)
    throw new SeedFileError(source, ['expected a non-empty JSON array of organisations']);
  const problems: string[] = [];
  const orgs = json.map((item: unknown, i) => parseOrganisation(item, `[${i}]`, problems));
  const seen = new Set<string>();
  orgs.forEach((org, i) => {
    if (org.id && seen.has(org.id)) problems.push(`[${i}].id "${org.id}" appears twice`);
    seen.add(org.id);
    for (const p of organisationProblems(org)) problems.push(`[${i}].${p.field}: ${RULES[p.code] ?? p.code}`);
  });
  if (orgs.filter((org) => org.type === 'operator').length > 1)
    problems.push('only one organisation may be the operator');
  if (problems.length > 0) throw new SeedFileError(source, problems);
  return orgs;
}

/** The directory's rules in words, for someone editing the file. */
const RULES: Readonly<Record<string, string>> = {
  organisationTenantInvalid: 'must be the tenant id (a GUID)',
  organisationNameInvalid: 'must be a name of at most 200 characters',
  roleNotInOrganisation:
    'this role does not exist in this type of organisation (reviewers and operator admins only in the operator; owners, incentives admins and viewers only in partners)',
  memberInvalid: 'must be an AAD object id (GUID) or an email address',
  locationRequired: 'a partner needs at least one MPN location',
  ownerRequired: 'a partner needs at least one owner',
  required: 'is required',
  mpnIdInvalid: 'must be an MPN id (6 to 10 digits)',
  locationDuplicate: 'this MPN id appears twice',
  locationNameInvalid: 'must be a name of at most 200 characters',
  locationCountryInvalid: 'must be a two-letter ISO 3166 country code',
};

/** Reads one organisation, adding what is wrong with it to `problems` (the result is then discarded). */
function parseOrganisation(item: unknown, at: string, problems: string[]): PartnerOrganisation {
  if (!isRecord(item)) {
    problems.push(`${at} must be an object`);
    return { id: '', type: 'partner', name: '', locations: [], incentivesAdmins: [], reviewers: [] };
  }
  unknownFields(item, ORG_FIELDS, at, problems);
  const id = text(item.id, `${at}.id`, problems);
  if (/[/\\?#]/.test(id)) problems.push(`${at}.id must not contain / \\ ? or #`);
  if (item.type !== undefined && item.type !== 'partner' && item.type !== 'operator')
    problems.push(`${at}.type must be "partner" or "operator" when given`);
  if (item.suspended !== undefined && typeof item.suspended !== 'boolean')
    problems.push(`${at}.suspended must be true or false when given`);
  const members = (field: MemberList): string[] =>
    item[field] === undefined
      ? []
      : list(item[field], `${at}.${field}`, problems).map((v, j) =>
          text(v, `${at}.${field}[${j}]`, problems).toLowerCase(),
        );
  const org: PartnerOrganisation = {
    id: id.toLowerCase(),
    type: item.type === 'operator' ? 'operator' : 'partner',
    name: text(item.name, `${at}.name`, problems),
    locations: (item.locations === undefined ? [] : list(item.locations, `${at}.locations`, problems)).map(
      (location, j) => parseLocation(location, `${at}.locations[${j}]`, problems),
    ),
    owners: members('owners'),
    incentivesAdmins: members('incentivesAdmins'),
    viewers: members('viewers'),
    reviewers: members('reviewers'),
    operatorAdmins: members('operatorAdmins'),
  };
  return item.suspended === true ? { ...org, suspended: true } : org;
}

function parseLocation(location: unknown, at: string, problems: string[]): PartnerOrganisation['locations'][number] {
  if (!isRecord(location)) {
    problems.push(`${at} must be an object`);
    return { mpnId: '', name: '' };
  }
  unknownFields(location, LOCATION_FIELDS, at, problems);
  const mpnId = text(location.mpnId, `${at}.mpnId`, problems);
  const name = text(location.name, `${at}.name`, problems);
  return location.country === undefined
    ? { mpnId, name }
    : { mpnId, name, country: text(location.country, `${at}.country`, problems) };
}

export async function readSeedFile(file: string = DEFAULT_SEED_FILE): Promise<PartnerOrganisation[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new SeedFileError(file, [e instanceof Error ? e.message : String(e)]);
  }
  return parsePartnerOrganisations(json, file);
}

/**
 * Upserts each organisation (so seeding twice is harmless), adding to its audit trail
 * every role the import gave or took, by "seed"; returns how many.
 */
export async function seedPartners(
  directory: PartnerDirectory,
  orgs: PartnerOrganisation[],
  clock: Clock = systemClock,
): Promise<number> {
  for (const org of orgs) await directory.upsert(importChanges(await directory.get(org.id), org, 'seed', clock.now()));
  return orgs.length;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The trimmed string, or '' after recording the problem. */
function text(value: unknown, at: string, problems: string[]): string {
  if (typeof value === 'string' && value.trim().length > 0) return value.trim();
  problems.push(`${at} must be a non-empty string`);
  return '';
}

function list(value: unknown, at: string, problems: string[], nonEmpty = false): unknown[] {
  if (Array.isArray(value) && (!nonEmpty || value.length > 0)) return value;
  problems.push(`${at} must be ${nonEmpty ? 'a non-empty' : 'an'} array`);
  return [];
}

function unknownFields(record: Record<string, unknown>, known: Set<string>, at: string, problems: string[]): void {
  for (const field of Object.keys(record)) if (!known.has(field)) problems.push(`${at}.${field} is not a known field`);
}

/**
 * `npm run seed [file]`. Without COSMOS_ENDPOINT it seeds the local stack's stand-in
 * on its default port; with it, Azure (COSMOS_KEY, or managed identity / az login).
 */
async function main(): Promise<void> {
  const file = path.resolve(process.argv[2] ?? DEFAULT_SEED_FILE);
  const orgs = await readSeedFile(file);
  const endpoint = process.env.COSMOS_ENDPOINT || 'http://127.0.0.1:8081';
  const local = !process.env.COSMOS_ENDPOINT;
  const key = process.env.COSMOS_KEY || (local ? COSMOS_STAND_IN_KEY : undefined);
  const client = createCosmosClient({ endpoint, key, credential: key ? undefined : new DefaultAzureCredential() });
  const databaseId = process.env.COSMOS_DATABASE || 'cpor';
  // Azure's containers come from the Bicep template; only the stand-in may lack them.
  const database = local ? await ensureCosmosSchema(client, databaseId) : client.database(databaseId);
  // Only reads and writes entries: the operator tenant plays no part in seeding.
  const count = await seedPartners(
    new CosmosPartnerDirectory(database.container(containerSpec('partners').id), { operatorTenantId: '' }),
    orgs,
  );
  console.log(`seeded ${count} partner organisation(s) from ${file} into ${endpoint} / ${databaseId}`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
