/**
 * The PoE check never holds up the turn that received the file: that turn stores the
 * file and updates the card in place ("checking…"), and ends; the check runs after it,
 * records its result on the claim and updates the same card again. A result lost to a
 * restart is read again when the summary shows the file.
 */
import assert from 'node:assert/strict';
import { formatFileSize, LOCALES, t } from '../../../locales/i18n';
import { Chat, adminCaller, cardOf, cardStrings, newClaimSetting, onlyClaimOf, submitActions } from './newClaimHarness';
import { textPdf } from '../../support/poeDocuments';
import { assertCard, upToPoe } from './newClaimSteps';

const SIGNED_SOW = textPdf([
  { lines: ['Statement of Work', 'Fabrikam Seattle deployed Exchange Online for Contoso.'] },
]);

describe('NewClaimDialog PoE check after the turn', function () {
  this.timeout(60_000);
  const s = newClaimSetting();
  afterEach(() => s.world.reader.release());

  /** Presses a button without waiting for the checks the turn leaves running. */
  const clickUnsettled = (chat: Chat, verb: string) => {
    const action = submitActions(chat.lastCard()).find((a) => a.data.verb === verb);
    assert.ok(action, `no ${verb} button`);
    return chat.send({ type: 'message', value: action.data }, false);
  };

  for (const locale of LOCALES) {
    it(`${locale}: the receiving turn acknowledges the file on the card while its check is held, and the check updates that card in place`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToPoe(chat);
      const cardId = chat.transcript.at(-1)?.id;
      s.world.reader.hold();
      // The reader does not answer until released: this turn can only end if it does not wait for it.
      const replies = await chat.attachUnsettled({ name: 'SOW.pdf', url: s.world.files.serve(SIGNED_SOW) });
      assert.deepEqual(replies, [], 'nothing posted: the card is the acknowledgement');
      const acknowledged = chat.updates.at(-1);
      assert.equal(acknowledged?.id, cardId);
      const size = formatFileSize(locale, SIGNED_SOW.length);
      assert.ok(
        cardStrings(cardOf(acknowledged)).includes(t(locale, 'poe.fileChecking', { fileName: 'SOW.pdf', size })),
      );
      assert.equal((await onlyClaimOf(s.world, s.org)).poe[0]?.check, undefined, 'no result before the check ran');

      s.world.reader.release();
      await s.world.poeChecks.idle();
      const checked = chat.updates.at(-1);
      assert.notEqual(checked, acknowledged, 'the check updated the card once more');
      assert.equal(checked?.id, cardId, 'in place');
      const shown = cardStrings(cardOf(checked));
      assert.ok(shown.includes(t(locale, 'summary.poeFile', { fileName: 'SOW.pdf', size })));
      assert.ok(shown.includes(t(locale, 'poeCheck.title')));
      assert.ok(shown.includes(t(locale, 'poeCheck.productsFound')), shown.join('\n'));
      assert.ok(!shown.includes(t(locale, 'poe.fileChecking', { fileName: 'SOW.pdf', size })));
      assert.equal((await onlyClaimOf(s.world, s.org)).poe[0]?.check?.status, 'checked');
      // The updated card still takes its answer.
      await chat.click('poeDone');
      assertCard(chat, 'summary.title');
    });

    it(`${locale}: a partner who moves on first sees "still being checked" on the summary, and the result is recorded after`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToPoe(chat);
      s.world.reader.hold();
      await chat.attachUnsettled({ name: 'SOW.pdf', url: s.world.files.serve(SIGNED_SOW) });
      const updatesBefore = chat.updates.length;
      await clickUnsettled(chat, 'poeDone');
      assertCard(chat, 'summary.title');
      const summary = cardStrings(chat.lastCard());
      assert.ok(summary.includes(t(locale, 'poeCheck.stillChecking', { fileName: 'SOW.pdf' })), summary.join('\n'));
      assert.ok(!summary.includes(t(locale, 'poeCheck.acknowledgementFound')));

      s.world.reader.release();
      await s.world.poeChecks.idle();
      assert.equal((await onlyClaimOf(s.world, s.org)).poe[0]?.check?.status, 'checked');
      // The answered PoE card stays collapsed: a late check does not bring it back.
      const late = chat.updates
        .slice(updatesBefore)
        .filter((u) => cardStrings(cardOf(u)).includes(t(locale, 'poe.title')));
      assert.ok(
        late.every((u) => submitActions(cardOf(u)).length === 0),
        'no PoE card with buttons after Continue',
      );
    });

    it(`${locale}: a result lost to a restart (file recorded, no check running) is read when the summary shows it`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToPoe(chat);
      await chat.attach({ name: 'SOW.pdf', url: s.world.files.serve(SIGNED_SOW) });
      // As if the process died between storing the file and recording its check.
      const stored = await s.world.claims.get(s.org.id, (await onlyClaimOf(s.world, s.org)).id);
      assert.ok(stored);
      const { check: _lost, ...file } = stored.value.poe[0] ?? assert.fail('no file');
      await s.world.claims.replace({ ...stored.value, poe: [file] }, stored.etag);

      await chat.click('poeDone');
      assertCard(chat, 'summary.title');
      const summary = cardStrings(chat.lastCard());
      assert.ok(summary.includes(t(locale, 'poeCheck.summaryTitle')), summary.join('\n'));
      assert.ok(!summary.includes(t(locale, 'poeCheck.stillChecking', { fileName: 'SOW.pdf' })));
      assert.equal((await onlyClaimOf(s.world, s.org)).poe[0]?.check?.status, 'checked');
    });
  }
});
