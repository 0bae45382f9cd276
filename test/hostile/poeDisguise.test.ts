/**
 * Proof-of-execution files whose name or declared type lies about their content,
 * attached through the dialogs as Teams sends them (a file.download.info whose download
 * URL serves the bytes with a Content-Type) and fetched by the real TeamsFileSource:
 * beyond test/storage/poeStore.test.ts (the store alone) and test/dialogs/newClaimPoe
 * (an .exe named .exe, a sharing page served as text/html). Each is refused with the
 * locale's "doesn't match its file type" for that file, nothing of it is recorded or
 * stored, and a genuine file in the same message still goes in. The dispute flow, which
 * stores new PoE through its own path, refuses them the same way.
 */
import assert from 'node:assert/strict';
import { formatFileSize, LOCALES, t, type Locale } from '../../locales/i18n';
import { JPEG_HEADER, PNG_1X1, minimalPdf, plainZip, windowsExecutable } from '../support/evidenceSamples';
import { HostileChat } from './hostileChat';
import { ADMIN, HOME, MONDAY, useHostileWorld } from './hostileWorld';
import { textsOf } from './replies';

/** An ordinary web page, not Teams' sharing page: what a link shortener or a phishing mail would hand over. */
const WEB_PAGE = Buffer.from(
  '<html><head><title>Invoice</title><script>location="https://evil.example"</script></head><body>Open</body></html>',
);

interface Disguise {
  what: string;
  name: string;
  bytes: () => Buffer | Promise<Buffer>;
  /** The download's Content-Type. */
  contentType: string;
  /** Teams' `fileType`. */
  fileType: string;
}

const DISGUISES: Disguise[] = [
  {
    what: 'PNG bytes named .pdf and served as a PDF',
    name: 'Signed SOW.pdf',
    bytes: () => PNG_1X1,
    contentType: 'application/pdf',
    fileType: 'pdf',
  },
  {
    what: 'an executable renamed .docx',
    name: 'Contract.docx',
    bytes: windowsExecutable,
    contentType: 'application/octet-stream',
    fileType: 'docx',
  },
  {
    what: 'a web page named .pdf and served as a PDF',
    name: 'Invoice.pdf',
    bytes: () => WEB_PAGE,
    contentType: 'application/pdf',
    fileType: 'pdf',
  },
  {
    what: 'a web page named .pdf with a generic type',
    name: 'Statement.pdf',
    bytes: () => WEB_PAGE,
    contentType: 'application/octet-stream',
    fileType: 'pdf',
  },
  {
    what: 'PNG bytes without an extension, declared a PDF',
    name: 'SOW',
    bytes: () => PNG_1X1,
    contentType: 'application/pdf',
    fileType: '',
  },
  {
    what: 'a genuine PDF named .xlsx',
    name: 'Figures.xlsx',
    bytes: minimalPdf,
    contentType: 'application/octet-stream',
    fileType: 'xlsx',
  },
  {
    what: 'an executable with a double extension .exe.pdf',
    name: 'invoice.exe.pdf',
    bytes: windowsExecutable,
    contentType: 'application/octet-stream',
    fileType: 'pdf',
  },
  {
    what: 'a plain zip named .docx',
    name: 'Package.docx',
    bytes: plainZip,
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    fileType: 'docx',
  },
  {
    what: 'JPEG bytes named .png',
    name: 'photo.png',
    bytes: () => JPEG_HEADER,
    contentType: 'image/png',
    fileType: 'png',
  },
  {
    what: 'a web page named .eml',
    name: 'mail.eml',
    bytes: () => WEB_PAGE,
    contentType: 'message/rfc822',
    fileType: 'eml',
  },
];

describe('hostile input: PoE whose name or declared type lies about its content', function () {
  this.timeout(60_000);
  const world = useHostileWorld();

  /** Attaches every disguise and one genuine PDF in one message, as Teams sends several files. */
  async function attachAll(chat: HostileChat): Promise<ReturnType<HostileChat['send']>> {
    const attachments = [{ contentType: 'text/html', content: '<p>files</p>' }];
    for (const d of [
      ...DISGUISES,
      { what: 'genuine', name: 'Genuine SOW.pdf', bytes: minimalPdf, contentType: 'application/pdf', fileType: 'pdf' },
    ]) {
      const url = world().files.serve(await d.bytes(), d.contentType);
      attachments.push({
        contentType: 'application/vnd.microsoft.teams.file.download.info',
        name: d.name,
        content: { downloadUrl: url, fileType: d.fileType, uniqueId: d.name, etag: '1' },
      } as never);
    }
    return chat.send({ attachments });
  }

  const maxSize = (locale: Locale) => formatFileSize(locale, 25 * 1024 * 1024);
  const refusals = (locale: Locale): string[] =>
    DISGUISES.map((d) => t(locale, 'poe.typeMismatch', { fileName: d.name, maxSize: maxSize(locale) }));
  const received = (locale: Locale): string =>
    t(locale, 'poe.received', {
      fileName: 'Genuine SOW.pdf',
      size: formatFileSize(locale, minimalPdf().length),
      maxSize: maxSize(locale),
    });

  for (const locale of LOCALES) {
    it(`${locale}: the new-claim PoE card refuses each disguised file by name, stores none of them, and takes the genuine one`, async () => {
      const chat = new HostileChat(world(), { ...ADMIN, id: `${ADMIN.id}-poe-${locale}` }, locale);
      await chat.toReview();
      const ref = { partnerId: HOME.id, id: String(chat.actionData('saveDraft').claimId) };
      await chat.click('editSection', { section: 'poe' });
      const [recorded, stored] = [(await world().read(ref)).value.poe, await world().blobsOf(ref)];

      const replies = await attachAll(chat);
      const texts = textsOf(replies);
      // The genuine file is acknowledged by the PoE card itself, listing it.
      assert.deepEqual(texts, refusals(locale));
      assert.ok(chat.isOn('poe.title'), 'the PoE card again');
      assert.ok(JSON.stringify(replies).includes('Genuine SOW.pdf'));

      const after = (await world().read(ref)).value.poe;
      assert.deepEqual(after.slice(0, recorded.length), recorded);
      assert.deepEqual(
        after.slice(recorded.length).map((f) => [f.fileName, f.contentType]),
        [['Genuine SOW.pdf', 'application/pdf']],
        'only the genuine file is recorded',
      );
      assert.equal((await world().blobsOf(ref)).length, stored.length + 1, 'only the genuine file is stored');
      assert.deepEqual(world().takeFailures(), []);
    });

    it(`${locale}: the dispute's new PoE refuses them the same way, and the dispute is filed with the genuine file only`, async () => {
      const claim = await world().seed(HOME, {
        status: 'rejected',
        submittedAt: MONDAY.toISOString(),
        rejection: { reason: 'insufficientPoe', at: MONDAY.toISOString() },
      });
      const chat = new HostileChat(world(), { ...ADMIN, id: `${ADMIN.id}-dispute-${locale}` }, locale);
      await chat.send({
        value: { verb: 'disputeClaim', claimId: claim.id, justification: 'The customer signed in January.' },
      });
      assert.ok(chat.actionData('disputeFile'), 'the dispute asks for new PoE');

      const replies = await attachAll(chat);
      const texts = textsOf(replies);
      assert.deepEqual(texts.slice(0, DISGUISES.length), refusals(locale));
      assert.equal(texts[DISGUISES.length], received(locale));
      assert.equal((await world().blobsOf(claim)).length, 1, 'only the genuine file is stored');

      await chat.click('disputeFile');
      const filed = (await world().read(claim)).value;
      assert.equal(filed.status, 'dispute');
      assert.deepEqual(
        filed.poe.map((f) => f.fileName),
        ['Genuine SOW.pdf'],
      );
      assert.deepEqual(world().takeFailures(), []);
    });
  }
});
