/**
 * The customer: the domain name, and the directory (tenant) ID it belongs to. The
 * tenant directory is asked first: when it knows the domain the card shows the tenant
 * found and asks only for confirmation; a typed tenant ID that contradicts it is
 * refused (Partner Center would reject the mismatch); a personal-mail domain is no
 * customer organisation. When the directory cannot tell, the partner types the tenant
 * ID and may go on after a warning, since only the reviewer can tell then.
 */
import { readCustomer, renderCustomerCard, renderTenantCheckCard } from '../../cards/render';
import type { Problem } from '../../claims/errors';
import { normalizeDomain, normalizeGuid, validateDomain, validateTenantId } from '../../claims/validation';
import { readTypedValues } from '../../claims/typedValues';
import { t } from '../../locales/i18n';
import type { CardSubmission } from '../cardPrompt';
import { proposalLines } from '../../cards/proposalNotice';
import { acceptsSow, askAgainAfterSow } from './sowPrefill';
import { SectionDialog, type CardAsk, type Next, type SectionOptions, type Turn } from './sectionDialog';
import type { ClaimServices } from '../services';

export const CUSTOMER_DIALOG = 'newClaim.customer';

/** The warning about a domain the directory does not know, with "continue anyway" and "change". */
const CONFIRM = 'confirmUnknownDomain';
/** The tenant the directory found for the domain, to confirm, with "yes" and "change". */
const FOUND = 'confirmFoundTenant';

const problemsOf = (domain: string, tenantId: string): Problem[] =>
  [validateDomain(domain), validateTenantId(tenantId)].filter((p): p is Problem => p !== undefined);

/** As typed on the first card: the tenant ID may be left empty, for the directory to fill in. */
const typedProblemsOf = (domain: string, tenantId: string): Problem[] =>
  [validateDomain(domain), tenantId.trim() === '' ? undefined : validateTenantId(tenantId)].filter(
    (p): p is Problem => p !== undefined,
  );

export class CustomerDialog extends SectionDialog {
  constructor(services: ClaimServices) {
    super(CUSTOMER_DIALOG, services, ['customer'], { step: 'customer', title: 'customer.title' });
  }

  protected isComplete(turn: Turn): boolean {
    return problemsOf(turn.claim.customerDomain, turn.claim.customerTenantId).length === 0;
  }

  /** "fabrikam.com 3f2504e0-…" typed in the chat: both go into the card. */
  protected override readTyped(
    _turn: Turn,
    text: string,
    stage: string | undefined,
  ): Record<string, string> | undefined {
    if (stage === CONFIRM) return undefined;
    const { domain, tenantId } = readTypedValues(text);
    if (domain === undefined && tenantId === undefined) return undefined;
    return { ...(domain ? { customerDomain: domain } : {}), ...(tenantId ? { customerTenantId: tenantId } : {}) };
  }

  protected ask(turn: Turn, options: SectionOptions, stage: string | undefined): CardAsk {
    if (stage === CONFIRM || stage === FOUND) {
      const domain = options.memo?.customerDomain ?? '';
      const tenantId = options.memo?.customerTenantId ?? '';
      const kind = stage === FOUND ? 'found' : 'unknownDomain';
      return {
        verbs: ['customerConfirmed', 'customerChange'],
        card: (step) => renderTenantCheckCard({ ...step, kind, domain, tenantId }, turn.locale),
      };
    }
    // What a statement of work proposed fills only what the partner has not answered yet.
    const proposal = turn.claim.customerDomain === '' ? turn.work.proposal : undefined;
    return {
      verbs: ['customerEntered'],
      acceptFiles: acceptsSow(turn),
      card: (step) =>
        renderCustomerCard(
          {
            ...step,
            domain: options.form?.customerDomain ?? (turn.claim.customerDomain || (proposal?.customerDomain ?? '')),
            tenantId:
              options.form?.customerTenantId ?? (turn.claim.customerTenantId || (proposal?.customerTenantId ?? '')),
            problems: options.problems ?? [],
            proposal: proposalLines(turn.locale, proposal, 'customer'),
          },
          turn.locale,
        ),
    };
  }

  protected async answer(
    turn: Turn,
    options: SectionOptions,
    stage: string | undefined,
    submission: CardSubmission,
  ): Promise<Next> {
    if (stage === CONFIRM || stage === FOUND) {
      const held = {
        customerDomain: options.memo?.customerDomain ?? '',
        customerTenantId: options.memo?.customerTenantId ?? '',
      };
      if (submission.verb === 'customerChange') {
        // A found tenant was the directory's, not typed: the card comes back with the domain only.
        const form = stage === FOUND ? { customerDomain: held.customerDomain, customerTenantId: '' } : held;
        return { kind: 'ask', options: { ...options, stage: undefined, problems: [], form, memo: {} } };
      }
      return this.saveAndFinish(turn, options, undefined, held);
    }
    if (submission.files.length > 0) return askAgainAfterSow(turn, options, submission.files);
    const typed = readCustomer(submission.values);
    const problems = typedProblemsOf(typed.customerDomain, typed.customerTenantId);
    if (problems.length > 0) return this.askAgain(options, submission, problems);

    const shownDomain = typed.customerDomain.trim();
    const domain = normalizeDomain(typed.customerDomain) ?? typed.customerDomain;
    const tenantId =
      typed.customerTenantId.trim() === ''
        ? undefined
        : (normalizeGuid(typed.customerTenantId) ?? typed.customerTenantId);
    const found = await turn.services.tenants.lookup(domain);
    if (found.kind === 'consumer')
      return this.askAgain(options, submission, [t(turn.locale, 'customer.consumerDomain', { domain: shownDomain })]);
    if (found.kind === 'tenant') {
      const directoryTenant = normalizeGuid(found.tenantId) ?? found.tenantId.toLowerCase();
      if (tenantId === undefined) {
        return {
          kind: 'ask',
          options: {
            ...options,
            stage: FOUND,
            problems: [],
            form: {},
            memo: { customerDomain: shownDomain, customerTenantId: directoryTenant },
          },
        };
      }
      if (directoryTenant !== tenantId) {
        const mismatch = t(turn.locale, 'customer.mismatch', {
          domain: shownDomain,
          tenantId: typed.customerTenantId.trim(),
        });
        return this.askAgain(options, submission, [mismatch]);
      }
      return this.saveAndFinish(turn, options, submission, typed);
    }
    // The directory cannot tell: the partner's own tenant ID, after a warning.
    if (tenantId === undefined)
      return this.askAgain(options, submission, [t(turn.locale, 'customer.tenantNeeded', { domain: shownDomain })]);
    const shown = { customerDomain: shownDomain, customerTenantId: typed.customerTenantId.trim() };
    return { kind: 'ask', options: { ...options, stage: CONFIRM, problems: [], form: {}, memo: shown } };
  }
}
