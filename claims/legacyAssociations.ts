/**
 * Associations made before CPOR (docs/RULES.md, rule 4), brought in by the legacy import:
 * - Dynamics 365 and Power BI associations stay valid until their subscription
 *   expires: they become legacy holds on their subscription key with that expiry, and
 *   the scheduler lets them go afterwards (`releaseExpiredLegacy`);
 * - Microsoft 365 associations (and any product without that grace) keep nothing: the
 *   partner must re-associate the customer through a new claim. The import records
 *   them so that "my claims" can tell the partner which customers to claim again.
 */
import { associationKeys, legacyRuleFor } from './associations';
import type { AssociationHold } from './ports';

/** One existing association as the legacy file states it (already validated). */
export interface LegacyAssociation {
  /** The partner organisation (its tenant id). */
  partnerId: string;
  customerTenantId: string;
  customerDomain?: string;
  productId: string;
  subscriptionId?: string;
  /** When the subscription ends (ISO instant); required for products held until expiry. */
  subscriptionExpiresAt?: string;
}

export type LegacyOutcome =
  | { kind: 'hold'; key: string; partnerId: string; expiresAt: string }
  /** Held until expiry, but the subscription has already ended: nothing to hold. */
  | { kind: 'expired'; key: string }
  | { kind: 'reassociate'; partnerId: string; customer: ReassociationCustomer };

/** A customer the partner must claim again, with the workloads it had. */
export interface ReassociationCustomer {
  customerTenantId: string;
  customerDomain?: string;
  productIds: string[];
}

/** What becomes of one legacy association at `now`. */
export function legacyOutcome(association: LegacyAssociation, now: Date): LegacyOutcome {
  const { partnerId, customerTenantId, customerDomain, productId, subscriptionId } = association;
  if (legacyRuleFor(productId) === 'mustReassociate') {
    const customer: ReassociationCustomer = { customerTenantId, productIds: [productId] };
    if (customerDomain) customer.customerDomain = customerDomain;
    return { kind: 'reassociate', partnerId, customer };
  }
  const subscriptions = [{ productId, multiple: false, subscriptionIds: subscriptionId ? [subscriptionId] : [] }];
  const [key] = associationKeys({ customerTenantId, productIds: [productId], subscriptions });
  const expiresAt = association.subscriptionExpiresAt;
  if (key === undefined || expiresAt === undefined)
    throw new RangeError(`legacy ${productId} needs a known product and an expiry`);
  return Date.parse(expiresAt) <= now.getTime()
    ? { kind: 'expired', key }
    : { kind: 'hold', key, partnerId, expiresAt };
}

/** Merges customers by tenant, joining their products (sorted, de-duplicated). */
export function mergeReassociations(customers: readonly ReassociationCustomer[]): ReassociationCustomer[] {
  const byTenant = new Map<string, ReassociationCustomer>();
  for (const customer of customers) {
    const known = byTenant.get(customer.customerTenantId);
    const productIds = [...new Set([...(known?.productIds ?? []), ...customer.productIds])].sort();
    const customerDomain = customer.customerDomain ?? known?.customerDomain;
    byTenant.set(customer.customerTenantId, {
      customerTenantId: customer.customerTenantId,
      productIds,
      ...(customerDomain ? { customerDomain } : {}),
    });
  }
  return [...byTenant.values()].sort((a, b) =>
    (a.customerDomain ?? a.customerTenantId).localeCompare(b.customerDomain ?? b.customerTenantId),
  );
}

/** Where the import keeps the customers each partner must re-associate. */
export interface ReassociationNotices {
  /** Adds these customers (merged with those already recorded for the partner). */
  record(partnerId: string, customers: readonly ReassociationCustomer[]): Promise<void>;
  list(partnerId: string): Promise<ReassociationCustomer[]>;
}

/**
 * The recorded customers whose workloads the partner has not claimed again yet: a
 * workload counts as re-associated once a CPOR claim of this partner holds its key.
 */
export async function pendingReassociations(
  partnerId: string,
  customers: readonly ReassociationCustomer[],
  holderOf: (key: string) => Promise<Pick<AssociationHold, 'partnerId' | 'legacy'> | undefined>,
): Promise<ReassociationCustomer[]> {
  const pending: ReassociationCustomer[] = [];
  for (const customer of customers) {
    const open: string[] = [];
    for (const productId of customer.productIds) {
      const [key] = associationKeys({
        customerTenantId: customer.customerTenantId,
        productIds: [productId],
        subscriptions: [],
      });
      const holder = key === undefined ? undefined : await holderOf(key);
      if (!(holder && holder.partnerId === partnerId && !holder.legacy)) open.push(productId);
    }
    if (open.length > 0) pending.push({ ...customer, productIds: open });
  }
  return pending;
}
