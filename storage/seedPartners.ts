/**
 * Loads partner organisations from a JSON file into the partner directory.
 * `npm run seed [file]` runs it against COSMOS_ENDPOINT (or the local stand-in);
 * the local stack calls `seedPartners` itself at start-up.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DefaultAzureCredential } from '@azure/identity';
import type { PartnerOrganisation } from '../claims/model';
import type { PartnerDirectory } from '../claims/ports';
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

const ORG_FIELDS = new Set(['id', 'type', 'name', 'locations', 'incentivesAdmins', 'reviewers']);
const LOCATION_FIELDS = new Set(['mpnId', 'name', 'country']);

/** Checks that `json` is an array of partner organisations; throws SeedFileError listing every problem. */
export function parsePartnerOrganisations(json: unknown, source = 'partner list'): PartnerOrganisation[] {
  if (!Array.isArray(json) || json.length === 0) throw new SeedFileError(source, ['expected a non-empty JSON array of organisations']);
  const problems: string[] = [];
  const orgs = json.map((item: unknown, i) => parseOrganisation(item, `[${i}]`, problems));
  const seen = new Set<string>();
  orgs.forEach((org, i) => {
    if (org.id && seen.has(org.id)) problems.push(`[${i}].id "${org.id}" appears twice`);
    seen.add(org.id);
  });
  if (problems.length > 0) throw new SeedFileError(source, problems);
  return orgs;
}

/** Reads one organisation, adding what is wrong with it to `problems` (the result is then discarded). */
function parseOrganisation(item: unknown, at: string, problems: string[]): PartnerOrganisation {
  if (!isRecord(item)) {
    problems.push(`${at} must be an object`);
    return { id: '', type: 'partner', name: '', locations: [], incentivesAdmins: [], reviewers: [] };
  }
  unknownFields(item, ORG_FIELDS, at, problems);
  const id = text(item.id, `${at}.id`, problems);
  if (/[/\\?#]/.test(id)) problems.push(`${at}.id must not contain / \\ ? or #`);
  if (item.type !== undefined && item.type !== 'partner') problems.push(`${at}.type must be "partner" when given`);
  return {
    id,
    type: 'partner',
    name: text(item.name, `${at}.name`, problems),
    locations: list(item.locations, `${at}.locations`, problems, true).map((location, j) => parseLocation(location, `${at}.locations[${j}]`, problems)),
    incentivesAdmins: list(item.incentivesAdmins, `${at}.incentivesAdmins`, problems).map((v, j) => text(v, `${at}.incentivesAdmins[${j}]`, problems)),
    reviewers: list(item.reviewers, `${at}.reviewers`, problems).map((v, j) => text(v, `${at}.reviewers[${j}]`, problems)),
  };
}

function parseLocation(location: unknown, at: string, problems: string[]): PartnerOrganisation['locations'][number] {
  if (!isRecord(location)) {
    problems.push(`${at} must be an object`);
    return { mpnId: '', name: '' };
  }
  unknownFields(location, LOCATION_FIELDS, at, problems);
  const mpnId = text(location.mpnId, `${at}.mpnId`, problems);
  if (mpnId && !/^\d+$/.test(mpnId)) problems.push(`${at}.mpnId must be digits only, got "${mpnId}"`);
  const name = text(location.name, `${at}.name`, problems);
  return location.country === undefined ? { mpnId, name } : { mpnId, name, country: text(location.country, `${at}.country`, problems) };
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

/** Upserts each organisation (so seeding twice is harmless); returns how many. */
export async function seedPartners(directory: PartnerDirectory, orgs: PartnerOrganisation[]): Promise<number> {
  for (const org of orgs) await directory.upsert(org);
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
  const count = await seedPartners(new CosmosPartnerDirectory(database.container(containerSpec('partners').id)), orgs);
  console.log(`seeded ${count} partner organisation(s) from ${file} into ${endpoint} / ${databaseId}`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
