/**
 * What people and infrastructure do to a conversation, in every locale: help at any
 * step, typed text and stale cards, odd text kept as plain data, who may write
 * checked on every write, storage failures that lose nothing and a retry that works,
 * and a concurrent change re-applied rather than lost.
 */
import assert from 'node:assert/strict';
import { LOCALES, t, type Locale } from '../../../locales/i18n';
import {
  rewriteSavedState,
  savedStateText,
  Chat,
  adminCaller,
  cardOf,
  cardStrings,
  claimsOf,
  inputOf,
  newClaimSetting,
  newOrganisation,
  onlyClaimOf,
  submitActions,
  textsOf,
  withoutNonce,
  type World,
} from './newClaimHarness';
import {
  CONTACTS,
  CUSTOMER_DOMAIN,
  CUSTOMER_TENANT,
  assertCard,
  attachSignedSow,
  chooseProducts,
  enterContacts,
  poeDone,
  start,
  upToPoe,
  upToProducts,
  fillStart,
} from './newClaimSteps';

const HELP_WORDS: Record<Locale, string> = { 'en-US': 'help', 'ko-KR': '도움말', 'ja-JP': 'ヘルプ' };

/** Emoji, right-to-left script, markdown, template syntax and placeholders: all of it is just a name. */
const ODD_NAME = '🚀 مشروع Contoso **bold** [link](https://evil.example) ${$root.labels.title} {name} <b>x</b>';

describe('NewClaimDialog robustness', function () {
  this.timeout(60_000);
  const s = newClaimSetting();

  for (const locale of LOCALES) {
    it(`${locale}: help, typed or pressed, shows help and then the current step again`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await start(chat);
      const startCard = chat.lastCard();
      for (const ask of [
        HELP_WORDS[locale],
        { type: 'message', value: { verb: 'help', claimId: '', nonce: '' } },
      ] as const) {
        const replies = await chat.send(ask);
        assert.equal(replies.length, 2);
        assert.equal(cardStrings(cardOf(replies[0]))[0], t(locale, 'help.title'));
        assert.deepEqual(cardOf(replies[1]), startCard, 'the same card, still answerable');
      }
      await fillStart(chat);
      assertCard(chat, 'products.title');
    });

    it(`${locale}: keeps no copy of the waiting card in the conversation state, and a state saved with one still shows it`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await start(chat);
      assert.ok(!savedStateText(chat).includes('"attachments"'), 'the card is drawn again when needed, not stored');
      // As a bot before this one saved it: the card kept in the prompt, nothing to draw it from.
      const kept = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'kept card' }] };
      rewriteSavedState(chat, (node) => {
        const validations = node.validations as Record<string, unknown> | undefined;
        if (!validations?.nonce) return;
        delete validations.redrawWith;
        node.prompt = {
          type: 'message',
          attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: kept }],
        };
      });
      const replies = await chat.send(HELP_WORDS[locale]);
      assert.deepEqual(cardOf(replies[1]), kept);
    });

    it(`${locale}: typed text gets "use the card", and a stale card "out of date", each with the current card`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await start(chat);
      const startCard = chat.lastCard();

      // Text with nothing the card asks: "use the card below", and the card again below.
      const typed = await chat.send('please do it');
      assert.deepEqual(
        [typed[0]?.text, withoutNonce(cardOf(typed[1]))],
        [t(locale, 'conversation.expectedCard'), withoutNonce(startCard)],
      );
      assert.deepEqual(submitActions(cardOf(chat.updates.at(-1))), [], 'the card above offers nothing any more');
      // A domain, a tenant ID and an MPN ID typed in the chat go into the card below.
      const values = await chat.send(`${CUSTOMER_DOMAIN} please, ${CUSTOMER_TENANT} for 7654321`);
      assert.equal(values[0]?.text, t(locale, 'conversation.typedIntoCard'));
      assert.deepEqual(
        ['customerDomain', 'customerTenantId', 'mpnId'].map((id) => inputOf(chat.lastCard(), id)?.value),
        [CUSTOMER_DOMAIN, CUSTOMER_TENANT, '7654321'],
      );
      await fillStart(chat);
      const current = chat.lastCard();
      const stale = await chat.click('startEntered', { mpnId: '7654321' }, startCard);
      assert.deepEqual([stale[0]?.text, cardOf(stale[1])], [t(locale, 'conversation.staleCard'), current]);
      // A cancel pressed on another claim's card is stale too, not a cancel of this one.
      const otherClaim = await chat.send({
        type: 'message',
        value: { verb: 'cancel', claimId: 'another-claim', nonce: 'x' },
      });
      assert.equal(otherClaim[0]?.text, t(locale, 'conversation.staleCard'));
      assert.equal(chat.status, 'waiting');
      assert.equal((await onlyClaimOf(s.world, s.org)).mpnId, '1234567', 'the stale card changed nothing');
    });

    it(`${locale}: keeps emoji, right-to-left text, markdown and template syntax as plain data`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await start(chat);
      await fillStart(chat, { name: ODD_NAME });
      await chooseProducts(chat, ['exchangeOnline']);
      await enterContacts(chat, { ...CONTACTS, customerName: ODD_NAME.slice(0, 60) });
      await attachSignedSow(chat, '${x} **SOW**.pdf');
      await poeDone(chat);
      const claim = await onlyClaimOf(s.world, s.org);
      assert.equal(claim.name, ODD_NAME);
      assert.equal(claim.customerContact?.name, ODD_NAME.slice(0, 60).trim());
      const review = chat.lastCard();
      // Exactly as typed: the template's `${...}` and the message's `{name}` were not evaluated.
      assert.ok(cardStrings(review).includes(ODD_NAME), 'the review shows the name exactly as typed');
      await chat.send('cancel');
      assert.ok(cardStrings(chat.lastCard()).includes(ODD_NAME), 'the cancel question names the draft as typed');
    });

    it(`${locale}: shows the only partner location instead of a choice and takes it, and stops when there is none`, async () => {
      const single = await newOrganisation(s.world, [{ mpnId: '5550001', name: 'Fabrikam **Busan**' }]);
      const chat = new Chat(s.world, adminCaller(single, locale));
      const replies = await start(chat);
      assert.deepEqual(textsOf(replies), [], 'the card says it; no message beside it');
      assertCard(chat, 'start.title');
      assert.equal(inputOf(chat.lastCard(), 'mpnId'), undefined, 'nothing to choose');
      const location = t(locale, 'mpn.option', { mpnId: '5550001', location: 'Fabrikam **Busan**' });
      assert.ok(cardStrings(chat.lastCard()).includes(` ${location}`), 'named as the directory has it');
      await fillStart(chat, { mpnId: '' });
      assert.equal((await onlyClaimOf(s.world, single)).mpnId, '5550001');

      const none = await newOrganisation(s.world, []);
      const stopped = new Chat(s.world, adminCaller(none, locale));
      assert.deepEqual(textsOf(await start(stopped)), [t(locale, 'mpn.noLocations')]);
      assert.deepEqual(stopped.result, { outcome: 'noLocations' });
    });

    it(`${locale}: refuses anyone but the organisation's incentives admins, before any card`, async () => {
      const viewer = new Chat(s.world, { ...adminCaller(s.org, locale), isIncentivesAdmin: false });
      assert.deepEqual(textsOf(await start(viewer)), [t(locale, 'access.notAllowed')]);
      assert.deepEqual(viewer.result, { outcome: 'notAllowed' });
      // A flag the directory's admin list does not back up is not enough either.
      const stranger = new Chat(s.world, { ...adminCaller(s.org, locale), aadObjectId: 'someone-else' });
      assert.deepEqual(textsOf(await start(stranger)), [t(locale, 'access.notAllowed')]);
      assert.deepEqual(await claimsOf(s.world, s.org), []);
    });

    it(`${locale}: re-checks the role on every write: an admin demoted mid-flow writes nothing more`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToProducts(chat);
      chat.caller = { ...chat.caller, isIncentivesAdmin: false };
      const replies = await chooseProducts(chat, ['exchangeOnline']);
      assert.deepEqual(textsOf(replies), [t(locale, 'access.notAllowed')]);
      assert.equal(chat.status, 'complete');
      assert.deepEqual((await onlyClaimOf(s.world, s.org)).productIds, []);
    });

    it(`${locale}: a failed claim write apologises, keeps every typed value, and the same card then goes through`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToProducts(chat);
      await chooseProducts(chat, ['exchangeOnline']);
      const typed = { ...CONTACTS, customerName: 'Dana Q. Customer' };
      s.world.faults.failOnce('claims.replace');
      const replies = await enterContacts(chat, typed);
      assert.deepEqual(textsOf(replies), [t(locale, 'errors.storage')]);
      assertCard(chat, 'contacts.title');
      assert.equal(inputOf(chat.lastCard(), 'customerName')?.value, 'Dana Q. Customer');
      assert.equal((await onlyClaimOf(s.world, s.org)).customerContact, undefined);

      // The partner presses the card again (the re-shown one, or the one they typed into).
      await chat.click('contactsEntered', typed);
      assertCard(chat, 'poe.title');
      assert.equal((await onlyClaimOf(s.world, s.org)).customerContact?.name, 'Dana Q. Customer');
    });

    for (const [how, arm] of [
      ['before it is written', (w: World) => w.faults.failOnce('claims.create')],
      ['after it was written (the answer lost)', (w: World) => w.faults.failAfterOnce('claims.create')],
    ] as const) {
      it(`${locale}: a draft creation failing ${how} loses nothing and the retry leaves exactly one claim`, async () => {
        const chat = new Chat(s.world, adminCaller(s.org, locale));
        await start(chat);
        arm(s.world);
        assert.deepEqual(textsOf(await fillStart(chat, { name: 'Contoso Teams' })), [t(locale, 'errors.storage')]);
        assert.equal(inputOf(chat.lastCard(), 'name')?.value, 'Contoso Teams');
        assert.equal(inputOf(chat.lastCard(), 'customerDomain')?.value, CUSTOMER_DOMAIN);
        await fillStart(chat, { name: 'Contoso Teams' });
        assertCard(chat, 'products.title');
        assert.equal((await onlyClaimOf(s.world, s.org)).name, 'Contoso Teams');
      });
    }

    it(`${locale}: a failed tenant lookup or PoE upload apologises and the retry works`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await start(chat);
      s.world.faults.failOnce('tenants.lookup');
      assert.deepEqual(textsOf(await fillStart(chat)), [t(locale, 'errors.storage')]);
      assert.equal(inputOf(chat.lastCard(), 'customerDomain')?.value, CUSTOMER_DOMAIN);
      await fillStart(chat);
      await chooseProducts(chat, ['oneDrive']);
      await enterContacts(chat);

      s.world.faults.failOnce('evidence.put');
      assert.deepEqual(textsOf(await attachSignedSow(chat)), [t(locale, 'errors.storage')]);
      assertCard(chat, 'poe.title');
      assert.deepEqual((await onlyClaimOf(s.world, s.org)).poe, []);
      await attachSignedSow(chat);
      assert.equal((await onlyClaimOf(s.world, s.org)).poe.length, 1);
    });

    it(`${locale}: a PoE stored but not recorded (the claim write failed) is removed, and the retry records it`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToPoe(chat);
      const { id } = await onlyClaimOf(s.world, s.org);
      s.world.faults.failOnce('claims.replace');
      assert.deepEqual(textsOf(await attachSignedSow(chat)), [t(locale, 'errors.storage')]);
      const container = s.world.blobs.getContainerClient(s.world.containerName);
      const left: string[] = [];
      for await (const blob of container.listBlobsFlat({ prefix: `${s.org.id}/${id}/` })) left.push(blob.name);
      assert.deepEqual(left, [], 'no file without a claim pointing to it');
      await attachSignedSow(chat);
      const [file] = (await onlyClaimOf(s.world, s.org)).poe;
      assert.ok(file && (await s.world.evidence.exists(file.blobName)));
    });

    it(`${locale}: a failure while preparing a step fails the turn without losing it; the same message again works`, async () => {
      const first = new Chat(s.world, adminCaller(s.org, locale));
      await upToProducts(first);
      await first.click('cancel');
      await first.click('cancelKeep');
      const { id } = await onlyClaimOf(s.world, s.org);

      const chat = new Chat(s.world, adminCaller(s.org, locale), { claimId: id });
      s.world.faults.failOnce('claims.get');
      await assert.rejects(chat.send('continue draft'), /simulated outage/);
      const replies = await chat.send('continue draft');
      assert.equal(replies[0]?.text, t(locale, 'drafts.resumed'));
      assertCard(chat, 'products.title');
    });

    it(`${locale}: a change made elsewhere meanwhile is re-read and both changes are kept`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await upToPoe(chat);
      const { id } = await onlyClaimOf(s.world, s.org);
      // Another window of the same partner renames the draft just before our write.
      s.world.faults.beforeOnce('claims.replace', async () => {
        const current = await s.world.claims.get(s.org.id, id);
        assert.ok(current);
        await s.world.claims.replace({ ...current.value, name: 'Renamed elsewhere' }, current.etag);
      });
      await attachSignedSow(chat);
      const claim = await onlyClaimOf(s.world, s.org);
      assert.deepEqual([claim.name, claim.poe.length], ['Renamed elsewhere', 1]);
    });
  }
});
