/**
 * A claim's life after submission as an application service over the ports: reads the
 * claim, checks who is asking (role AND organisation), applies the status machine,
 * records the notifications in the same ETag-guarded write (outbox), and keeps the
 * association holds in step with the status.
 *
 * Expected refusals come back as `Result` values with problem codes. A write that loses
 * an ETag race is retried once on a fresh read; a second loss is `concurrencyConflict`.
 *
 * Who may ask:
 * - partner roles only for their own organisation's claims (`tenantId` = the claim's
 *   `partnerId`), and an incentives admin must be listed as one in the partner directory;
 * - reviewers as the partner directory lists them for their tenant (the operator's), and
 *   never on a claim of their own tenant or one they filed or edited (separation of duties);
 * - the customer only as the claim's customer contact (`actor.id` is the email);
 * - the system only through `closeDue`.
 * Asking about a claim outside one's reach answers `notFound`, so ids reveal nothing.
 */
import { AssociationConflict, ConcurrencyConflict, fail, ok, type Problem, type Result } from './errors';
import { PROGRAM_OPT_OUT_WINDOW, type BusinessCalendar } from './calendar';
import { changeClaim, withOutbox } from './claimChange';
import { addComment, MAX_POE_FILES } from './claimEdits';
import { checkContacts, consentAddressCleared, isConfirmed, withContactMarks } from './contactCheck';
import type { Actor, Claim, ContactRole, PartnerOrganisation, PoeFile, RejectionReason, Versioned } from './model';
import { errorName, outboxFor, releasedKeys, silentLog, type EngineLog } from './notifications';
import { hasRole } from './organisations';
import { separationProblems } from './separationOfDuties';
import {
  systemClock,
  type AssociationStore,
  type ClaimRepository,
  type Clock,
  type PartnerDirectory,
  type TenantDirectory,
} from './ports';
import { applyEvent, type ClaimEvent } from './statusMachine';
import { STATUS_TRAITS, statusTimerOf, timerEventType } from './statusTraits';

export interface ClaimRef {
  partnerId: string;
  claimId: string;
}

/** Who is asking: the actor, and for Teams users the tenant they signed in from. */
export interface Caller {
  actor: Actor;
  /** The AAD tenant of a partner user or reviewer; not used for customers. */
  tenantId?: string;
}

export type CustomerDecision = 'approve' | 'optOut';

export type LifecycleResult = Result<Versioned<Claim>, Problem[]>;

/** A claim after `closeDue`, and whether this call wrote its timer's transition. */
export type TimerOutcome = Versioned<Claim> & { transitioned: boolean };

export interface ClaimLifecycleOptions {
  claims: ClaimRepository;
  associations: AssociationStore;
  partners: PartnerDirectory;
  calendar: BusinessCalendar;
  clock?: Clock;
  /** Business days ("5") or an ISO-8601 duration ("PT2M"); default 5 business days. */
  optOutWindow?: string;
  /** Business days a partner has to answer a request for more information; default 14. */
  infoDeadlineBusinessDays?: number;
  log?: EngineLog;
  /**
   * Checks the contacts' addresses against their tenants at submission and approval
   * (the app passes its tenant directory); without it they are not checked.
   */
  contactTenants?: TenantDirectory;
}

/** What one attempt decided: a new claim to write, a refusal, or nothing to do. */
type Decision = Result<Claim, Problem[]> | 'unchanged';
type Decide = (claim: Claim, now: Date, org: PartnerOrganisation | undefined) => Promise<Decision> | Decision;

const SCHEDULER: Actor = { role: 'system', id: 'scheduler' };
const WRITE_ATTEMPTS = 2;

const problem = (code: string, field: string, params?: Problem['params']): Problem =>
  params ? { code, field, params } : { code, field };
const notFound = (): Problem[] => [problem('notFound', 'claim')];
const sameEmail = (a: string | undefined, b: string): boolean =>
  a !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();

export class ClaimLifecycle {
  /** The opt-out window as configured ("5", "PT2M"): what the copy says the customer has. */
  readonly optOutWindow: string;
  private readonly claims: ClaimRepository;
  private readonly associations: AssociationStore;
  private readonly partners: PartnerDirectory;
  private readonly calendar: BusinessCalendar;
  private readonly clock: Clock;
  private readonly windowCloses: (from: Date) => Date;
  private readonly infoDeadlineBusinessDays: number;
  private readonly log: EngineLog;
  private readonly tenants: TenantDirectory | undefined;

  /** Throws RangeError for a bad window or deadline setting: configuration fails at start-up. */
  constructor(options: ClaimLifecycleOptions) {
    this.claims = options.claims;
    this.associations = options.associations;
    this.partners = options.partners;
    this.calendar = options.calendar;
    this.clock = options.clock ?? systemClock;
    this.optOutWindow = options.optOutWindow ?? PROGRAM_OPT_OUT_WINDOW;
    this.windowCloses = options.calendar.parseWindow(this.optOutWindow);
    this.infoDeadlineBusinessDays = options.infoDeadlineBusinessDays ?? 14;
    if (!Number.isInteger(this.infoDeadlineBusinessDays) || this.infoDeadlineBusinessDays < 1) {
      throw new RangeError(
        `the answer deadline must be a whole number of business days, got ${this.infoDeadlineBusinessDays}`,
      );
    }
    this.log = options.log ?? silentLog;
    this.tenants = options.contactTenants;
  }

  submit(ref: ClaimRef, by: Caller): Promise<LifecycleResult> {
    return this.run(ref, by, (claim, now, organisation) =>
      this.withContactsChecked(claim, () => applyEvent(claim, { type: 'submit', organisation }, by.actor, now)),
    );
  }

  startReview(ref: ClaimRef, by: Caller): Promise<LifecycleResult> {
    return this.apply(ref, by, () => ({ type: 'startReview' }));
  }

  requestInfo(ref: ClaimRef, by: Caller, reasonCodes: readonly string[], note?: string): Promise<LifecycleResult> {
    return this.apply(ref, by, (_claim, now) => ({
      type: 'requestInfo',
      reasonCodes,
      note,
      deadlineAt: this.calendar.addBusinessDays(now, this.infoDeadlineBusinessDays),
    }));
  }

  resubmit(ref: ClaimRef, by: Caller): Promise<LifecycleResult> {
    return this.run(ref, by, (claim, now, organisation) =>
      this.withContactsChecked(claim, () => applyEvent(claim, { type: 'resubmit', organisation }, by.actor, now)),
    );
  }

  /**
   * A reviewer confirms an address the directory could not verify (a card action,
   * recorded in the history): the consent request may then go to it. Only while the
   * claim awaits the review; a changed address needs confirming again.
   */
  confirmContact(ref: ClaimRef, by: Caller, role: ContactRole): Promise<LifecycleResult> {
    return this.run(ref, by, (claim, now) => {
      if (by.actor.role !== 'reviewer') return fail([problem('roleNotAllowed', 'actor', { role: by.actor.role })]);
      if (claim.status !== 'submitted' && claim.status !== 'underReview')
        return fail([problem('contactNotConfirmable', `${role}.email`, { status: claim.status })]);
      const email = claim[role]?.email?.trim();
      if (!email) return fail([problem('contactNotConfirmable', `${role}.email`, { status: claim.status })]);
      if (isConfirmed(claim, role)) return 'unchanged';
      const at = now.toISOString();
      const confirmedContacts = [
        ...(claim.confirmedContacts ?? []).filter((c) => c.role !== role),
        { role, email, by: by.actor.id, at },
      ];
      const history = [
        ...claim.history,
        { at, actor: by.actor, event: 'contactConfirmed', from: claim.status, to: claim.status, note: email },
      ];
      return ok({ ...claim, confirmedContacts, history, updatedAt: at });
    });
  }

  reject(ref: ClaimRef, by: Caller, reason?: RejectionReason, note?: string): Promise<LifecycleResult> {
    return this.apply(ref, by, () => ({ type: 'reject', reason, note }));
  }

  withdraw(ref: ClaimRef, by: Caller, note?: string): Promise<LifecycleResult> {
    return this.apply(ref, by, () => ({ type: 'withdraw', note }));
  }

  /** Disputes a rejection (once, within 30 days), optionally adding new proof of execution. */
  dispute(ref: ClaimRef, by: Caller, justification: string, newPoe: readonly PoeFile[] = []): Promise<LifecycleResult> {
    return this.run(ref, by, (claim, now) => {
      const disputed = applyEvent(claim, { type: 'dispute', justification }, by.actor, now);
      if (!disputed.ok || newPoe.length === 0) return disputed;
      const ids = [...claim.poe, ...newPoe].map((file) => file.id);
      const problems: Problem[] = [];
      if (new Set(ids).size !== ids.length) problems.push(problem('poeDuplicate', 'poe'));
      if (ids.length > MAX_POE_FILES) problems.push(problem('tooManyPoe', 'poe', { max: MAX_POE_FILES }));
      if (problems.length > 0) return fail(problems);
      return ok(changeClaim(disputed.value, { poe: [...disputed.value.poe, ...newPoe] }, now));
    });
  }

  /**
   * Adds to the comments thread both sides see: a partner's incentives admin at any time,
   * a reviewer once submitted. `commentId` lets a double-clicked card add it only once.
   */
  comment(ref: ClaimRef, by: Caller, text: string, commentId?: string): Promise<LifecycleResult> {
    return this.run(ref, by, (claim, now) => {
      if (commentId !== undefined && claim.comments.some((c) => c.id === commentId)) return 'unchanged';
      return addComment(claim, text, by.actor, now, commentId);
    });
  }

  /** Ends an official association; the reason is required and the keys are given back. */
  disassociate(ref: ClaimRef, by: Caller, reason: string): Promise<LifecycleResult> {
    return this.apply(ref, by, () => ({ type: 'disassociate', reason }));
  }

  /**
   * The customer's answer. Idempotent: repeating the same decision succeeds without a
   * change; a different decision after the first is refused (`customerAlreadyDecided`).
   * Approving after the window already made the association official changes nothing.
   */
  customerDecision(ref: ClaimRef, by: Caller, decision: CustomerDecision, note?: string): Promise<LifecycleResult> {
    const eventType = decision === 'approve' ? 'customerApprove' : 'customerOptOut';
    return this.run(ref, by, (claim, now) => {
      const earlier = claim.history.filter((h) => h.event === 'customerApprove' || h.event === 'customerOptOut').at(-1);
      if (earlier) {
        if (earlier.event === eventType) return 'unchanged';
        return fail([
          problem('customerAlreadyDecided', 'decision', {
            decision: earlier.event === 'customerApprove' ? 'approve' : 'optOut',
          }),
        ]);
      }
      if (claim.status === 'associated' && claim.history.some((h) => h.event === 'windowClosed')) {
        return decision === 'approve' ? 'unchanged' : fail([problem('optOutWindowClosed', 'windowClosesAt')]);
      }
      const event: ClaimEvent = decision === 'approve' ? { type: 'customerApprove' } : { type: 'customerOptOut', note };
      return applyEvent(claim, event, by.actor, now);
    });
  }

  /**
   * Approves: takes the claim's association keys (all or none), then writes the
   * approval recording them with the window's close and the outbox, then confirms the
   * holds. A key another partner holds refuses the approval (`keyHeldByAnotherPartner`,
   * one problem per key, never naming the holder) and changes nothing. When the write is
   * lost for good, the keys this call took are given back unless the claim that won
   * records them (the same approval, e.g. a double click).
   */
  async approve(ref: ClaimRef, by: Caller, note?: string): Promise<LifecycleResult> {
    const taken = new Set<string>();
    let result: LifecycleResult | undefined;
    try {
      result = await this.run(ref, by, async (claim, now) => {
        const checked = await this.withContactsChecked(claim, () =>
          applyEvent(claim, { type: 'approve', windowClosesAt: this.windowCloses(now), note }, by.actor, now),
        );
        if (!checked.ok) return checked;
        // The consent request goes to the customer's contact: an address nobody could verify needs a reviewer's confirmation first.
        if (!consentAddressCleared(checked.value))
          return fail([
            problem('contactUnconfirmed', 'customerContact.email', { email: claim.customerContact?.email ?? '' }),
          ]);
        const approved = checked;
        const keys = approved.value.heldKeys;
        try {
          await this.associations.acquire(claim.partnerId, claim.id, keys);
        } catch (e) {
          if (e instanceof AssociationConflict) return fail(await this.contestedKeyProblems(claim.partnerId, e.keys));
          throw e;
        }
        keys.forEach((key) => taken.add(key));
        return approved;
      });
    } finally {
      if (!result?.ok && taken.size > 0) await this.giveBackUnrecorded(ref, [...taken]);
    }
    if (result.ok) await this.confirmHolds(result.value.value);
    return result;
  }

  /**
   * For the scheduler: applies what time decides for a claim `listDue` returned (window
   * closed → associated; answer deadline missed → rejected, no partner response).
   * Succeeds unchanged when no timer has passed (only its outbox was due, or another
   * instance already closed it); `transitioned` tells the two apart, since both come back
   * as a newer version than the one listed.
   */
  async closeDue(claim: Versioned<Claim>): Promise<Result<TimerOutcome, Problem[]>> {
    const ref = { partnerId: claim.value.partnerId, claimId: claim.value.id };
    const outcome = await this.attempt(
      ref,
      { actor: SCHEDULER },
      (current, now) => {
        const event = timerEventOf(current, now);
        return event ? applyEvent(current, event, SCHEDULER, now) : 'unchanged';
      },
      claim,
    );
    return outcome.ok ? ok({ ...outcome.value.claim, transitioned: outcome.value.wrote }) : outcome;
  }

  /** The transition `decide` makes, refused when a contact's address is another organisation's, else with the contacts' marks. */
  private async withContactsChecked(
    claim: Claim,
    decide: () => Result<Claim, Problem[]>,
  ): Promise<Result<Claim, Problem[]>> {
    const decided = decide();
    if (!decided.ok || !this.tenants) return decided;
    const { problems, unverified } = await checkContacts(claim, this.tenants);
    if (problems.length > 0) return fail(problems);
    return ok(withContactMarks(decided.value, unverified));
  }

  private apply(
    ref: ClaimRef,
    by: Caller,
    eventOf: (claim: Claim, now: Date, org: PartnerOrganisation | undefined) => ClaimEvent,
  ): Promise<LifecycleResult> {
    return this.run(ref, by, (claim, now, org) => applyEvent(claim, eventOf(claim, now, org), by.actor, now));
  }

  /**
   * Read, check the caller, decide, write with the read's ETag; once more on a lost race.
   * `first` lets the scheduler start from the version it already read.
   */
  private async run(ref: ClaimRef, by: Caller, decide: Decide, first?: Versioned<Claim>): Promise<LifecycleResult> {
    const outcome = await this.attempt(ref, by, decide, first);
    return outcome.ok ? ok(outcome.value.claim) : outcome;
  }

  /** `run`, also telling whether this call wrote the claim or found nothing (left) to do. */
  private async attempt(
    ref: ClaimRef,
    by: Caller,
    decide: Decide,
    first?: Versioned<Claim>,
  ): Promise<Result<{ claim: Versioned<Claim>; wrote: boolean }, Problem[]>> {
    let known = first;
    for (let attempt = 1; ; attempt += 1) {
      const loaded = await this.load(ref, by, known);
      known = undefined;
      if (!loaded.ok) return loaded;
      const { claim, org } = loaded.value;
      const now = this.clock.now();
      const decision = await decide(claim.value, now, org);
      if (decision === 'unchanged') return ok({ claim, wrote: false });
      if (!decision.ok) return decision;
      try {
        return ok({ claim: await this.commit(claim, decision.value, now), wrote: true });
      } catch (e) {
        if (!(e instanceof ConcurrencyConflict)) throw e;
        if (attempt >= WRITE_ATTEMPTS) return fail([problem('concurrencyConflict', 'claim')]);
      }
    }
  }

  /** The claim and, for partner roles, its organisation, if the caller may act on it. */
  private async load(
    ref: ClaimRef,
    by: Caller,
    known?: Versioned<Claim>,
  ): Promise<Result<{ claim: Versioned<Claim>; org?: PartnerOrganisation }, Problem[]>> {
    const { role } = by.actor;
    const partnerRole = role === 'partnerAdmin' || role === 'partnerUser';
    // A partner asking about another organisation's partition learns nothing, not even that the claim exists.
    if (partnerRole && by.tenantId !== ref.partnerId) return fail(notFound());
    if (role === 'system' && by.actor !== SCHEDULER) return fail([problem('roleNotAllowed', 'actor', { role })]);
    if (
      role === 'reviewer' &&
      !(by.tenantId !== undefined && (await this.partners.isReviewer(by.tenantId, by.actor.id)))
    ) {
      return fail([problem('roleNotAllowed', 'actor', { role })]);
    }
    const claim = known ?? (await this.claims.get(ref.partnerId, ref.claimId));
    if (!claim) return fail(notFound());
    if (role === 'customer' && !sameEmail(claim.value.customerContact?.email, by.actor.id)) return fail(notFound());
    if (role === 'reviewer') {
      const conflicts = separationProblems(claim.value, { id: by.actor.id, tenantId: by.tenantId });
      if (conflicts.length > 0) return fail(conflicts);
    }
    if (!partnerRole) return ok({ claim });
    const org = await this.partners.get(ref.partnerId);
    if (role === 'partnerAdmin' && !hasRole(org, { aadObjectId: by.actor.id }, 'incentivesAdmin', ''))
      return fail([problem('roleNotAllowed', 'actor', { role })]);
    return ok(org ? { claim, org } : { claim });
  }

  /** Writes the transition with its outbox; then gives back keys the claim stopped holding. */
  private async commit(before: Versioned<Claim>, after: Claim, now: Date): Promise<Versioned<Claim>> {
    const messages = outboxFor(before.value, after, now);
    const written = await this.claims.replace(withOutbox(after, [...after.outbox, ...messages]), before.etag);
    const released = releasedKeys(before.value, written.value);
    if (released.length > 0) {
      // The outbox's releaseHolds message repeats this if we die or fail here.
      try {
        await this.associations.release(written.value.partnerId, written.value.id, released);
      } catch (e) {
        this.log('warn', 'lifecycle.releaseDeferred', { claimId: written.value.id, error: errorName(e) });
      }
    }
    return written;
  }

  private async confirmHolds(claim: Claim): Promise<void> {
    try {
      await this.associations.confirm(claim.partnerId, claim.id, claim.heldKeys);
    } catch (e) {
      // Pending holds the claim records are confirmed by the scheduler's repair pass. A
      // conflict here means a key was lost between acquire and confirm: operators must look.
      this.log(e instanceof AssociationConflict ? 'error' : 'warn', 'lifecycle.confirmDeferred', {
        claimId: claim.id,
        error: errorName(e),
      });
    }
  }

  private async contestedKeyProblems(partnerId: string, keys: readonly string[]): Promise<Problem[]> {
    const problems: Problem[] = [];
    for (const key of keys) {
      const holder = await this.associations.holderOf(key);
      // The partner's own other claim is worth telling apart: it is theirs to withdraw.
      const own = holder !== undefined && holder.partnerId === partnerId && !holder.legacy;
      problems.push(
        own
          ? problem('keyHeldByOwnClaim', 'productIds', { key })
          : problem('keyHeldByAnotherPartner', 'productIds', { key }),
      );
    }
    return problems;
  }

  private async giveBackUnrecorded(ref: ClaimRef, keys: string[]): Promise<void> {
    try {
      const current = await this.claims.get(ref.partnerId, ref.claimId);
      const recorded = new Set(current?.value.heldKeys ?? []);
      const unrecorded = keys.filter((key) => !recorded.has(key));
      if (unrecorded.length > 0) await this.associations.release(ref.partnerId, ref.claimId, unrecorded);
    } catch (e) {
      // Left pending and unrecorded: the scheduler's repair pass deletes them.
      this.log('warn', 'lifecycle.giveBackDeferred', { claimId: ref.claimId, error: errorName(e) });
    }
  }
}

/** The event time has made due for this claim at `now`, if any. */
export function timerEventOf(claim: Claim, now: Date): ClaimEvent | undefined {
  const timer = STATUS_TRAITS[claim.status].timer;
  const until = statusTimerOf(claim);
  if (timer === null || until === undefined || Date.parse(until) > now.getTime()) return undefined;
  return { type: timerEventType(timer) };
}
