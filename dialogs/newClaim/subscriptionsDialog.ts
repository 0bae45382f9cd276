/**
 * Subscriptions of the chosen Dynamics 365 products: for each, whether the customer
 * has more than one; if so, their IDs (required then). The keys they make are
 * checked again for holds, since a subscription ID is a key of its own.
 */
import { readSubscriptions, renderSubscriptionsCard, subscriptionProductsOf } from '../../cards/render';
import type { ProductSubscriptions } from '../../claims/model';
import { validateSection } from '../../claims/validation';
import type { CardSubmission } from '../cardPrompt';
import { heldKeyMessage, heldKeysOf } from './heldKeys';
import { SectionDialog, type CardAsk, type Next, type SectionOptions, type Turn } from './sectionDialog';
import type { ClaimServices } from '../services';

export const SUBSCRIPTIONS_DIALOG = 'newClaim.subscriptions';

/** The answers for `asked` products from a submitted form, one per product whatever the client sent. */
function answersOf(values: Readonly<Record<string, unknown>>, asked: readonly string[]): ProductSubscriptions[] {
  const submitted = readSubscriptions(values);
  return asked.map(
    (productId) =>
      submitted.find((s) => s.productId === productId) ?? { productId, multiple: false, subscriptionIds: [] },
  );
}

export class SubscriptionsDialog extends SectionDialog {
  constructor(services: ClaimServices) {
    super(SUBSCRIPTIONS_DIALOG, services, ['subscriptions'], { step: 'subscriptions', title: 'subscriptions.title' });
  }

  protected async isComplete(turn: Turn): Promise<boolean> {
    const asked = subscriptionProductsOf(turn.claim);
    if (asked.length === 0) return true;
    const answered = asked.every((p) => turn.claim.subscriptions.some((s) => s.productId === p.id));
    if (!answered || validateSection(turn.claim, 'subscriptions').length > 0) return false;
    const dynamics = asked.map((p) => p.id);
    return (await heldKeysOf(turn.services, turn.claim, turn.services.clock.now(), dynamics)).length === 0;
  }

  protected ask(turn: Turn, options: SectionOptions): CardAsk | Next {
    const asked = subscriptionProductsOf(turn.claim);
    if (asked.length === 0) return this.done(turn);
    const form = options.form;
    const products = form
      ? subscriptionProductsOf({
          productIds: turn.claim.productIds,
          subscriptions: answersOf(
            { ...form, productIds: asked.map((p) => p.id).join(',') },
            asked.map((p) => p.id),
          ),
        })
      : asked;
    return {
      verbs: ['subscriptionsEntered'],
      card: (step) => renderSubscriptionsCard({ ...step, products, problems: options.problems ?? [] }, turn.locale),
    };
  }

  protected async answer(
    turn: Turn,
    options: SectionOptions,
    _stage: string | undefined,
    submission: CardSubmission,
  ): Promise<Next> {
    const asked = subscriptionProductsOf(turn.claim).map((p) => p.id);
    const answers = answersOf(submission.values, asked);
    const subscriptions = [...turn.claim.subscriptions.filter((s) => !asked.includes(s.productId)), ...answers];
    const candidate = { ...turn.claim, subscriptions };
    const problems = validateSection(candidate, 'subscriptions');
    if (problems.length > 0) return this.askAgain(options, submission, problems);

    const held = await heldKeysOf(turn.services, candidate, turn.services.clock.now(), asked);
    if (held.length > 0)
      return this.askAgain(
        options,
        submission,
        held.map((h) => heldKeyMessage(turn.locale, h)),
      );
    return this.saveAndFinish(turn, options, submission, { subscriptions });
  }
}
