/**
 * Reads a stored PoE file's text: the reader process fetches the blob itself through a
 * read link that works for a minute, so the file's bytes never pass through the bot,
 * and stops at the file's recorded size (a blob that grew, or a lying record, cannot
 * make it hold more). The link is our own storage's, never one found in a document.
 */
import type { PoeFile } from '../claims/model';
import type { EvidenceReader, EvidenceStore, EvidenceText } from '../claims/ports';
import { DEFAULT_EXTRACTION_LIMITS, extractTextFromLink, type ExtractionLimits } from './evidenceText';

const LINK_SECONDS = 60;

export interface StoredEvidenceReaderOptions {
  evidence: Pick<EvidenceStore, 'readUrl'>;
  /** The largest file read: the evidence store's limit. */
  maxBytes: number;
  limits?: ExtractionLimits;
}

export class StoredEvidenceReader implements EvidenceReader {
  private readonly maxBytes: number;
  private readonly limits: ExtractionLimits;

  constructor(private readonly options: StoredEvidenceReaderOptions) {
    this.maxBytes = options.maxBytes;
    this.limits = options.limits ?? DEFAULT_EXTRACTION_LIMITS;
  }

  async textOf(file: PoeFile): Promise<EvidenceText> {
    if (file.sizeBytes > this.maxBytes) return { status: 'unreadable', why: 'tooLarge' };
    const url = await this.options.evidence.readUrl(file, LINK_SECONDS);
    return extractTextFromLink(file.kind, url, file.sizeBytes, this.limits);
  }
}
