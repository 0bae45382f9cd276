/**
 * What reading a PoE costs after it was acknowledged: the file read back from Azurite
 * (StoredEvidenceReader), its text extracted in the worker thread, and the pure check
 * over it. Two files: a 25 MiB PDF whose pages carry no text (a scan: the worst case
 * for the bytes moved, the best for the parser) and a 100-page statement of work full
 * of text in three languages (the parser's worst case). The text is read in a child
 * process: its peak resident set is the reader's cost; the bench process (standing in
 * for the bot) samples its own every few milliseconds. A plain download of the same
 * blob is timed too: the turn that received the file already paid the download once.
 * A third file is a real scan: one letter page at 300 dpi (2550 × 3300, JPEG) of 40
 * dense lines and a signature block, read by OCR (POE_OCR's default), which is what a
 * scanned page costs; the reader reads OCR'd files with OCR on, as the bot does.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { checkPoeText } from '../claims/poeCheck';
import type { Claim } from '../claims/model';
import { connectBlobStorage } from '../storage/blobConnection';
import { lastReader } from '../documents/evidenceText';
import { StoredEvidenceReader } from '../documents/evidenceReader';
import { BlobEvidenceStore } from '../storage/poeStore';
import { textPdf, type PdfPage } from '../test/support/poeDocuments';
import { scannedPdf, textImage } from '../test/support/textImage';
import type { BenchContext } from './context';
import { pdfOfSize } from './pdf';
import { round, secondsSince } from './stats';

export interface CheckRun {
  bytes: number;
  pages: number;
  /** A plain download of the blob, drained: what the turn paid already. */
  downloadSeconds: number;
  /** Download again, extract in the worker, check. */
  checkSeconds: number;
  /** The bot's side: the bench process's resident-set growth while the check ran. */
  rssGrowthMiB: number;
  /** The reader process's peak resident set (its whole cost, V8 and the parser included). */
  readerPeakRssMiB: number;
  textChars: number;
  outcome: string;
}

export interface PoeCheckFigures {
  scanned25MiB: CheckRun;
  sow100Pages: CheckRun;
  /** A one-page 300-dpi scan read by OCR. */
  ocrScan1Page: CheckRun;
  /** The machine is shared: other engineers' work makes these slower. */
  loadAverageAtStart: number;
}

const MiB = 1024 * 1024;
const PAGES = 100;

/** A statement of work's page: headings, a dense body in three languages, a signature block on the last page. */
function sowPage(page: number): PdfPage {
  const body = Array.from(
    { length: 44 },
    (_, line) =>
      [
        `${page}.${line + 1} Fabrikam Seattle deployed Exchange Online and Microsoft Teams for Contoso; migration wave ${line} of mailboxes and sites.`,
        `${page}.${line + 1} Fabrikam은 Contoso에 Dynamics 365 Sales를 구축하고 사용자 교육을 실시했습니다. 2026년 11월 ${(line % 28) + 1}일`,
        `${page}.${line + 1} Fabrikam は Contoso 様に Power BI を導入し、運用支援を実施しました。令和8年11月${(line % 28) + 1}日`,
      ][line % 3] ?? '',
  );
  const closing =
    page === PAGES
      ? ['Customer acceptance', 'Name: Dana Customer', 'dana@contoso.com', 'Signature: ________ Date: 2026-11-15']
      : [];
  return { lines: [...body, ...closing].slice(0, 48), footer: `Statement of work · page ${page} of ${PAGES}` };
}

/** A letter page scanned at 300 dpi: a dense body and the customer's signature block, as pixels only. */
function scannedSowPage(): Buffer {
  const body = Array.from({ length: 36 }, (_, line) =>
    line % 6 === 0
      ? `${line / 6 + 1}. Scope of the engagement`
      : `Fabrikam Seattle deployed Exchange Online and Microsoft Teams for Contoso, wave ${line} of the roll-out.`,
  );
  const closing = [
    'Customer acceptance',
    'Name: Dana Customer',
    'dana@contoso.com',
    'Signature: ________ Date: 2026-11-15',
  ];
  return scannedPdf([textImage([...body, ...closing], { width: 2550, height: 3300, margin: 150, leading: 1.7 })]);
}

const CLAIM: Claim = {
  id: 'bench-claim',
  partnerId: 'bench-partner',
  type: 'claim',
  name: 'Contoso roll-out',
  mpnId: '1234567',
  customerDomain: 'contoso.com',
  customerTenantId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  solutionArea: 'microsoft365',
  activity: 'usage',
  productIds: ['exchangeOnline', 'microsoftTeams'],
  subscriptions: [],
  customerContact: { name: 'Dana Customer', email: 'dana@contoso.com' },
  poe: [],
  comments: [],
  status: 'draft',
  history: [],
  createdBy: { role: 'partnerAdmin', id: 'bench' },
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
  disputed: false,
  heldKeys: [],
  outbox: [],
};

/** The resident set's peak between start and stop, sampled every 5 ms. */
function rssWatch(): { stop: () => number } {
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss) - start;
    },
  };
}

export async function poeCheckStage(ctx: BenchContext): Promise<PoeCheckFigures> {
  const loadAverageAtStart = round((await import('node:os')).loadavg()[0] ?? 0, 2);
  const { service, signer } = connectBlobStorage({ connectionString: ctx.stores.blobConnectionString });
  const container = service.getContainerClient(ctx.stores.poeContainer);
  const store = new BlobEvidenceStore({ container, signer });
  const textReader = new StoredEvidenceReader({ evidence: store, maxBytes: store.maxBytes });
  const ocrReader = new StoredEvidenceReader({ evidence: store, maxBytes: store.maxBytes, ocr: true });

  const run = async (bytes: Buffer, pages: number, reader = textReader): Promise<CheckRun> => {
    const file = await store.put({
      partnerId: 'bench-partner',
      claimId: randomUUID(),
      poeId: randomUUID(),
      fileName: 'SOW.pdf',
      content: Readable.from([bytes]),
      uploadedBy: { role: 'partnerAdmin', id: 'bench' },
    });
    const downloadStarted = performance.now();
    const download = await container.getBlockBlobClient(file.blobName).download();
    for await (const _chunk of download.readableStreamBody ?? []) void _chunk;
    const downloadSeconds = secondsSince(downloadStarted);
    const watch = rssWatch();
    const started = performance.now();
    const text = await reader.textOf(file, { locale: 'en-US' });
    const check =
      text.status === 'read'
        ? checkPoeText(text.text, CLAIM, {
            now: new Date('2026-12-01T00:00:00Z'),
            partnerNames: ['Fabrikam', 'Fabrikam Seattle'],
          })
        : undefined;
    const checkSeconds = secondsSince(started);
    const growth = watch.stop();
    const outcome =
      check?.status === 'checked'
        ? check.findings.map((f) => `${f.reason}:${f.found ? 'found' : 'missing'}`).join(' ')
        : text.status === 'unreadable'
          ? `unreadable:${text.why}`
          : 'unknown';
    return {
      bytes: bytes.length,
      pages,
      downloadSeconds: round(downloadSeconds, 2),
      checkSeconds: round(checkSeconds, 2),
      rssGrowthMiB: round(growth / MiB, 1),
      readerPeakRssMiB: round((lastReader.peakRssKb * 1024) / MiB, 1),
      textChars: text.status === 'read' ? text.text.length : 0,
      outcome,
    };
  };

  ctx.log(
    `PoE check: a ${ctx.settings.poeMiB} MiB scanned PDF, then a ${PAGES}-page SOW, read back from Azurite and checked`,
  );
  const scanned25MiB = await run(pdfOfSize(Math.round(ctx.settings.poeMiB * MiB)), 1);
  const sow100Pages = await run(textPdf(Array.from({ length: PAGES }, (_, i) => sowPage(i + 1))), PAGES);
  ctx.log('PoE check: a one-page 300-dpi scan, read by OCR');
  const ocrScan1Page = await run(scannedSowPage(), 1, ocrReader);
  return { scanned25MiB, sow100Pages, ocrScan1Page, loadAverageAtStart };
}
