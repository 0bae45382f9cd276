/**
 * Proof of execution in the chat, in every locale: files attached the Teams way are
 * streamed into Azurite and recorded on the draft, on one card updated in place;
 * refusals are told per file and store nothing; the PoE template is a signed link on
 * the card from the start; submission needs
 * at least one file, and the review says so.
 */
import assert from 'node:assert/strict';
import { FILE_DOWNLOAD_INFO } from '../../../dialogs/cardPrompt';
import { TEMPLATE_LINK_SECONDS, TEMPLATE_PATH } from '../../../bot/http/templateDownloads';
import { formatFileSize, LOCALES, problemMessage, t } from '../../../locales/i18n';
import { PNG_1X1, SHARING_PAGE_HTML, pdfLike, windowsExecutable } from '../../support/evidenceSamples';
import {
  Chat,
  NOW,
  POE_MAX_BYTES,
  adminCaller,
  blobBytes,
  cardStrings,
  newClaimSetting,
  onlyClaimOf,
  sha256,
  submitActions,
  textsOf,
  cardOf,
  withoutNonce,
} from './newClaimHarness';
import { SIGNED_SOW, assertCard, attachSignedSow, poeDone, upToPoe } from './newClaimSteps';

describe('NewClaimDialog proof of execution', function () {
  this.timeout(60_000);
  const s = newClaimSetting();

  async function blobsOf(claimId: string): Promise<string[]> {
    const names: string[] = [];
    const container = s.world.blobs.getContainerClient(s.world.containerName);
    for await (const blob of container.listBlobsFlat({ prefix: `${s.org.id}/${claimId}/` })) names.push(blob.name);
    return names;
  }

  for (const locale of LOCALES) {
    it(`${locale}: takes several files in one message, streams each into storage and lists them`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToPoe(chat);
      const replies = await chat.attach(
        { name: 'Signed *SOW* 서명.pdf', url: s.world.files.serve(SIGNED_SOW) },
        { name: 'kickoff.png', url: s.world.files.serve(PNG_1X1) },
      );
      const claim = await onlyClaimOf(s.world, s.org);
      assert.deepEqual(
        claim.poe.map((f) => [f.fileName, f.kind, f.sha256]),
        [
          ['Signed *SOW* 서명.pdf', 'pdf', sha256(SIGNED_SOW)],
          ['kickoff.png', 'png', sha256(PNG_1X1)],
        ],
      );
      // One card, updated in place: nothing is posted for the files, the card lists them.
      const cardId = chat.transcript.filter((r) => cardOf(r) !== undefined).at(-1)?.id;
      assert.deepEqual(replies, []);
      assert.ok(chat.updates.some((u) => u.id === cardId && cardOf(u) === chat.lastCard()));
      assertCard(chat, 'poe.title');
      const shown = cardStrings(chat.lastCard());
      for (const f of claim.poe)
        assert.ok(
          shown.includes(
            t(locale, 'summary.poeFile', { fileName: f.fileName, size: formatFileSize(locale, f.sizeBytes) }),
          ),
        );
      for (const f of claim.poe) assert.equal(sha256(await blobBytes(s.world, f.blobName)), f.sha256);
      assert.equal((await blobsOf(claim.id)).length, 2);
    });

    it(`${locale}: refuses an executable, an empty file, an oversize file and an expired link, one message each, storing nothing`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToPoe(chat);
      const expired = 'https://teams.example/download/expired';
      const replies = await chat.attach(
        { name: 'setup.exe', url: s.world.files.serve(windowsExecutable()) },
        { name: 'empty.pdf', url: s.world.files.serve(Buffer.alloc(0)) },
        { name: 'huge.pdf', url: s.world.files.serve(pdfLike(POE_MAX_BYTES + 1)) },
        { name: 'late.pdf', url: expired },
      );
      const maxSize = formatFileSize(locale, POE_MAX_BYTES);
      assert.deepEqual(textsOf(replies), [
        t(locale, 'poe.typeNotAllowed', { fileName: 'setup.exe' }),
        t(locale, 'poe.empty', { fileName: 'empty.pdf' }),
        t(locale, 'poe.tooLargeLimit', { fileName: 'huge.pdf', maxSize }),
        t(locale, 'poe.uploadFailed', { fileName: 'late.pdf' }),
      ]);
      assertCard(chat, 'poe.title');
      const claim = await onlyClaimOf(s.world, s.org);
      assert.deepEqual(claim.poe, []);
      assert.deepEqual(await blobsOf(claim.id), []);
    });

    it(`${locale}: refuses a link outside Teams' hosts or resolving to an internal address, by name, and stores nothing`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToPoe(chat);
      const replies = await chat.attach(
        { name: 'internal.pdf', url: 'https://evil.sharepoint.com/sites/x/sow.pdf' },
        { name: 'metadata.pdf', url: 'http://169.254.169.254.sharepoint.com/latest' },
        { name: 'ok.pdf', url: s.world.files.serve(SIGNED_SOW) },
      );
      assert.deepEqual(textsOf(replies).slice(0, 2), [
        t(locale, 'poe.sourceRefused', { fileName: 'internal.pdf' }),
        t(locale, 'poe.sourceRefused', { fileName: 'metadata.pdf' }),
      ]);
      const claim = await onlyClaimOf(s.world, s.org);
      assert.deepEqual(
        claim.poe.map((f) => f.fileName),
        ['ok.pdf'],
      );
    });

    it(`${locale}: recognises a sharing page delivered instead of the file`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToPoe(chat);
      const replies = await chat.attach({
        name: 'SOW.pdf',
        url: s.world.files.serve(SHARING_PAGE_HTML, 'text/html; charset=utf-8'),
      });
      assert.deepEqual(textsOf(replies), [t(locale, 'poe.sharePage', { fileName: 'SOW.pdf' })]);
    });

    it(`${locale}: offers the PoE template of this claim as a signed link from the start, made only when opened, and Continue as the primary action only once a file is attached`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      const published = s.world.links.published.length;
      await upToPoe(chat);
      const claim = await onlyClaimOf(s.world, s.org);
      const actionsOf = (card: Record<string, unknown>) =>
        (card.actions as { type: string; title: string; style?: string; url?: string }[]).map((a) => ({
          type: a.type,
          title: a.title,
          ...(a.style && a.style !== 'default' ? { style: a.style } : {}),
          ...(a.url ? { url: a.url } : {}),
        }));
      const linkOf = (card: Record<string, unknown>) => actionsOf(card).find((a) => a.type === 'Action.OpenUrl')?.url;
      const link = linkOf(chat.lastCard()) ?? '';
      const prefix = `https://bot.example${TEMPLATE_PATH}?link=`;
      assert.ok(link.startsWith(prefix), link);
      // The link opens this claim's template, in the partner's language, for the link's lifetime.
      const grant = s.world.templateTokens.verify(link.slice(prefix.length));
      assert.deepEqual(grant.ok && grant.value, {
        partnerId: s.org.id,
        claimId: claim.id,
        locale,
        expiresAt: new Date(NOW.getTime() + TEMPLATE_LINK_SECONDS * 1000).toISOString(),
      });
      // Nothing was made or uploaded to show it.
      assert.equal(s.world.links.published.length, published);
      const templateAction = { type: 'Action.OpenUrl', title: t(locale, 'poe.downloadTemplate'), url: link };
      const cancel = { type: 'Action.Submit', title: t(locale, 'common.cancel') };
      assert.deepEqual(actionsOf(chat.lastCard()), [
        { type: 'Action.Submit', title: t(locale, 'poe.continueWithout') },
        templateAction,
        cancel,
      ]);
      await attachSignedSow(chat);
      assert.deepEqual(actionsOf(chat.lastCard()), [
        { type: 'Action.Submit', title: t(locale, 'poe.continue'), style: 'positive' },
        templateAction,
        cancel,
      ]);
      await poeDone(chat);
      assertCard(chat, 'summary.title');
    });

    it(`${locale}: says a pasted image is not a file, and typed text is not an answer, showing the card again`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToPoe(chat);
      const card = chat.lastCard();
      const pasted = await chat.send({
        type: 'message',
        attachments: [{ contentType: 'image/png', contentUrl: 'https://smba.example/img' }],
      });
      assert.deepEqual(textsOf(pasted), [t(locale, 'poe.inlineImage')]);
      assert.deepEqual(chat.lastCard(), card);
      const typed = await chat.send('here it is');
      assert.deepEqual(textsOf(typed), [t(locale, 'conversation.expectedFile')]);
      // The card comes again below (a fresh nonce); the one above closed.
      assert.deepEqual(withoutNonce(chat.lastCard()), withoutNonce(card));
      assert.deepEqual(submitActions(cardOf(chat.updates.at(-1))), [], 'the card above offers nothing any more');
      // A message with neither a card answer nor a Teams file is not taken as one.
      const other = await chat.send({
        type: 'message',
        attachments: [{ contentType: FILE_DOWNLOAD_INFO.replace('download', 'upload'), content: {} }],
      });
      assert.deepEqual(textsOf(other), [t(locale, 'conversation.expectedFile')]);
    });

    it(`${locale}: lets the partner go on without PoE, then the review asks for it before Submit`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToPoe(chat);
      await poeDone(chat);
      assertCard(chat, 'summary.title');
      assert.ok(cardStrings(chat.lastCard()).includes(problemMessage(locale, { code: 'poeRequired', field: 'poe' })));
      assert.ok(
        !submitActions(chat.lastCard()).some((a) => a.data.verb === 'submitClaim'),
        'no Submit while PoE is missing',
      );

      // A stale or forged Submit is refused with the reason, and the review comes back.
      const forged = await chat.send({
        type: 'message',
        value: { ...submitActions(chat.lastCard())[0]?.data, verb: 'submitClaim' },
      });
      assert.equal(forged[0]?.text, t(locale, 'submit.blocked'));
      assertCard(chat, 'summary.title');

      await chat.clickEdit('poe');
      await attachSignedSow(chat);
      await poeDone(chat);
      assertCard(chat, 'summary.title');
      assert.ok(submitActions(chat.lastCard()).some((a) => a.data.verb === 'submitClaim'));
      assert.equal((await onlyClaimOf(s.world, s.org)).poe.length, 1);
    });
  }
});
