/**
 * Role management as an application service over the directory: read the entry, let
 * the rules of organisations.ts decide (who may, what changes, what the audit trail
 * records), write with the read's ETag. The change and its record are one write, so
 * neither exists without the other; a write that loses a race is decided again on a
 * fresh read, once.
 */
import { ConcurrencyConflict, DomainError, fail, ok, type Problem, type Result } from './errors';
import type { AccessRequest, OrganisationRole, PartnerOrganisation, PartnerRole, Versioned } from './model';
import {
  decideAccess,
  grantRole,
  onboardPartner,
  requestAccess,
  revokeRole,
  setSuspended,
  type OnboardingInput,
  type RoleActor,
} from './organisations';
import { systemClock, type Clock, type OrganisationStore } from './ports';

export interface RoleAdminOptions {
  organisations: OrganisationStore;
  clock?: Clock;
  newId: () => string;
}

type OrgResult = Result<PartnerOrganisation, Problem[]>;
type RequestResult = Result<{ org: PartnerOrganisation; request: AccessRequest }, Problem[]>;
type Change = (org: PartnerOrganisation, now: Date) => Result<PartnerOrganisation | 'unchanged', Problem[]>;

const WRITE_ATTEMPTS = 2;
const gone = (): Problem[] => [{ code: 'organisationNotFound', field: 'organisation' }];
const conflict = (): Problem[] => [{ code: 'concurrencyConflict', field: 'organisation' }];

export class RoleAdmin {
  private readonly store: OrganisationStore;
  private readonly clock: Clock;

  constructor(private readonly options: RoleAdminOptions) {
    this.store = options.organisations;
    this.clock = options.clock ?? systemClock;
  }

  get operatorTenantId(): string {
    return this.store.operatorTenantId;
  }

  grant(orgId: string, role: OrganisationRole, whom: string, by: RoleActor): Promise<OrgResult> {
    return this.change(orgId, (org, now) => grantRole(org, role, whom, by, this.operatorTenantId, now));
  }

  revoke(orgId: string, role: OrganisationRole, whom: string, by: RoleActor): Promise<OrgResult> {
    return this.change(orgId, (org, now) => revokeRole(org, role, whom, by, this.operatorTenantId, now));
  }

  async setSuspended(orgId: string, suspended: boolean, by: RoleActor): Promise<OrgResult> {
    const operator = await this.store.get(this.operatorTenantId);
    return this.change(orgId, (org, now) => setSuspended(org, suspended, by, operator, this.operatorTenantId, now));
  }

  /** Creates the partner's entry; a tenant onboarded meanwhile by someone else is `organisationExists`. */
  async onboard(input: OnboardingInput, by: RoleActor): Promise<OrgResult> {
    const [operator, existing] = await Promise.all([
      this.store.get(this.operatorTenantId),
      tenantOf(input) ? this.store.get(tenantOf(input)) : undefined,
    ]);
    const decided = onboardPartner(input, by, operator, this.operatorTenantId, existing, this.clock.now());
    if (!decided.ok) return decided;
    try {
      return ok((await this.store.create(decided.value)).value);
    } catch (e) {
      if (e instanceof DomainError && e.code === 'organisationExists')
        return fail([{ code: 'organisationExists', field: 'id' }]);
      throw e;
    }
  }

  /** A role-less user of `orgId`'s tenant asks for `role`; the request waits in the entry for an owner. */
  requestAccess(orgId: string, role: PartnerRole, by: RoleActor): Promise<RequestResult> {
    const id = this.options.newId();
    return this.withRequest(orgId, (org, now) => requestAccess(org, by, role, id, this.operatorTenantId, now));
  }

  /** An owner's answer to a waiting request. */
  decideAccess(orgId: string, requestId: string, grant: boolean, by: RoleActor): Promise<RequestResult> {
    return this.withRequest(orgId, (org, now) => decideAccess(org, requestId, grant, by, this.operatorTenantId, now));
  }

  /** A change that concerns one access request, answering the entry written and the request. */
  private async withRequest(
    orgId: string,
    decide: (org: PartnerOrganisation, now: Date) => RequestResult,
  ): Promise<RequestResult> {
    let request: AccessRequest | undefined;
    const written = await this.change(orgId, (org, now) => {
      const decided = decide(org, now);
      if (!decided.ok) return decided;
      request = decided.value.request;
      return ok(decided.value.org);
    });
    if (!written.ok) return written;
    return request ? ok({ org: written.value, request }) : fail(gone());
  }

  private async change(orgId: string, decide: Change): Promise<OrgResult> {
    for (let attempt = 1; ; attempt += 1) {
      const current: Versioned<PartnerOrganisation> | undefined = await this.store.getVersioned(orgId);
      if (!current) return fail(gone());
      const decided = decide(current.value, this.clock.now());
      if (!decided.ok) return decided;
      if (decided.value === 'unchanged') return ok(current.value);
      try {
        return ok((await this.store.replace(decided.value, current.etag)).value);
      } catch (e) {
        if (!(e instanceof ConcurrencyConflict)) throw e;
        if (attempt >= WRITE_ATTEMPTS) return fail(conflict());
      }
    }
  }
}

const tenantOf = (input: OnboardingInput): string => input.tenantId.trim().toLowerCase();
