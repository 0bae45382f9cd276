/**
 * `npm run import-legacy -- <file.json|file.csv>`: brings associations made before CPOR
 * into the bot (file format: storage/legacyFile.ts; what becomes of each:
 * claims/legacyAssociations.ts). Dynamics 365 and Power BI associations become legacy
 * holds until their subscription expires; Microsoft 365 ones are recorded so the
 * partner is told, in "my claims", to re-associate those customers with a new claim.
 *
 * Nothing is written unless the whole file is valid and names only known partners.
 * Re-running the same file is harmless: holds are refreshed, customers merged.
 * Without COSMOS_ENDPOINT it writes to the local stack's stand-in (the bot must be
 * running, `npm start`); with it, to Azure (COSMOS_KEY, or managed identity / az login).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DefaultAzureCredential } from '@azure/identity';
import { AssociationConflict } from '../claims/errors';
import { legacyOutcome, type ReassociationCustomer, type ReassociationNotices } from '../claims/legacyAssociations';
import { systemClock, type AssociationStore, type Clock, type PartnerDirectory } from '../claims/ports';
import { CosmosAssociationStore } from './associationStore';
import { createCosmosClient } from './cosmosConnection';
import { containerSpec, ensureCosmosSchema } from './cosmosSchema';
import { LegacyFileError, parseLegacyFile, type LegacyRecord } from './legacyFile';
import { CosmosPartnerDirectory } from './partnerDirectory';
import { CosmosReassociationNotices } from './reassociationNotices';
import { COSMOS_STAND_IN_KEY } from './standIns';

export interface LegacyImportPorts {
  associations: Pick<AssociationStore, 'importLegacy'>;
  notices: ReassociationNotices;
  partners: Pick<PartnerDirectory, 'get'>;
  clock?: Clock;
}

export interface LegacyImportSummary {
  /** Dynamics 365 / Power BI keys now held until their subscription expires. */
  held: number;
  /** Lines whose subscription had already expired: nothing to hold. */
  expired: number[];
  /** Microsoft 365 customers recorded for re-association, and for how many partners. */
  reassociate: { customers: number; partners: number };
  /** Lines not imported because another partner or a CPOR claim holds the key. */
  conflicts: { line: number; key: string }[];
}

/** Imports valid records; throws LegacyFileError (with lines) for unknown partners before writing anything. */
export async function importLegacyAssociations(
  records: readonly LegacyRecord[],
  ports: LegacyImportPorts,
  source = 'legacy file',
): Promise<LegacyImportSummary> {
  const now = (ports.clock ?? systemClock).now();
  await assertKnownPartners(records, ports.partners, source);
  const summary: LegacyImportSummary = {
    held: 0,
    expired: [],
    reassociate: { customers: 0, partners: 0 },
    conflicts: [],
  };
  const toReassociate = new Map<string, ReassociationCustomer[]>();
  for (const { line, association } of records) {
    const outcome = legacyOutcome(association, now);
    if (outcome.kind === 'expired') summary.expired.push(line);
    else if (outcome.kind === 'reassociate')
      toReassociate.set(outcome.partnerId, [...(toReassociate.get(outcome.partnerId) ?? []), outcome.customer]);
    else {
      try {
        await ports.associations.importLegacy({
          key: outcome.key,
          partnerId: outcome.partnerId,
          expiresAt: outcome.expiresAt,
        });
        summary.held += 1;
      } catch (e) {
        if (!(e instanceof AssociationConflict)) throw e;
        summary.conflicts.push({ line, key: outcome.key });
      }
    }
  }
  for (const [partnerId, customers] of toReassociate) {
    await ports.notices.record(partnerId, customers);
    summary.reassociate.partners += 1;
    summary.reassociate.customers += new Set(customers.map((c) => c.customerTenantId)).size;
  }
  return summary;
}

async function assertKnownPartners(
  records: readonly LegacyRecord[],
  partners: Pick<PartnerDirectory, 'get'>,
  source: string,
): Promise<void> {
  const problems: string[] = [];
  const known = new Map<string, boolean>();
  for (const { line, association } of records) {
    const { partnerId } = association;
    if (!known.has(partnerId)) known.set(partnerId, (await partners.get(partnerId)) !== undefined);
    if (!known.get(partnerId))
      problems.push(`line ${line}: partner organisation ${partnerId} is not registered (run npm run seed first)`);
  }
  if (problems.length > 0) throw new LegacyFileError(source, problems);
}

/** The summary as the operator reads it. */
export function describeSummary(summary: LegacyImportSummary): string {
  const lines = [
    `${summary.held} Dynamics 365 / Power BI association(s) held until their subscription expires`,
    `${summary.reassociate.customers} Microsoft 365 customer(s) of ${summary.reassociate.partners} partner(s) to re-associate through a new claim (shown in "my claims")`,
  ];
  if (summary.expired.length > 0)
    lines.push(
      `${summary.expired.length} skipped, subscription already expired: line(s) ${summary.expired.join(', ')}`,
    );
  for (const { line, key } of summary.conflicts)
    lines.push(`line ${line}: not imported, ${key} is held by another partner or a CPOR claim`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const argument = process.argv[2];
  if (!argument) throw new Error('usage: npm run import-legacy -- <file.json|file.csv>');
  const file = path.resolve(argument);
  const records = parseLegacyFile(await readFile(file, 'utf8'), file);
  const endpoint = process.env.COSMOS_ENDPOINT || 'http://127.0.0.1:8081';
  const local = !process.env.COSMOS_ENDPOINT;
  const key = process.env.COSMOS_KEY || (local ? COSMOS_STAND_IN_KEY : undefined);
  const client = createCosmosClient({ endpoint, key, credential: key ? undefined : new DefaultAzureCredential() });
  const databaseId = process.env.COSMOS_DATABASE || 'cpor';
  try {
    const database = local ? await ensureCosmosSchema(client, databaseId) : client.database(databaseId);
    const partnersContainer = database.container(containerSpec('partners').id);
    const summary = await importLegacyAssociations(
      records,
      {
        associations: new CosmosAssociationStore(database.container(containerSpec('associations').id)),
        notices: new CosmosReassociationNotices(partnersContainer),
        // Reads partner entries only; nobody reviews through this directory.
        partners: new CosmosPartnerDirectory(partnersContainer, { operatorTenantId: '' }),
      },
      file,
    );
    console.log(`imported ${file} into ${endpoint} / ${databaseId}:\n${describeSummary(summary)}`);
    if (summary.conflicts.length > 0) process.exitCode = 2;
  } finally {
    client.dispose();
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
