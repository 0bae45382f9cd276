/**
 * The start of a claim on one card, as Partner Center has it on one page: the partner
 * location, the customer's domain and tenant, the solution area and activity, and the
 * claim's name. Answering it creates the Draft document; from then on every part is
 * saved to that document as it completes.
 *
 * The card asks as little as it can: one location is shown, not chosen, and several
 * start on the one this partner used last; the tenant is looked up from the domain and
 * taken from the directory without a second card (the summary shows it, and Edit
 * changes it); an empty name becomes one made of the customer and the solution. What
 * it cannot settle alone gets a stage of its own: a domain the directory does not
 * know (go on with the typed tenant, or change it) and revenue association's details.
 * A problem is shown under its input, with everything typed kept.
 */
import {
  areaActivityValue,
  readAreaActivity,
  readClaimName,
  readCustomer,
  readMpnChoice,
  readRevenue,
  renderRevenueDetailsCard,
  renderStartCard,
  renderTenantCheckCard,
  startFieldOf,
  type StartField,
} from '../../cards/render';
import { proposalLines } from '../../cards/proposalNotice';
import type { Problem } from '../../claims/errors';
import type { Activity, Claim, RevenueAssociationDetails, SolutionArea } from '../../claims/model';
import type { ClaimPatch } from '../../claims/statusMachine';
import { readTypedValues } from '../../claims/typedValues';
import {
  CLAIM_NAME_MAX,
  normalizeDomain,
  normalizeGuid,
  normalizeMpnId,
  sameTenant,
  validateClaimName,
  validateDomain,
  validateMpnId,
  validateRevenue,
  validateSection,
  validateTenantId,
} from '../../claims/validation';
import { activityLabel, problemMessages, solutionAreaLabel, t, type Locale } from '../../locales/i18n';
import type { CardSubmission } from '../cardPrompt';
import { draftIdForCard, type DraftFields } from './claimDraft';
import { acceptsSow, askAgainAfterSow } from './sowPrefill';
import { SectionDialog, type CardAsk, type Next, type SectionOptions, type Turn } from './sectionDialog';
import type { ClaimServices } from '../services';

export const START_DIALOG = 'newClaim.start';

/** The directory does not know the domain: go on with the typed tenant, or change it. */
const CONFIRM = 'confirmUnknownDomain';
/** Revenue association's three fields, after the start card. */
const REVENUE = 'revenue';

/** The start card's answers as typed (the card's own input ids), kept in the section's memo between stages. */
type StartAnswers = Record<StartField, string>;

const answersOf = (values: Readonly<Record<string, unknown>>): StartAnswers => ({
  mpnId: readMpnChoice(values).mpnId,
  ...readCustomer(values),
  areaActivity: typeof values.areaActivity === 'string' ? values.areaActivity : '',
  name: readClaimName(values).name,
});

/** What the claim still lacks of what the start card and its revenue card ask. */
const startProblems = (turn: Turn): Problem[] =>
  (['customer', 'areaActivity', 'details'] as const).flatMap((section) =>
    validateSection(turn.claim, section, turn.writer.org),
  );

const isRevenueProblem = (problem: Problem): boolean => problem.field.startsWith('revenue');

/** What a statement of work proposed fills only what the partner has not answered yet. */
const proposalOf = (turn: Turn): Turn['work']['proposal'] =>
  turn.claim.customerDomain === '' ? turn.work.proposal : undefined;

/** The location the card names: the one on record when there is one (the card then sends none), else as chosen. */
function locationOf(org: Turn['writer']['org'], chosen: string): string {
  const [only] = org.locations;
  return chosen === '' && org.locations.length === 1 && only ? only.mpnId : normalizeMpnId(chosen);
}

/** The name an empty name input gives the claim: the customer and the solution, within the length allowed. */
export function proposedClaimName(
  locale: Locale,
  customerDomain: string,
  chosen: { solutionArea: SolutionArea; activity: Activity },
): string {
  const solution = t(locale, 'solution.option', {
    area: solutionAreaLabel(locale, chosen.solutionArea),
    activity: activityLabel(locale, chosen.activity),
  });
  const name = t(locale, 'start.proposedName', { customer: customerDomain.trim(), solution });
  return name.length <= CLAIM_NAME_MAX ? name : `${name.slice(0, CLAIM_NAME_MAX - 1)}…`;
}

export class StartDialog extends SectionDialog {
  constructor(services: ClaimServices) {
    super(START_DIALOG, services, ['location', 'customer', 'solution', 'revenue', 'claimName'], {
      step: 'start',
      title: 'start.title',
    });
  }

  protected isComplete(turn: Turn): boolean {
    return turn.work.claimId !== undefined && startProblems(turn).length === 0;
  }

  /** Straight to revenue association's details when they are all that is missing, or what the partner edits. */
  protected override initialStage(turn: Turn): string | undefined {
    if (turn.claim.activity !== 'revenueAssociation' || turn.work.claimId === undefined) return undefined;
    if (turn.editing) return turn.work.edit === 'revenue' ? REVENUE : undefined;
    return startProblems(turn).every(isRevenueProblem) ? REVENUE : undefined;
  }

  /** A domain, a tenant ID or one of the organisation's MPN IDs typed in the chat goes into the card. */
  protected override readTyped(
    turn: Turn,
    text: string,
    stage: string | undefined,
  ): Record<string, string> | undefined {
    if (stage !== undefined) return undefined;
    const { domain, tenantId, mpnId } = readTypedValues(text);
    const location = mpnId && turn.writer.org.locations.some((l) => l.mpnId === mpnId) ? mpnId : undefined;
    if (domain === undefined && tenantId === undefined && location === undefined) return undefined;
    return {
      ...(location ? { mpnId: location } : {}),
      ...(domain ? { customerDomain: domain } : {}),
      ...(tenantId ? { customerTenantId: tenantId } : {}),
    };
  }

  protected async ask(turn: Turn, options: SectionOptions, stage: string | undefined): Promise<CardAsk | Next> {
    if (stage === CONFIRM) {
      const domain = options.memo?.customerDomain ?? '';
      const tenantId = options.memo?.customerTenantId ?? '';
      return {
        verbs: ['customerConfirmed', 'customerChange'],
        card: (step) => renderTenantCheckCard({ ...step, domain, tenantId }, turn.locale),
      };
    }
    if (stage === REVENUE) {
      const form = options.form;
      return {
        verbs: ['revenueEntered'],
        card: (step) =>
          renderRevenueDetailsCard(
            { ...step, revenue: form ? readRevenue(form) : turn.claim.revenue, problems: options.problems ?? [] },
            turn.locale,
          ),
      };
    }
    const { locations } = turn.writer.org;
    if (locations.length === 0) {
      await this.say(turn, 'mpn.noLocations');
      return { kind: 'stop', result: { outcome: 'noLocations' } };
    }
    const values = options.form ?? (await this.valuesOf(turn));
    const chosen = readAreaActivity(values);
    const domain = values.customerDomain?.trim() ?? '';
    return {
      verbs: ['startEntered'],
      // A signed SOW attached here starts the claim from the document.
      acceptFiles: acceptsSow(turn),
      card: (step) =>
        renderStartCard(
          {
            ...step,
            locations,
            values,
            problems: options.problems ?? [],
            proposal: proposalLines(turn.locale, proposalOf(turn), 'customer'),
            // Only a valid domain names the claim: what fails its check is not proposed back.
            ...(chosen && validateDomain(domain) === undefined
              ? { proposedName: proposedClaimName(turn.locale, domain, chosen) }
              : {}),
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
    if (stage === CONFIRM) {
      const answers = answersOf(options.memo ?? {});
      // Change: the start card again, with everything as typed.
      if (submission.verb === 'customerChange') return this.backToStart(options, answers, []);
      return this.afterCustomer(turn, options, answers, submission);
    }
    if (stage === REVENUE) {
      const revenue = readRevenue(submission.values);
      const problems = validateRevenue(revenue);
      if (problems.length > 0) return this.askAgain(options, submission, problems);
      // From the start card: everything it gathered; editing the details alone: the claim's.
      if (options.memo?.areaActivity) return this.finish(turn, options, answersOf(options.memo), revenue, submission);
      return this.finishPatch(turn, options, { revenue }, options.memo ? answersOf(options.memo) : undefined);
    }
    if (submission.files.length > 0) return askAgainAfterSow(turn, options, submission.files);
    const answers = answersOf(submission.values);
    const problems = this.problemsOf(turn, answers);
    if (problems.length > 0) return this.askAgain(options, submission, problems);
    const customer = await this.checkCustomer(turn, answers);
    if (customer.kind === 'problem') return this.askAgain(options, submission, [customer.problem]);
    if (customer.kind === 'unknown') {
      const memo = { ...options.memo, ...answers };
      return { kind: 'ask', options: { ...options, stage: CONFIRM, problems: [], form: undefined, memo } };
    }
    return this.afterCustomer(turn, options, { ...answers, customerTenantId: customer.tenantId }, submission);
  }

  // ---------------------------------------------------------------- the steps of an answer

  /** The card's values from the claim, a statement of work's proposal, or the last location used. */
  private async valuesOf(turn: Turn): Promise<StartAnswers> {
    const stored = answersOfClaim(turn.claim);
    const proposal = proposalOf(turn);
    return {
      ...stored,
      mpnId: stored.mpnId || ((await this.lastLocation(turn)) ?? ''),
      customerDomain: stored.customerDomain || (proposal?.customerDomain ?? ''),
      customerTenantId: stored.customerTenantId || (proposal?.customerTenantId ?? ''),
    };
  }

  /**
   * The location of this partner's latest claim, among several: most partners claim for
   * one location most of the time. A failed read only leaves the choice open.
   */
  private async lastLocation(turn: Turn): Promise<string | undefined> {
    const { org, actor } = turn.writer;
    if (org.locations.length < 2) return undefined;
    try {
      const latest = await turn.services.claims.listByPartner(org.id, { createdBy: actor.id }, 1);
      const mpnId = latest.items[0]?.mpnId;
      return org.locations.some((l) => l.mpnId === mpnId) ? mpnId : undefined;
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      turn.services.log('warn', 'start.lastLocationUnread', { error: e.name });
      return undefined;
    }
  }

  /** What the card can tell without asking anyone; an empty tenant ID and name are not problems here. */
  private problemsOf(turn: Turn, answers: StartAnswers): Problem[] {
    const { org } = turn.writer;
    const mpnId = locationOf(org, answers.mpnId);
    return [
      validateMpnId(mpnId) ??
        (org.locations.some((l) => l.mpnId === mpnId) ? undefined : { code: 'mpnIdUnknown', field: 'mpnId' }),
      validateDomain(answers.customerDomain),
      answers.customerTenantId.trim() === '' ? undefined : validateTenantId(answers.customerTenantId),
      readAreaActivity(answers) ? undefined : { code: 'required', field: 'solutionArea' },
      answers.name.trim() === '' ? undefined : validateClaimName(answers.name),
    ].filter((p): p is Problem => p !== undefined);
  }

  /**
   * The directory's word on the domain: the tenant to store, a problem with the typed
   * values, or that it cannot tell. A domain and tenant the claim already holds were
   * checked when they were entered: editing the name does not ask about them again.
   */
  private async checkCustomer(
    turn: Turn,
    answers: StartAnswers,
  ): Promise<{ kind: 'tenant'; tenantId: string } | { kind: 'problem'; problem: Problem } | { kind: 'unknown' }> {
    const typedDomain = answers.customerDomain.trim();
    const typedTenant = answers.customerTenantId.trim();
    // Problems name the domain as it is stored ("contoso.com", not "CONTOSO.com.").
    const domain = normalizeDomain(typedDomain) ?? typedDomain;
    const tenantId = typedTenant === '' ? undefined : (normalizeGuid(typedTenant) ?? typedTenant);
    const { claim } = turn;
    const heldAlready =
      turn.work.claimId !== undefined &&
      normalizeDomain(claim.customerDomain) === domain &&
      claim.customerTenantId === tenantId;
    if (heldAlready) return { kind: 'tenant', tenantId: typedTenant };
    const found = await turn.services.tenants.lookup(domain);
    if (found.kind === 'consumer')
      return { kind: 'problem', problem: customerProblem('customerConsumerDomain', 'customerDomain', domain) };
    const resolved =
      found.kind === 'tenant' ? (normalizeGuid(found.tenantId) ?? found.tenantId.toLowerCase()) : tenantId;
    const notACustomer = resolved === undefined ? undefined : this.notACustomer(turn, resolved);
    if (notACustomer) return { kind: 'problem', problem: customerProblem(notACustomer, 'customerTenantId', domain) };
    if (found.kind === 'tenant') {
      if (tenantId === undefined || tenantId === resolved) return { kind: 'tenant', tenantId: resolved ?? '' };
      return {
        kind: 'problem',
        problem: customerProblem('customerTenantMismatch', 'customerTenantId', domain, typedTenant),
      };
    }
    // The directory cannot tell: the partner's own tenant ID, after a warning.
    if (tenantId === undefined)
      return { kind: 'problem', problem: customerProblem('customerTenantNeeded', 'customerTenantId', domain) };
    return { kind: 'unknown' };
  }

  /**
   * The partner's own tenant and the program operator's are no customer (RULES.md, rule 8):
   * their people would approve the consent. The domain rule refuses the first again at every write.
   */
  private notACustomer(turn: Turn, tenantId: string): 'customerIsPartner' | 'customerIsOperator' | undefined {
    if (sameTenant(tenantId, turn.writer.org.id)) return 'customerIsPartner';
    const operator = turn.services.roles.operatorTenantId;
    return operator !== '' && sameTenant(tenantId, operator) ? 'customerIsOperator' : undefined;
  }

  /** Revenue association asks its details next; any other activity is done. */
  private afterCustomer(
    turn: Turn,
    options: SectionOptions,
    answers: StartAnswers,
    submission: CardSubmission,
  ): Promise<Next> | Next {
    const chosen = readAreaActivity(answers);
    if (chosen?.activity === 'revenueAssociation') {
      const memo = { ...options.memo, ...answers };
      return { kind: 'ask', options: { ...options, stage: REVENUE, problems: [], form: undefined, memo } };
    }
    return this.finish(turn, options, answers, undefined, submission);
  }

  /** Creates the draft from the answers, or saves what changed on the claim that exists. */
  private async finish(
    turn: Turn,
    options: SectionOptions,
    answers: StartAnswers,
    revenue: RevenueAssociationDetails | undefined,
    submission: CardSubmission,
  ): Promise<Next> {
    const chosen = readAreaActivity(answers);
    if (!chosen) return this.backToStart(options, answers, [{ code: 'required', field: 'solutionArea' }]);
    const { org } = turn.writer;
    const mpnId = locationOf(org, answers.mpnId);
    const name =
      answers.name.trim() === '' ? proposedClaimName(turn.locale, answers.customerDomain, chosen) : answers.name;
    const fields: DraftFields = {
      mpnId,
      customerDomain: answers.customerDomain.trim(),
      customerTenantId: answers.customerTenantId.trim(),
      ...chosen,
      ...(revenue ? { revenue } : {}),
    };
    if (turn.work.claimId !== undefined) {
      const patch = changesOf(turn.claim, { ...fields, revenue, name });
      return this.finishPatch(turn, options, patch, answers);
    }
    // One id per card: every submit of the same card (a double click, two at once on two
    // instances) creates the same claim, and a retry after a lost answer (kept in the
    // step's options) finds the claim the first attempt created instead of a second one.
    // A claim started from its SOW has its id already: the file is stored under it.
    options.memo = {
      ...options.memo,
      claimId:
        options.memo?.claimId ??
        turn.work.reservedClaimId ??
        (submission.nonce ? draftIdForCard(org.id, submission.nonce) : turn.services.newId()),
    };
    const claimId = options.memo.claimId ?? '';
    const work = { ...turn.work, fields };
    const created = await this.draft.create(turn.context, turn.writer, work, name, claimId);
    if (created.ok) {
      await this.say(turn, 'claimName.created');
      return this.done(turn, { ...work, claimId, fields: {} });
    }
    if (created.error.some((p) => p.code === 'roleNotAllowed')) return this.stop(turn, 'notAllowed');
    if (created.error.some((p) => startFieldOf(p.field) !== undefined))
      return this.backToCard(options, answers, created.error, revenue);
    // An earlier answer no longer holds: say what, and let the flow ask again from the start.
    for (const line of problemMessages(turn.locale, created.error)) await this.sayPlain(turn, line);
    return { kind: 'restart', work: turn.work };
  }

  /** Saves a change to the claim that exists; its problems go back to the card they are about. */
  private async finishPatch(
    turn: Turn,
    options: SectionOptions,
    patch: ClaimPatch,
    answers: StartAnswers | undefined,
  ): Promise<Next> {
    const saved = await this.draft.save(turn.context, turn.writer, turn.work, patch);
    if (saved.ok) return this.done(turn, saved.work);
    if ('stop' in saved) return this.stop(turn, saved.stop);
    return this.backToCard(options, answers ?? answersOfClaim(turn.claim), saved.problems, patch.revenue);
  }

  /** Problems of revenue association's details on their card; any other on the start card. */
  private backToCard(
    options: SectionOptions,
    answers: StartAnswers,
    problems: Problem[],
    revenue: RevenueAssociationDetails | undefined,
  ): Next {
    if (revenue && problems.every(isRevenueProblem)) {
      const memo = { ...options.memo, ...answers };
      return { kind: 'ask', options: { ...options, stage: REVENUE, problems, form: { ...revenue }, memo } };
    }
    return this.backToStart(options, answers, problems);
  }

  private backToStart(options: SectionOptions, answers: StartAnswers, problems: Problem[]): Next {
    return { kind: 'ask', options: { ...options, stage: undefined, problems, form: { ...answers } } };
  }
}

const customerProblem = (code: string, field: StartField, domain: string, tenantId?: string): Problem => ({
  code,
  field,
  params: { domain, ...(tenantId !== undefined ? { tenantId } : {}) },
});

const answersOfClaim = (claim: Claim): StartAnswers => ({
  mpnId: claim.mpnId,
  customerDomain: claim.customerDomain,
  customerTenantId: claim.customerTenantId,
  areaActivity: claim.solutionArea && claim.activity ? areaActivityValue(claim.solutionArea, claim.activity) : '',
  name: claim.name,
});

/**
 * Only what the card changed: a claim waiting for the partner's action allows some
 * fields only, and an unchanged one must not count as an edit of it.
 */
function changesOf(claim: Claim, wanted: DraftFields & { name: string }): ClaimPatch {
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  const normalized = {
    mpnId: normalizeMpnId(wanted.mpnId ?? ''),
    customerDomain: normalizeDomain(wanted.customerDomain ?? '') ?? wanted.customerDomain,
    customerTenantId: normalizeGuid(wanted.customerTenantId ?? '') ?? wanted.customerTenantId,
    solutionArea: wanted.solutionArea,
    activity: wanted.activity,
    revenue: wanted.revenue,
    name: wanted.name,
  };
  const patch: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(normalized))
    if (!same(value, claim[field as keyof typeof normalized])) patch[field] = value;
  return patch as ClaimPatch;
}
