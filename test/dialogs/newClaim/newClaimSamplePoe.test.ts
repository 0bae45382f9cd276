/**
 * The local-demo sample PoE (the Agents Playground cannot upload files): offered on the
 * PoE card only when the deployment gives a sample source (local mode), served on
 * loopback for the turn and received through the real Teams file source and the
 * evidence store like any attached file; absent elsewhere, where a forged click is a
 * stale card and even a misconfigured source could not get past the file source.
 */
import assert from 'node:assert/strict';
import { TeamsFileSource } from '../../../bot/teams/teamsFileSource';
import { LocalSamplePoe, SAMPLE_POE_FILE_NAME, samplePoePdf } from '../../../bot/teams/samplePoe';
import type { Claim } from '../../../claims/model';
import type { ClaimServices, SamplePoeSource, ServedSample } from '../../../dialogs/services';
import { formatFileSize, LOCALES, t } from '../../../locales/i18n';
import {
  Chat,
  adminCaller,
  blobBytes,
  cardStrings,
  newClaimSetting,
  onlyClaimOf,
  sha256,
  submitActions,
  textsOf,
  type World,
} from './newClaimHarness';
import { assertCard, poeDone, submitFromSummary, upToPoe } from './newClaimSteps';

/** Remembers what it served, to check afterwards that nothing is left listening. */
class RecordingSamples implements SamplePoeSource {
  readonly served: ServedSample[] = [];
  private readonly inner = new LocalSamplePoe();
  async serve(claim: Claim): Promise<ServedSample> {
    const sample = await this.inner.serve(claim);
    this.served.push(sample);
    return sample;
  }
}

describe('NewClaimDialog sample PoE (local demo)', function () {
  this.timeout(60_000);
  const s = newClaimSetting();

  /** The world with the real Teams file source, as the composition root builds it in the given mode. */
  function worldWith(changes: Partial<ClaimServices>, local = true): World {
    return {
      ...s.world,
      services: { ...s.world.services, files: new TeamsFileSource({ allowLoopbackHttp: local }), ...changes },
    };
  }

  for (const locale of LOCALES) {
    it(`${locale}: offers the sample on the PoE card, stores it like an attached file, and the claim can be submitted`, async () => {
      const samples = new RecordingSamples();
      const chat = new Chat(worldWith({ samplePoe: samples }), adminCaller(s.org, locale));
      await upToPoe(chat);
      const button = submitActions(chat.lastCard()).find((a) => a.data.verb === 'poeSample');
      assert.equal(button?.title, t(locale, 'poe.sampleAttach'));
      assert.ok(cardStrings(chat.lastCard()).includes(t(locale, 'poe.sampleNote')));

      const replies = await chat.click('poeSample');
      const claim = await onlyClaimOf(s.world, s.org);
      assert.equal(claim.poe.length, 1);
      const [file] = claim.poe;
      assert.deepEqual([file.fileName, file.kind, file.contentType], [SAMPLE_POE_FILE_NAME, 'pdf', 'application/pdf']);
      // Acknowledged on the card, updated in place.
      assert.deepEqual(textsOf(replies), []);
      assert.ok(
        cardStrings(chat.lastCard()).includes(
          t(locale, 'summary.poeFile', {
            fileName: SAMPLE_POE_FILE_NAME,
            size: formatFileSize(locale, file.sizeBytes),
          }),
        ),
      );
      const stored = await blobBytes(s.world, file.blobName);
      assert.equal(sha256(stored), file.sha256);
      const text = stored.toString('latin1');
      assert.ok(
        text.startsWith('%PDF-') && text.includes('SAMPLE - NOT A PROOF OF EXECUTION') && text.includes(claim.id),
      );
      assertCard(chat, 'poe.title');

      // Served for the turn only: nothing is left listening.
      assert.equal(samples.served.length, 1);
      await assert.rejects(fetch(samples.served[0].downloadUrl));

      await poeDone(chat);
      await submitFromSummary(chat);
      assert.equal((await onlyClaimOf(s.world, s.org)).status, 'submitted');
    });
  }

  it('is not offered without a sample source (Azure), and a forged click is a stale card that stores nothing', async () => {
    const chat = new Chat(worldWith({}, false), adminCaller(s.org, 'en-US'));
    await upToPoe(chat);
    assert.equal(
      submitActions(chat.lastCard()).some((a) => a.data.verb === 'poeSample'),
      false,
    );
    assert.ok(!cardStrings(chat.lastCard()).includes(t('en-US', 'poe.sampleNote')));
    const done = submitActions(chat.lastCard()).find((a) => a.data.verb === 'poeDone');
    assert.ok(done);
    const replies = await chat.send({ type: 'message', value: { ...done.data, verb: 'poeSample' } });
    assert.equal(replies[0].text, t('en-US', 'conversation.staleCard'));
    assert.deepEqual((await onlyClaimOf(s.world, s.org)).poe, []);
  });

  it('cannot get past a file source that refuses loopback http, even if a sample source were given outside local mode', async () => {
    const chat = new Chat(worldWith({ samplePoe: new LocalSamplePoe() }, false), adminCaller(s.org, 'ja-JP'));
    await upToPoe(chat);
    const replies = await chat.click('poeSample');
    assert.deepEqual(textsOf(replies), [t('ja-JP', 'poe.sourceRefused', { fileName: SAMPLE_POE_FILE_NAME })]);
    assert.deepEqual((await onlyClaimOf(s.world, s.org)).poe, []);
  });

  describe('the sample PDF', () => {
    const claim = { id: 'claim-(1)', customerDomain: 'contoso.com\\x', customerTenantId: '삼성' };
    const pdf = samplePoePdf(claim, new Date('2025-03-03T09:00:00.000Z')).toString('latin1');

    it('keeps its text literal: parentheses and backslashes escaped, what the standard font cannot show replaced', () => {
      assert.ok(pdf.includes('(Claim: claim-\\(1\\)) Tj'));
      assert.ok(pdf.includes('(Customer: contoso.com\\\\x \\(??\\)) Tj'));
      assert.ok(pdf.includes('(Generated: 2025-03-03T09:00:00.000Z) Tj'));
    });

    it('has a cross-reference table whose every offset points at its object', () => {
      const xrefAt = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(pdf)?.[1]);
      assert.ok(pdf.startsWith('xref\n', xrefAt));
      const offsets = [...pdf.slice(xrefAt).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
      assert.equal(offsets.length, 5);
      offsets.forEach((offset, i) => assert.ok(pdf.startsWith(`${i + 1} 0 obj\n`, offset), `object ${i + 1}`));
      const length = Number(/<< \/Length (\d+) >>\nstream\n/.exec(pdf)?.[1]);
      const start = pdf.indexOf('stream\n') + 'stream\n'.length;
      assert.equal(pdf.slice(start + length, start + length + '\nendstream'.length), '\nendstream');
    });
  });
});
