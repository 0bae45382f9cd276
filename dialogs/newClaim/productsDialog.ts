/**
 * The products or workloads, offered for the claim's solution area only. A product
 * whose association key is already held is refused here and now (never naming the
 * other partner); a program outside CPOR gets the co-op guidance instead.
 */
import { productChoicesFor, readProducts, renderCoopGuidanceCard, renderProductsCard } from '../../cards/render';
import { productById } from '../../claims/catalog';
import { validateSection } from '../../claims/validation';
import { cardMessage, type CardSubmission } from '../cardPrompt';
import { heldKeyMessage, heldKeysOf } from './heldKeys';
import { proposalLines } from '../../cards/proposalNotice';
import { SectionDialog, type CardAsk, type Next, type SectionOptions, type Turn } from './sectionDialog';
import type { ClaimServices } from '../services';

export const PRODUCTS_DIALOG = 'newClaim.products';

export class ProductsDialog extends SectionDialog {
  constructor(services: ClaimServices) {
    super(PRODUCTS_DIALOG, services, ['products'], { step: 'products', title: 'products.title' });
  }

  protected async isComplete(turn: Turn): Promise<boolean> {
    if (validateSection(turn.claim, 'products').length > 0) return false;
    return (await heldKeysOf(turn.services, turn.claim, turn.services.clock.now())).length === 0;
  }

  protected ask(turn: Turn, options: SectionOptions): CardAsk | Next {
    const area = turn.claim.solutionArea;
    // The solution part comes first and is never complete without an area.
    if (!area) return { kind: 'restart', work: turn.work };
    const offered = productChoicesFor(area);
    // Products a statement of work names are selected for the partner to confirm, while none are chosen.
    const proposal = turn.claim.productIds.length === 0 ? turn.work.proposal : undefined;
    const typed = options.form
      ? readProducts(options.form).productIds
      : turn.claim.productIds.length > 0
        ? turn.claim.productIds
        : (proposal?.productIds ?? []);
    const selected = typed.filter((id) => offered.some((p) => p.id === id));
    const proposed = proposal
      ? { ...proposal, productIds: proposal.productIds.filter((id) => offered.some((p) => p.id === id)) }
      : undefined;
    return {
      verbs: ['productsChosen'],
      card: (step) =>
        renderProductsCard(
          {
            ...step,
            solutionArea: area,
            products: offered,
            selected,
            problems: options.problems ?? [],
            proposal: proposalLines(turn.locale, proposed, 'products'),
          },
          turn.locale,
        ),
    };
  }

  protected async answer(
    turn: Turn,
    options: SectionOptions,
    _stage: string | undefined,
    submission: CardSubmission,
  ): Promise<Next> {
    const { productIds } = readProducts(submission.values);
    const coop = productIds
      .filter((id) => !productById(id))
      .map((id) => renderCoopGuidanceCard(id, turn.locale))
      .find((card) => card !== undefined);
    if (coop) {
      await turn.context.sendActivity(cardMessage(coop));
      const inScope = productIds.filter((id) => productById(id));
      return this.askAgain(options, undefined, [], { form: { productIds: inScope.join(',') } });
    }
    const candidate = { ...turn.claim, productIds };
    const problems = validateSection(candidate, 'products');
    if (problems.length > 0) return this.askAgain(options, submission, problems);

    const held = await heldKeysOf(turn.services, candidate, turn.services.clock.now());
    if (held.length > 0) {
      const refused = new Set(held.map((h) => h.productId));
      const kept = productIds.filter((id) => !refused.has(id));
      return this.askAgain(
        options,
        undefined,
        held.map((h) => heldKeyMessage(turn.locale, h)),
        { form: { productIds: kept.join(',') } },
      );
    }
    // Subscription answers for products no longer chosen mean nothing any more.
    const subscriptions = turn.claim.subscriptions.filter((s) => productIds.includes(s.productId));
    return this.saveAndFinish(turn, options, submission, { productIds, subscriptions });
  }
}
