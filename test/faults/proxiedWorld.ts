/**
 * The new-claim world with the dialogs' Cosmos DB or Blob traffic going through a fault
 * proxy: the same database or container, reached by a client of its own (short
 * timeouts and quick retries, so a held or cut request fails fast), while the test
 * itself reads the truth straight from the stand-in.
 */
import assert from 'node:assert/strict';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { ClaimLifecycle } from '../../claims/lifecycle';
import { SharedKeySigner } from '../../storage/blobSas';
import { BlobEvidenceStore } from '../../storage/poeStore';
import { CosmosAssociationStore } from '../../storage/associationStore';
import { CosmosClaimRepository } from '../../storage/claimRepository';
import { createCosmosClient } from '../../storage/cosmosConnection';
import { containerSpec } from '../../storage/cosmosSchema';
import { CosmosPartnerDirectory } from '../../storage/partnerDirectory';
import type { World } from '../dialogs/newClaim/newClaimHarness';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy';
import { standIns } from '../support/rootHooks';

/** Long enough for any request to the local stand-in, short enough to keep held answers cheap. */
export const PROXIED_REQUEST_TIMEOUT_MS = 1_500;

export interface ProxiedWorld {
  /** What the dialogs use: every Cosmos port through the proxy. */
  world: World;
  proxy: FaultProxy;
  close(): Promise<void>;
}

export async function proxiedCosmos(world: World): Promise<ProxiedWorld> {
  const { cosmos } = standIns();
  const proxy = await startFaultProxy(cosmos.endpoint);
  const client = createCosmosClient({
    endpoint: proxy.endpoint,
    key: cosmos.key,
    requestTimeoutMs: PROXIED_REQUEST_TIMEOUT_MS,
  });
  const database = client.database(world.db.databaseId);
  const container = (name: Parameters<typeof containerSpec>[0]) => database.container(containerSpec(name).id);
  const { clock, calendar } = world.services;
  const claims = new CosmosClaimRepository(container('claims'));
  const associations = new CosmosAssociationStore(container('associations'), { clock });
  const partners = new CosmosPartnerDirectory(container('partners'), {
    operatorTenantId: world.services.partners.operatorTenantId,
  });
  const lifecycle = new ClaimLifecycle({ claims, associations, partners, calendar, clock });
  return {
    world: { ...world, services: { ...world.services, claims, associations, partners, lifecycle } },
    proxy,
    close: async () => {
      client.dispose();
      await proxy.close();
    },
  };
}

/** Ample for a block on loopback; short, so a held answer is given up quickly. */
export const PROXIED_UPLOAD_STALL_MS = 2_000;

/** Larger than one upload block (4 MiB), so a failure can strike between the blocks. */
export const PROXIED_POE_MAX_BYTES = 12 * 1024 * 1024;

/** The world with the PoE store reaching Azurite through a fault proxy (Cosmos direct). */
export async function proxiedBlob(world: World): Promise<ProxiedWorld> {
  const { azurite } = standIns();
  const proxy = await startFaultProxy(new URL(azurite.blobEndpoint).origin);
  const credential = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
  // The SDK retries a failed request; quickly here, so a storage outage is over in milliseconds.
  const service = new BlobServiceClient(`${proxy.endpoint}/${azurite.accountName}`, credential, {
    retryOptions: { maxTries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 20 },
  });
  const evidence = new BlobEvidenceStore({
    service,
    containerName: world.containerName,
    signer: new SharedKeySigner(credential),
    maxBytes: PROXIED_POE_MAX_BYTES,
    uploadStallMs: PROXIED_UPLOAD_STALL_MS,
    clock: world.services.clock,
  });
  return {
    world: { ...world, services: { ...world.services, evidence, evidenceMaxBytes: PROXIED_POE_MAX_BYTES } },
    proxy,
    close: () => proxy.close(),
  };
}

/** Every PoE a claim of the organisation records is stored, and nothing else is stored under its claims. */
export async function assertPoeConsistent(world: World, partnerId: string): Promise<void> {
  const page = await world.claims.listByPartner(partnerId, {}, 100);
  const recorded = new Set<string>();
  for (const claim of page.items) {
    for (const file of claim.poe) {
      recorded.add(file.blobName);
      assert.ok(
        await world.evidence.exists(file.blobName),
        `claim ${claim.id} records ${file.blobName}, which is not stored`,
      );
    }
  }
  for await (const blob of world.blobs
    .getContainerClient(world.containerName)
    .listBlobsFlat({ prefix: `${partnerId}/` })) {
    assert.ok(recorded.has(blob.name), `${blob.name} is stored but no claim records it`);
  }
}
