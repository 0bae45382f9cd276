/**
 * Reads a stored PoE file's text: the reader process fetches the blob itself through a
 * read link that works for a minute, so the file's bytes never pass through the bot,
 * and stops at the file's recorded size (a blob that grew, or a lying record, cannot
 * make it hold more). The link is our own storage's, never one found in a document.
 * With OCR on, pictures and scanned pages are read in the languages of the user's locale.
 */
import type { PoeFile } from '../claims/model';
import type { EvidenceReader, EvidenceReading, EvidenceStore, EvidenceText } from '../claims/ports';
import { DEFAULT_EXTRACTION_LIMITS, extractTextFromLink, type ExtractionLimits } from './evidenceText';
import { ocrSettings } from './ocr';

const LINK_SECONDS = 60;

export interface StoredEvidenceReaderOptions {
  evidence: Pick<EvidenceStore, 'readUrl'>;
  /** The largest file read: the evidence store's limit. */
  maxBytes: number;
  limits?: ExtractionLimits;
  /** Read pictures and pages without a text layer by OCR (the POE_OCR setting). */
  ocr?: boolean;
}

export class StoredEvidenceReader implements EvidenceReader {
  private readonly maxBytes: number;
  private readonly limits: ExtractionLimits;

  constructor(private readonly options: StoredEvidenceReaderOptions) {
    this.maxBytes = options.maxBytes;
    this.limits = options.limits ?? DEFAULT_EXTRACTION_LIMITS;
  }

  async textOf(file: PoeFile, reading: EvidenceReading = {}): Promise<EvidenceText> {
    if (file.sizeBytes > this.maxBytes) return { status: 'unreadable', why: 'tooLarge' };
    const url = await this.options.evidence.readUrl(file, LINK_SECONDS);
    const limits = this.options.ocr
      ? { ...this.limits, ocr: ocrSettings(reading.locale, this.limits.timeoutMs) }
      : this.limits;
    return extractTextFromLink(file.kind, url, file.sizeBytes, limits);
  }
}
