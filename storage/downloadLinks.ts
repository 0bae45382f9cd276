/**
 * Generated documents (the PoE template, CSV exports) behind short-lived private
 * links. They live in the PoE container under `generated/` (PoE blobs are named
 * `partner/claim/poe`, and a partner id is a tenant GUID, so the two never meet),
 * which keeps the infrastructure as it is: one private container, one signer.
 * Blob names come from our ids only; readers get a read-only SAS for that one blob.
 */
import { randomUUID } from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import { DomainError } from '../claims/errors';
import { systemClock, type Clock, type DownloadLinks } from '../claims/ports';
import { BlobOptionsError } from './blobConnection';
import type { BlobReadSigner } from './blobSas';

export const GENERATED_PREFIX = 'generated';
const MAX_TTL_SECONDS = 24 * 3600;
const PARTNER_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
/** Generated names are ours (e.g. `poe-template-<claim>.docx`), so plain ASCII suffices and needs no escaping. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$/;

export interface BlobDownloadLinksOptions {
  /** The private PoE container. */
  container: ContainerClient;
  signer: BlobReadSigner;
  clock?: Clock;
}

export class BlobDownloadLinks implements DownloadLinks {
  private readonly container: ContainerClient;
  private readonly signer: BlobReadSigner;
  private readonly clock: Clock;

  constructor(options: BlobDownloadLinksOptions) {
    if (options.signer.accountName !== options.container.accountName) {
      throw new BlobOptionsError(
        'blobSignerInvalid',
        'signer',
        `the signer is for account "${options.signer.accountName}", the container is in "${options.container.accountName}"`,
      );
    }
    this.container = options.container;
    this.signer = options.signer;
    this.clock = options.clock ?? systemClock;
  }

  async publish(
    document: { partnerId: string; fileName: string; contentType: string; bytes: Buffer },
    ttlSeconds: number,
  ): Promise<string> {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
      throw new RangeError(`ttlSeconds must be a whole number from 1 to ${MAX_TTL_SECONDS}, got ${ttlSeconds}`);
    }
    if (!PARTNER_SEGMENT.test(document.partnerId))
      throw new DomainError('invalidDocumentName', 'partnerId cannot name a blob', { field: 'partnerId' });
    if (!FILE_NAME.test(document.fileName))
      throw new DomainError('invalidDocumentName', 'the file name must be plain ASCII', { field: 'fileName' });
    const blob = this.container.getBlockBlobClient(`${GENERATED_PREFIX}/${document.partnerId}/${randomUUID()}`);
    const contentDisposition = `attachment; filename="${document.fileName}"`;
    await blob.uploadData(document.bytes, {
      blobHTTPHeaders: { blobContentType: document.contentType, blobContentDisposition: contentDisposition },
      conditions: { ifNoneMatch: '*' },
      metadata: { partnerid: document.partnerId },
    });
    const query = await this.signer.readQuery({
      containerName: this.container.containerName,
      blobName: blob.name,
      expiresOn: new Date(this.clock.now().getTime() + ttlSeconds * 1000),
      contentType: document.contentType,
      contentDisposition,
      httpsOnly: new URL(blob.url).protocol === 'https:',
    });
    return `${blob.url}?${query}`;
  }
}
