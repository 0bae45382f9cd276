/**
 * Reads a stored PoE file back from Blob storage and hands it to the document text
 * reader. The download streams into one buffer of at most the file's recorded size
 * (and never more than the store's limit), so a blob that grew, or a lying size,
 * cannot make it hold more.
 */
import type { ContainerClient } from '@azure/storage-blob';
import type { PoeFile } from '../claims/model';
import type { EvidenceReader, EvidenceText } from '../claims/ports';
import { DEFAULT_EXTRACTION_LIMITS, extractText, type ExtractionLimits } from '../documents/evidenceText';
import { DEFAULT_POE_MAX_BYTES } from './poeStore';

export interface BlobEvidenceReaderOptions {
  container: ContainerClient;
  maxBytes?: number;
  limits?: ExtractionLimits;
}

export class BlobEvidenceReader implements EvidenceReader {
  private readonly maxBytes: number;
  private readonly limits: ExtractionLimits;

  constructor(private readonly options: BlobEvidenceReaderOptions) {
    this.maxBytes = options.maxBytes ?? DEFAULT_POE_MAX_BYTES;
    this.limits = options.limits ?? DEFAULT_EXTRACTION_LIMITS;
  }

  async textOf(file: PoeFile): Promise<EvidenceText> {
    if (file.sizeBytes > this.maxBytes) return { status: 'unreadable', why: 'tooLarge' };
    const bytes = await this.download(file);
    if (!bytes) return { status: 'unreadable', why: 'tooLarge' };
    return extractText(file.kind, bytes, this.limits);
  }

  /** The blob's bytes, or undefined when it holds more than the record says. */
  private async download(file: PoeFile): Promise<Buffer | undefined> {
    const response = await this.options.container.getBlockBlobClient(file.blobName).download(0, undefined, { abortSignal: AbortSignal.timeout(this.limits.timeoutMs) });
    const body = response.readableStreamBody;
    if (!body) return Buffer.alloc(0);
    const bytes = Buffer.allocUnsafe(file.sizeBytes);
    let filled = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (filled + chunk.length > bytes.length) {
        (body as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
        return undefined;
      }
      chunk.copy(bytes, filled);
      filled += chunk.length;
    }
    return bytes.subarray(0, filled);
  }
}
