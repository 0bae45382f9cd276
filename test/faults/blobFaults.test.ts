/**
 * Blob storage failing in the middle of a PoE upload, injected by a loopback proxy in
 * front of Azurite: the partner is told the upload failed (in their language), no claim
 * ever records a file that is not stored, nothing of the attempt is left behind, and
 * attaching the file again works.
 */
import assert from 'node:assert/strict';
import { formatFileSize, LOCALES, t, type Locale } from '../../locales/i18n';
import {
  Chat,
  adminCaller,
  blobBytes,
  cardStrings,
  newClaimSetting,
  onlyClaimOf,
  sha256,
  textsOf,
} from '../dialogs/newClaim/newClaimHarness';
import { assertCard, upToPoe } from '../dialogs/newClaim/newClaimSteps';
import { minimalPdf } from '../support/evidenceSamples';
import type { FaultRule, ProxiedRequest } from '../support/faultProxy';
import { assertPoeConsistent, PROXIED_POE_MAX_BYTES, proxiedBlob, type ProxiedWorld } from './proxiedWorld';

/** A genuine PDF of about 6 MiB: two upload blocks and a commit. */
const LARGE_SOW = Buffer.concat([minimalPdf(), Buffer.alloc(6 * 1024 * 1024, 0x20)]);
const FILE_NAME = 'Signed SOW (large).pdf';

const blockUpload = (request: ProxiedRequest) => request.method === 'PUT' && request.query.get('comp') === 'block';
const commit = (request: ProxiedRequest) => request.method === 'PUT' && request.query.get('comp') === 'blocklist';

describe('Blob storage failing mid-upload of a PoE', function () {
  this.timeout(60_000);
  const s = newClaimSetting();
  let proxied: ProxiedWorld;
  before(async () => {
    proxied = await proxiedBlob(s.world);
  });
  afterEach(() => proxied.proxy.clear());
  after(async () => {
    await proxied?.close();
  });

  const attachLarge = (chat: Chat) =>
    chat.attach({ name: FILE_NAME, url: s.world.files.serve(LARGE_SOW), fileType: 'pdf' });
  const uploadFailed = (locale: Locale) =>
    t(locale, 'poe.uploadFailed', { fileName: FILE_NAME, maxSize: formatFileSize(locale, PROXIED_POE_MAX_BYTES) });

  /** Fails one attachment with `rules`, then checks the refusal, the claim and the blobs, and that a retry records it. */
  async function failThenRetry(locale: Locale, rules: FaultRule[]): Promise<void> {
    const chat = new Chat(proxied.world, adminCaller(s.org, locale));
    await upToPoe(chat);
    const struck = rules.map((rule) => proxied.proxy.inject(rule));
    const replies = await attachLarge(chat);
    assert.ok(
      struck.every((rule) => rule.struck > 0),
      'every fault struck',
    );
    assert.deepEqual(textsOf(replies), [uploadFailed(locale)]);
    assertCard(chat, 'poe.title');
    assert.deepEqual((await onlyClaimOf(s.world, s.org)).poe, []);
    await assertPoeConsistent(s.world, s.org.id);

    proxied.proxy.clear();
    const retried = await attachLarge(chat);
    // Acknowledged on the PoE card, updated in place.
    assert.deepEqual(textsOf(retried), []);
    assert.ok(
      cardStrings(chat.lastCard()).includes(
        t(locale, 'summary.poeFile', { fileName: FILE_NAME, size: formatFileSize(locale, LARGE_SOW.length) }),
      ),
    );
    const [file] = (await onlyClaimOf(s.world, s.org)).poe;
    assert.ok(file);
    assert.equal(file.sha256, sha256(LARGE_SOW));
    assert.ok((await blobBytes(s.world, file.blobName)).equals(LARGE_SOW));
    await assertPoeConsistent(s.world, s.org.id);
  }

  for (const locale of LOCALES) {
    it(`${locale}: a connection cut while a block is being sent (every try) is told as a failed upload; the retry works`, async () => {
      await failThenRetry(locale, [
        { when: blockUpload, skip: 1, times: Infinity, fault: { kind: 'cut', afterBytes: 1024 * 1024 } },
      ]);
    });
  }

  it('storage going away mid-upload (after the first block, every request from then on) leaves nothing behind', async () => {
    // The first request asks whether the blob exists; then the first block goes through.
    await failThenRetry('en-US', [{ skip: 2, times: Infinity, fault: { kind: 'cut' } }]);
  });

  it('a commit that landed but whose answer was lost is removed again, not left for no claim to record', async () => {
    await failThenRetry('en-US', [{ when: commit, times: 1, fault: { kind: 'cutAfter' } }]);
  });

  it('storage refusing every block (503) is a failed upload', async () => {
    await failThenRetry('en-US', [{ when: blockUpload, times: Infinity, fault: { kind: 'status', status: 503 } }]);
  });

  it('a block whose answer never comes is given up once the upload stalls: a failed upload, not a hang', async () => {
    await failThenRetry('en-US', [{ when: blockUpload, times: Infinity, fault: { kind: 'holdAfter' } }]);
  });
});
