/**
 * The customer: domain name and directory (tenant) ID, checked as typed and then
 * against the tenant directory. A domain the directory gives to another tenant is
 * refused (Partner Center would reject the mismatch); a domain it does not know may go
 * on after a warning, since only the reviewer can tell then.
 */
import { readCustomer, renderCustomerCard, renderTenantCheckCard } from '../../cards/render';
import type { Problem } from '../../claims/errors';
import { normalizeDomain, normalizeGuid, validateDomain, validateTenantId } from '../../claims/validation';
import { readTypedValues } from '../../claims/typedValues';
import { t } from '../../locales/i18n';
import type { CardSubmission } from '../cardPrompt';
import { SectionDialog, type CardAsk, type Next, type SectionOptions, type Turn } from './sectionDialog';
import type { ClaimServices } from '../services';

export const CUSTOMER_DIALOG = 'newClaim.customer';

/** The warning about a domain the directory does not know, with "continue anyway" and "change". */
const CONFIRM = 'confirmUnknownDomain';

const problemsOf = (domain: string, tenantId: string): Problem[] =>
  [validateDomain(domain), validateTenantId(tenantId)].filter((p): p is Problem => p !== undefined);

export class CustomerDialog extends SectionDialog {
  constructor(services: ClaimServices) {
    super(CUSTOMER_DIALOG, services, ['customer'], { step: 'customer', title: 'customer.title' });
  }

  protected isComplete(turn: Turn): boolean {
    return problemsOf(turn.claim.customerDomain, turn.claim.customerTenantId).length === 0;
  }

  /** "fabrikam.com 3f2504e0-…" typed in the chat: both go into the card. */
  protected override readTyped(_turn: Turn, text: string, stage: string | undefined): Record<string, string> | undefined {
    if (stage === CONFIRM) return undefined;
    const { domain, tenantId } = readTypedValues(text);
    if (domain === undefined && tenantId === undefined) return undefined;
    return { ...(domain ? { customerDomain: domain } : {}), ...(tenantId ? { customerTenantId: tenantId } : {}) };
  }

  protected ask(turn: Turn, options: SectionOptions, stage: string | undefined): CardAsk {
    if (stage === CONFIRM) {
      const domain = options.memo?.customerDomain ?? '';
      const tenantId = options.memo?.customerTenantId ?? '';
      return {
        verbs: ['customerConfirmed', 'customerChange'],
        card: (step) => renderTenantCheckCard({ ...step, kind: 'unknownDomain', domain, tenantId }, turn.locale),
      };
    }
    return {
      verbs: ['customerEntered'],
      card: (step) =>
        renderCustomerCard(
          {
            ...step,
            domain: options.form?.customerDomain ?? turn.claim.customerDomain,
            tenantId: options.form?.customerTenantId ?? turn.claim.customerTenantId,
            problems: options.problems ?? [],
          },
          turn.locale,
        ),
    };
  }

  protected async answer(turn: Turn, options: SectionOptions, stage: string | undefined, submission: CardSubmission): Promise<Next> {
    if (stage === CONFIRM) {
      const typed = { customerDomain: options.memo?.customerDomain ?? '', customerTenantId: options.memo?.customerTenantId ?? '' };
      if (submission.verb === 'customerChange') return { kind: 'ask', options: { ...options, stage: undefined, problems: [], form: typed, memo: {} } };
      return this.saveAndFinish(turn, options, undefined, typed);
    }
    const typed = readCustomer(submission.values);
    const problems = problemsOf(typed.customerDomain, typed.customerTenantId);
    if (problems.length > 0) return this.askAgain(options, submission, problems);

    const domain = normalizeDomain(typed.customerDomain) ?? typed.customerDomain;
    const tenantId = normalizeGuid(typed.customerTenantId) ?? typed.customerTenantId;
    const directoryTenant = await turn.services.tenants.tenantOfDomain(domain);
    if (directoryTenant === undefined) {
      const shown = { customerDomain: typed.customerDomain.trim(), customerTenantId: typed.customerTenantId.trim() };
      return { kind: 'ask', options: { ...options, stage: CONFIRM, problems: [], form: {}, memo: shown } };
    }
    if ((normalizeGuid(directoryTenant) ?? directoryTenant.toLowerCase()) !== tenantId) {
      const mismatch = t(turn.locale, 'customer.mismatch', { domain: typed.customerDomain.trim(), tenantId: typed.customerTenantId.trim() });
      return this.askAgain(options, submission, [mismatch]);
    }
    return this.saveAndFinish(turn, options, submission, typed);
  }
}
