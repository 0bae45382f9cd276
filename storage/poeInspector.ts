/**
 * The stream stage every PoE byte passes on its way to Blob storage: counts, hashes and
 * recognises the file without holding it (the sniffer keeps at most its prefix). A
 * refusal is raised as a stream error, and at the latest in flush: before the stream
 * ends, so the block list is never committed and no blob comes into being.
 */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { EvidenceRejected } from '../claims/errors';
import { EvidenceSniffer, checkDeclaredType, type DeclaredKind, type Sniff } from '../claims/evidenceType';
import type { EvidenceKind } from '../claims/model';

export interface InspectedFile {
  kind: EvidenceKind;
  sha256: string;
  sizeBytes: number;
}

export class PoeInspector extends Transform {
  private sizeBytes = 0;
  private readonly hash = createHash('sha256');
  private readonly sniffer = new EvidenceSniffer();
  private typeChecked = false;
  /** Why the file was refused, when it was: the stream error may reach callers wrapped. */
  refusal: EvidenceRejected | undefined;

  constructor(
    private readonly maxBytes: number,
    private readonly declared: DeclaredKind,
    /** Called once, with everything known, just before the stream ends. */
    private readonly onInspected: (file: InspectedFile) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.sizeBytes += chunk.length;
    if (this.sizeBytes > this.maxBytes) {
      return callback(
        this.refuse(new EvidenceRejected('poeTooLarge', `the file is larger than ${this.maxBytes} bytes`)),
      );
    }
    this.hash.update(chunk);
    const typeProblem = this.typeChecked ? undefined : this.problemWith(this.sniffer.write(chunk));
    if (typeProblem) return callback(this.refuse(typeProblem));
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.sizeBytes === 0) return callback(this.refuse(new EvidenceRejected('poeEmpty', 'the file is empty')));
    const verdict = this.sniffer.finish();
    const typeProblem = this.problemWith(verdict);
    if (typeProblem || verdict.status !== 'recognised') {
      return callback(
        this.refuse(typeProblem ?? new EvidenceRejected('poeTypeNotAllowed', 'the file type is not recognised')),
      );
    }
    this.onInspected({ kind: verdict.kind, sha256: this.hash.digest('hex'), sizeBytes: this.sizeBytes });
    callback();
  }

  private problemWith(verdict: Sniff): EvidenceRejected | undefined {
    if (verdict.status === 'pending') return undefined;
    this.typeChecked = true;
    const checked = checkDeclaredType(verdict.status === 'recognised' ? verdict.kind : undefined, this.declared);
    if (checked.ok) return undefined;
    const looksLike = verdict.status === 'recognised' ? verdict.kind : verdict.looksLike;
    return checked.error.code === 'poeTypeMismatch'
      ? new EvidenceRejected(
          'poeTypeMismatch',
          `the file is declared as ${this.declared} but its content is ${looksLike}`,
        )
      : new EvidenceRejected('poeTypeNotAllowed', `files of this kind (${looksLike}) are not accepted`);
  }

  private refuse(reason: EvidenceRejected): EvidenceRejected {
    this.refusal ??= reason;
    return reason;
  }
}
