/**
 * The start card: what it proposes so the partner types less (the last location used,
 * a claim name from the customer and the solution), what it refuses as a customer (the
 * partner's own tenant, the operator's), and conversations saved on the four
 * cards it replaced, which must go on after the deployment instead of failing.
 */
import assert from 'node:assert/strict';
import { LOCALES, problemMessage, t } from '../../../locales/i18n';
import { proposedClaimName } from '../../../dialogs/newClaim/startDialog';
import {
  Chat,
  adminCaller,
  cardStrings,
  claimsOf,
  inputOf,
  newClaimSetting,
  onlyClaimOf,
  rewriteSavedState,
  textsOf,
} from './newClaimHarness';
import { CUSTOMER_DOMAIN, CUSTOMER_TENANT, assertCard, chooseProducts, fillStart, start } from './newClaimSteps';

/** Visits the dialog frames (`{ id, state }`) of the saved conversation. */
const rewriteState = (chat: Chat, rewrite: (frame: Record<string, unknown>) => void): void =>
  rewriteSavedState(chat, (node) => {
    if (typeof node.id === 'string' && 'state' in node) rewrite(node);
  });

/** The flow's waterfall renamed to the old one, its step index moved to where the old layout had `part`. */
const OLD_STEP_OF: Readonly<Record<string, number>> = {
  'newClaim.customer': 2,
  'newClaim.products': 5,
};

function asIfSavedBeforeTheStartCard(chat: Chat, waitingIn: string, replaceStartWith?: string): void {
  rewriteState(chat, (frame) => {
    const state = frame.state as Record<string, unknown>;
    if (frame.id === 'newClaim.flow') {
      frame.id = 'newClaim.steps';
      state.stepIndex = OLD_STEP_OF[replaceStartWith ?? waitingIn];
    }
    if (frame.id === 'newClaim.start' && replaceStartWith) frame.id = replaceStartWith;
  });
}

describe('NewClaimDialog start card', function () {
  this.timeout(60_000);
  const s = newClaimSetting();

  for (const locale of LOCALES) {
    it(`${locale}: several locations start on the one this partner used last`, async () => {
      const first = new Chat(s.world, adminCaller(s.org, locale));
      await start(first);
      assert.equal(inputOf(first.lastCard(), 'mpnId')?.value, '', 'no claim yet: nothing preselected');
      await fillStart(first, { mpnId: '7654321' });

      const second = new Chat(s.world, adminCaller(s.org, locale));
      await start(second);
      assert.equal(inputOf(second.lastCard(), 'mpnId')?.value, '7654321');
    });

    it(`${locale}: an empty name gives the claim one made of the customer and the solution, which the card announces once it knows them`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await start(chat);
      assert.equal(inputOf(chat.lastCard(), 'name')?.placeholder, t(locale, 'start.namePlaceholderGeneric'));
      // Asked again (a tenant ID that is no GUID): now the card knows the customer and the solution.
      await fillStart(chat, { name: '', tenantId: 'not-a-guid', area: 'businessApplications' });
      const proposed = proposedClaimName(locale, CUSTOMER_DOMAIN, {
        solutionArea: 'businessApplications',
        activity: 'usageOrPresales',
      });
      assert.equal(
        inputOf(chat.lastCard(), 'name')?.placeholder,
        t(locale, 'start.namePlaceholder', { name: proposed }),
      );
      await fillStart(chat, { name: '', area: 'businessApplications' });
      assertCard(chat, 'products.title');
      assert.equal((await onlyClaimOf(s.world, s.org)).name, proposed);
    });

    it(`${locale}: the partner's own tenant and the program operator's are no customer, found or typed (rule 8)`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await start(chat);
      // The partner's own domain: the directory names the partner's tenant.
      s.world.directory.set('fabrikam-own.example', s.org.id);
      await fillStart(chat, { domain: 'fabrikam-own.example', tenantId: '' });
      assertCard(chat, 'start.title');
      const own = problemMessage(locale, {
        code: 'customerIsPartner',
        field: 'customerTenantId',
        params: { domain: 'fabrikam-own.example' },
      });
      assert.ok(cardStrings(chat.lastCard()).includes(own));
      // A domain the directory does not know, with the operator's tenant typed: no warning to click through.
      await fillStart(chat, { domain: 'nowhere-known.example', tenantId: s.world.services.roles.operatorTenantId });
      assertCard(chat, 'start.title');
      const operator = problemMessage(locale, {
        code: 'customerIsOperator',
        field: 'customerTenantId',
        params: { domain: 'nowhere-known.example' },
      });
      assert.ok(cardStrings(chat.lastCard()).includes(operator));
      // The same with the partner's own tenant typed.
      await fillStart(chat, { domain: 'nowhere-known.example', tenantId: s.org.id });
      assert.ok(
        cardStrings(chat.lastCard()).includes(
          problemMessage(locale, {
            code: 'customerIsPartner',
            field: 'customerTenantId',
            params: { domain: 'nowhere-known.example' },
          }),
        ),
      );
      assert.deepEqual(await claimsOf(s.world, s.org), [], 'no draft');
    });

    it(`${locale}: a conversation saved on the old customer card goes on with the start card, keeping what was gathered`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await start(chat);
      asIfSavedBeforeTheStartCard(chat, 'newClaim.customer', 'newClaim.customer');
      rewriteState(chat, (frame) => {
        const options = (frame.state as { options?: { work?: { fields: Record<string, string> } } }).options;
        if (frame.id === 'steps' && options?.work) options.work.fields = { mpnId: '7654321' };
      });
      // The partner answers the old card (its verb and inputs as it was drawn then).
      const replies = await chat.send({
        type: 'message',
        value: { verb: 'customerEntered', customerDomain: CUSTOMER_DOMAIN, customerTenantId: CUSTOMER_TENANT },
      });
      assert.equal(textsOf(replies)[0], t(locale, 'conversation.stepsChanged'));
      assertCard(chat, 'start.title');
      assert.equal(inputOf(chat.lastCard(), 'mpnId')?.value, '7654321', 'the location chosen before');
      await fillStart(chat, { mpnId: '7654321' });
      assertCard(chat, 'products.title');
    });

    it(`${locale}: a conversation saved on the products card in the old layout goes on to contacts, as it would have`, async () => {
      const chat = new Chat(s.world, adminCaller(s.org, locale));
      await start(chat);
      await fillStart(chat);
      asIfSavedBeforeTheStartCard(chat, 'newClaim.products');
      await chooseProducts(chat, ['exchangeOnline']);
      // Step 6 of the old layout is the subscriptions part, which this claim skips: contacts next.
      assertCard(chat, 'contacts.title');
      assert.deepEqual((await onlyClaimOf(s.world, s.org)).productIds, ['exchangeOnline']);
    });
  }
});
