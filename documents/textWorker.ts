/** Reads one document's text in a worker thread, so a runaway file can be stopped from outside. */
import { parentPort, workerData } from 'node:worker_threads';
import type { EvidenceKind } from '../claims/model';
import { documentText, type TextLimits } from './documentText';

interface Job {
  kind: EvidenceKind;
  bytes: Uint8Array;
  limits: TextLimits;
}

const job = workerData as Job;
void documentText(job.kind, Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength), job.limits).then((result) => parentPort?.postMessage(result));
