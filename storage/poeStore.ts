/**
 * Proof-of-execution files in a private Blob container. Files stream through (never
 * whole in memory), are named from our ids only (`partner/claim/poe`, never the user's
 * file name), are checked before the block list is committed, are never overwritten,
 * and are read through short-lived read-only links.
 */
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream';
import {
  RestError,
  type BlobHTTPHeaders,
  type BlobServiceClient,
  type BlockBlobClient,
  type ContainerClient,
} from '@azure/storage-blob';
import { DomainError, EvidenceRejected } from '../claims/errors';
import { contentTypeFor, declaredKindOf, downloadFileName, safeFileName } from '../claims/evidenceType';
import type { Claim, PoeFile } from '../claims/model';
import {
  systemClock,
  type ClaimRepository,
  type Clock,
  type EvidenceStore,
  type EvidenceUpload,
} from '../claims/ports';
import { BlobOptionsError } from './blobConnection';
import type { BlobReadSigner } from './blobSas';
import { PoeInspector, type InspectedFile } from './poeInspector';
import { GENERATED_PREFIX } from './downloadLinks';

export const DEFAULT_POE_MAX_BYTES = 25 * 1024 * 1024;
/** Memory per upload is about BLOCK_BYTES × UPLOAD_CONCURRENCY. */
const BLOCK_BYTES = 4 * 1024 * 1024;
const UPLOAD_CONCURRENCY = 2;
/**
 * An upload that moves no block for this long is given up: the Blob SDK's own timeout
 * is only a hint to the server, so a storage endpoint that stops answering would
 * otherwise hold the partner's turn forever.
 */
export const DEFAULT_UPLOAD_STALL_MS = 60_000;
const DEFAULT_READ_TTL_SECONDS = 300;
const MAX_READ_TTL_SECONDS = 24 * 3600;
/** Our ids as blob path segments: no slashes, no dots, nothing to escape. */
const ID_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const CONTAINER_NAME = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export interface BlobEvidenceStoreOptions {
  /** The PoE container; or give `service` and `containerName`. */
  container?: ContainerClient;
  service?: BlobServiceClient;
  containerName?: string;
  /** Signs read links; `connectBlobStorage` returns the one that fits the client. */
  signer: BlobReadSigner;
  /** Largest file accepted, in bytes. Default 25 MiB. */
  maxBytes?: number;
  /** Gives up an upload after this long without a block stored. Default a minute (a 4 MiB block at 70 KB/s). */
  uploadStallMs?: number;
  clock?: Clock;
  /** Where `discardUnrecorded` checks that no claim records a file before deleting it; without it, that refuses. */
  claims?: Pick<ClaimRepository, 'get'>;
}

/** The blob that holds one PoE file. */
export function evidenceBlobName(partnerId: string, claimId: string, poeId: string): string {
  for (const [name, value] of [
    ['partnerId', partnerId],
    ['claimId', claimId],
    ['poeId', poeId],
  ] as const) {
    if (!ID_SEGMENT.test(value))
      throw new DomainError('invalidEvidenceId', `${name} cannot name a blob`, { field: name });
  }
  return `${partnerId}/${claimId}/${poeId}`;
}

function resolveContainer(options: BlobEvidenceStoreOptions): ContainerClient {
  if (options.container && options.service) {
    throw new BlobOptionsError(
      'blobContainerInvalid',
      'container',
      'give either a container client or a service client with a container name, not both',
    );
  }
  if (options.container) return options.container;
  if (!options.service)
    throw new BlobOptionsError(
      'blobContainerMissing',
      'container',
      'the PoE store needs a container client, or a service client and a container name',
    );
  const name = options.containerName ?? '';
  if (!CONTAINER_NAME.test(name)) {
    throw new BlobOptionsError(
      'blobContainerInvalid',
      'containerName',
      `"${name}" is not a Blob container name (3-63 lowercase letters, digits, single hyphens)`,
    );
  }
  return options.service.getContainerClient(name);
}

/** RFC 6266: a plain-ASCII fallback name for old clients and the exact name in UTF-8. */
function attachmentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** An abort signal, and a promise rejected with it, after `ms` without a call to `progress`. */
function stallGuard(ms: number): {
  signal: AbortSignal;
  stalled: Promise<never>;
  progress: () => void;
  stop: () => void;
} {
  const controller = new AbortController();
  const stalled = new Promise<never>((_resolve, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  // Raced where it matters; a stall after the upload ended must not be an unhandled rejection.
  stalled.catch(() => undefined);
  const arm = () => setTimeout(() => controller.abort(new Error(`no upload progress for ${ms} ms`)), ms);
  let timer = arm();
  return {
    signal: controller.signal,
    stalled,
    progress: () => {
      clearTimeout(timer);
      timer = arm();
    },
    stop: () => clearTimeout(timer),
  };
}

function restStatus(e: unknown): number | undefined {
  return e instanceof RestError ? e.statusCode : undefined;
}

export class BlobEvidenceStore implements EvidenceStore {
  readonly maxBytes: number;
  private readonly container: ContainerClient;
  private readonly signer: BlobReadSigner;
  private readonly clock: Clock;
  private readonly uploadStallMs: number;
  private readonly claims: Pick<ClaimRepository, 'get'> | undefined;

  constructor(options: BlobEvidenceStoreOptions) {
    this.container = resolveContainer(options);
    if (!options.signer || typeof options.signer.readQuery !== 'function') {
      throw new BlobOptionsError(
        'blobSignerInvalid',
        'signer',
        'the PoE store needs a read-link signer (see connectBlobStorage)',
      );
    }
    if (options.signer.accountName !== this.container.accountName) {
      throw new BlobOptionsError(
        'blobSignerInvalid',
        'signer',
        `the signer is for account "${options.signer.accountName}", the container is in "${this.container.accountName}"`,
      );
    }
    const maxBytes = options.maxBytes ?? DEFAULT_POE_MAX_BYTES;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
      throw new BlobOptionsError(
        'poeMaxBytesInvalid',
        'maxBytes',
        `maxBytes must be a positive whole number of bytes, got ${maxBytes}`,
      );
    }
    this.maxBytes = maxBytes;
    this.uploadStallMs = options.uploadStallMs ?? DEFAULT_UPLOAD_STALL_MS;
    if (!Number.isSafeInteger(this.uploadStallMs) || this.uploadStallMs < 1)
      throw new RangeError(`uploadStallMs must be a positive whole number, got ${this.uploadStallMs}`);
    this.signer = options.signer;
    this.clock = options.clock ?? systemClock;
    this.claims = options.claims;
  }

  /** Creates the container, private, if missing; refuses one that allows anonymous reads. */
  async ensureContainer(): Promise<void> {
    await this.container.createIfNotExists();
    const { blobPublicAccess } = await this.container.getProperties();
    if (blobPublicAccess) {
      throw new BlobOptionsError(
        'blobContainerPublic',
        'containerName',
        `container "${this.container.containerName}" allows anonymous ${blobPublicAccess} access; PoE must be private`,
      );
    }
  }

  /** Consumes `upload.content`, and destroys it when the file is refused. */
  async put(upload: EvidenceUpload): Promise<PoeFile> {
    let blob: BlockBlobClient;
    try {
      blob = this.container.getBlockBlobClient(evidenceBlobName(upload.partnerId, upload.claimId, upload.poeId));
    } catch (e) {
      upload.content.destroy();
      throw e;
    }
    const fileName = safeFileName(upload.fileName, `poe-${upload.poeId}`);
    // Marks the blob as this attempt's, so cleanup never deletes a file someone else stored.
    const uploadId = randomUUID();
    // uploadStream reads these when it commits the block list, which is after the
    // inspector's flush has filled in what only the whole stream can tell.
    const headers: BlobHTTPHeaders = {};
    const metadata: Record<string, string> = {
      partnerid: upload.partnerId,
      claimid: upload.claimId,
      poeid: upload.poeId,
      uploadid: uploadId,
    };
    let inspected: InspectedFile | undefined;
    const inspector = new PoeInspector(this.maxBytes, declaredKindOf(fileName, upload.declaredType), (file) => {
      inspected = file;
      headers.blobContentType = contentTypeFor(file.kind);
      metadata.sha256 = file.sha256;
    });
    let sourceFailed = false;
    upload.content.once('error', () => (sourceFailed = true));
    const stall = stallGuard(this.uploadStallMs);
    try {
      if (await blob.exists({ abortSignal: stall.signal }))
        throw new EvidenceRejected('poeUploadFailed', 'a file with this id is already stored');
      pipeline(upload.content, inspector, () => undefined);
      const uploaded = blob.uploadStream(inspector, BLOCK_BYTES, UPLOAD_CONCURRENCY, {
        blobHTTPHeaders: headers,
        conditions: { ifNoneMatch: '*' },
        metadata,
        // uploadStream does not hand this to its block uploads, only to the final commit:
        // so a stalled block is raced below, and the commit of an upload given up can never happen.
        abortSignal: stall.signal,
        onProgress: stall.progress,
      });
      // Given up on, it ends in the background (its commit refused by the aborted signal).
      uploaded.catch(() => undefined);
      await Promise.race([uploaded, stall.stalled]);
      if (!inspected) throw new EvidenceRejected('poeUploadFailed', 'the upload ended before the file was checked');
    } catch (e) {
      upload.content.destroy();
      inspector.destroy();
      await this.deleteIfOurs(blob, uploadId);
      throw this.explain(e, inspector.refusal, sourceFailed);
    } finally {
      stall.stop();
    }
    return {
      id: upload.poeId,
      fileName,
      kind: inspected.kind,
      contentType: contentTypeFor(inspected.kind),
      sizeBytes: inspected.sizeBytes,
      sha256: inspected.sha256,
      blobName: blob.name,
      uploadedAt: this.clock.now().toISOString(),
      uploadedBy: upload.uploadedBy,
    };
  }

  /** A read-only link to the file that expires after `ttlSeconds` and downloads it as an attachment. */
  async readUrl(file: PoeFile, ttlSeconds = DEFAULT_READ_TTL_SECONDS): Promise<string> {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_READ_TTL_SECONDS) {
      throw new RangeError(`ttlSeconds must be a whole number from 1 to ${MAX_READ_TTL_SECONDS}, got ${ttlSeconds}`);
    }
    const [partnerId = '', claimId = '', poeId = '', ...rest] = file.blobName.split('/');
    if (rest.length > 0 || poeId !== file.id || evidenceBlobName(partnerId, claimId, poeId) !== file.blobName) {
      throw new DomainError('invalidEvidenceId', 'the file record does not name one of our blobs', {
        field: 'blobName',
      });
    }
    const blob = this.container.getBlockBlobClient(file.blobName);
    const query = await this.signer.readQuery({
      containerName: this.container.containerName,
      blobName: file.blobName,
      expiresOn: new Date(this.clock.now().getTime() + ttlSeconds * 1000),
      contentType: contentTypeFor(file.kind),
      contentDisposition: attachmentDisposition(downloadFileName(file.fileName, file.kind)),
      httpsOnly: new URL(blob.url).protocol === 'https:',
    });
    return `${blob.url}?${query}`;
  }

  async remove(claim: Claim, poeId: string): Promise<void> {
    if (claim.status !== 'draft')
      throw new EvidenceRejected('poeLocked', 'files of a submitted claim cannot be removed');
    await this.container.getBlockBlobClient(evidenceBlobName(claim.partnerId, claim.id, poeId)).deleteIfExists();
  }

  async discardUnrecorded(partnerId: string, claimId: string, poeId: string): Promise<void> {
    const blob = this.container.getBlockBlobClient(evidenceBlobName(partnerId, claimId, poeId));
    if (!this.claims)
      throw new EvidenceRejected(
        'poeLocked',
        'the PoE store cannot tell whether a claim records the file (no claim repository)',
      );
    const claim = await this.claims.get(partnerId, claimId);
    if (claim?.value.poe.some((file) => file.id === poeId))
      throw new EvidenceRejected('poeLocked', 'the claim records this file');
    await blob.deleteIfExists();
  }

  /**
   * Deletes PoE blobs last written before `olderThan` that no claim records (its claim
   * write failed after the upload, or its claim is gone); returns how many. A blob whose
   * claim does not exist at all goes once older than `claimlessOlderThan` (default the
   * same): a statement of work attached before its draft existed, in a flow given up on.
   * A blob changed since it was listed is left for the next sweep. Generated documents
   * share the container under their own prefix and are not PoE.
   */
  async removeUnrecorded(olderThan: Date, claimlessOlderThan: Date = olderThan): Promise<number> {
    const claims = this.claims;
    if (!claims)
      throw new EvidenceRejected(
        'poeLocked',
        'the PoE store cannot tell whether a claim records a file (no claim repository)',
      );
    // Blobs newer than both cut-offs are never looked up.
    const latest = claimlessOlderThan > olderThan ? claimlessOlderThan : olderThan;
    const recorded = new Map<string, { exists: boolean; files: ReadonlySet<string> }>();
    let removed = 0;
    for await (const blob of this.container.listBlobsFlat()) {
      const written = blob.properties.lastModified;
      if (blob.name.startsWith(`${GENERATED_PREFIX}/`) || !(written < latest)) continue;
      const [partnerId = '', claimId = '', poeId = '', ...rest] = blob.name.split('/');
      if (rest.length > 0 || !ID_SEGMENT.test(partnerId) || !ID_SEGMENT.test(claimId) || !ID_SEGMENT.test(poeId))
        continue;
      const key = `${partnerId}/${claimId}`;
      let claim = recorded.get(key);
      if (!claim) {
        const found = await claims.get(partnerId, claimId);
        claim = { exists: found !== undefined, files: new Set(found?.value.poe.map((file) => file.id) ?? []) };
        recorded.set(key, claim);
      }
      if (claim.files.has(poeId) || !(written < (claim.exists ? olderThan : claimlessOlderThan))) continue;
      try {
        await this.container.getBlockBlobClient(blob.name).delete({ conditions: { ifMatch: blob.properties.etag } });
        removed += 1;
      } catch (e) {
        if (restStatus(e) !== 404 && restStatus(e) !== 412) throw e;
      }
    }
    return removed;
  }

  async exists(blobName: string): Promise<boolean> {
    return this.container.getBlockBlobClient(blobName).exists();
  }

  /**
   * After a failure nothing of the attempt may remain. Uncommitted blocks are no blob;
   * a commit whose answer was lost is, and carries our upload id. Best effort: if
   * storage cannot be asked, the original failure is what the caller must see.
   */
  private async deleteIfOurs(blob: BlockBlobClient, uploadId: string): Promise<void> {
    const abortSignal = AbortSignal.timeout(this.uploadStallMs);
    try {
      const properties = await blob.getProperties({ abortSignal });
      if (properties.metadata?.uploadid === uploadId)
        await blob.delete({ conditions: { ifMatch: properties.etag }, abortSignal });
    } catch {
      // Not there (the usual case), or storage unreachable.
    }
  }

  private explain(e: unknown, refusal: EvidenceRejected | undefined, sourceFailed: boolean): EvidenceRejected {
    if (refusal) return refusal;
    if (e instanceof EvidenceRejected) return e;
    const status = restStatus(e);
    const failure = sourceFailed
      ? new EvidenceRejected('poeUploadFailed', 'the file could not be read to the end')
      : status === 409 || status === 412
        ? new EvidenceRejected('poeUploadFailed', 'a file with this id is already stored')
        : new EvidenceRejected('poeUploadFailed', 'storage did not accept the file');
    return Object.assign(failure, { cause: e });
  }
}
