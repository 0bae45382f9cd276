/**
 * The claim and the people around it: the shape every layer agrees on.
 * Pure data (JSON-serialisable) so a claim is one Cosmos DB document as it is.
 */

export type SolutionArea = 'microsoft365' | 'businessApplications';

/**
 * Microsoft 365 claims are usage claims (OSU Microsoft 365). Business Applications
 * offers usage and/or pre-sales (OSU Business Applications, OSA) or revenue association.
 */
export type Activity = 'usage' | 'usageOrPresales' | 'revenueAssociation';

export const CLAIM_STATUSES = [
  'draft',
  'submitted',
  'underReview',
  'partnerActionRequired',
  'approvedCustomerNotified',
  'associated',
  'rejected',
  'dispute',
  'rejectedFinal',
] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export type ActorRole = 'partnerAdmin' | 'partnerUser' | 'reviewer' | 'customer' | 'system';

/** Who did something. `id` is an AAD object id, a contact email for customers, or a job name. */
export interface Actor {
  role: ActorRole;
  id: string;
  name?: string;
  /**
   * The language the person was using (a Teams user's locale, a BCP 47 tag), when the
   * channel says. The claim keeps it as `filedLocale`; history entries, comments and
   * `createdBy` record who, not in which language (see `recordedActor`).
   */
  locale?: string;
}

/** The three contacts a claim names. */
export type ContactRole = 'customerContact' | 'technicalContact' | 'partnerContact';

/** A reviewer's confirmation that an address the directory could not verify is the right one. */
export interface ContactConfirmation {
  role: ContactRole;
  /** The address confirmed: a changed address needs confirming again. */
  email: string;
  by: string;
  at: string;
}

export interface Contact {
  name: string;
  title?: string;
  email: string;
}

/**
 * The fields of a contact, in the order cards show them. The check below fails
 * compilation until a field added to Contact is listed here, and the contact-fields
 * test then names every card, reader and check that does not handle it yet.
 */
export const CONTACT_FIELDS = ['name', 'title', 'email'] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];
export const CONTACT_FIELDS_ARE_COMPLETE: [keyof Contact] extends [ContactField]
  ? [ContactField] extends [keyof Contact]
    ? true
    : never
  : never = true;

/** Revenue association replaces some questions with these three. */
export interface RevenueAssociationDetails {
  solutionSellerName: string;
  customerName: string;
  isvSolutionName: string;
}

/** A Dynamics 365 product's subscriptions at the customer, as the partner states them. */
export interface ProductSubscriptions {
  productId: string;
  /** The customer has more than one subscription of this product (then ids are required). */
  multiple: boolean;
  subscriptionIds: string[];
}

export type EvidenceKind = 'pdf' | 'docx' | 'xlsx' | 'pptx' | 'doc' | 'xls' | 'ppt' | 'png' | 'jpeg' | 'msg' | 'eml';

/** Metadata of one proof-of-execution file; the bytes live in Blob storage under `blobName`. */
export interface PoeFile {
  id: string;
  fileName: string;
  kind: EvidenceKind;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  blobName: string;
  uploadedAt: string;
  uploadedBy: Actor;
  /** What the machine read in the file, against the reviewers' reasons; absent for files stored before the check existed. */
  check?: PoeFileCheck;
}

/** The reviewers' reasons a machine can look for in a file's text. */
export const POE_CHECK_REASONS = ['customerAcknowledgement', 'dates', 'partnerSolution', 'products'] as const;
export type PoeCheckReason = (typeof POE_CHECK_REASONS)[number];

/** Why a finding was not found, when there is more to say than "not found". */
export type PoeFindingDetail = 'none' | 'tooOld' | 'noPartnerName' | 'noWorkDescription' | 'noProductsClaimed';

/** One reason's result for one file: found with a short phrase from the file as evidence, or not. */
export interface PoeFinding {
  reason: PoeCheckReason;
  found: boolean;
  /** A short phrase from the document (at most a line); never more of its text. */
  evidence?: string;
  detail?: PoeFindingDetail;
  /** Dates: the latest day found, `YYYY-MM-DD`. */
  latestDay?: string;
  /** Products: every catalog product the file names, whether claimed or not, with its phrase. */
  products?: { productId: string; evidence: string }[];
}

/** Why a file's text could not be read; a reviewer reads it instead. */
export type PoeUnreadable = 'image' | 'noText' | 'legacyFormat' | 'tooLarge' | 'timeout' | 'damaged';

export type PoeFileCheck =
  | { status: 'checked'; checkedAt: string; findings: PoeFinding[] }
  | { status: 'unreadable'; checkedAt: string; why: PoeUnreadable };

export interface ClaimComment {
  id: string;
  author: Actor;
  text: string;
  at: string;
}

/** Why a reviewer asks for more information: the reason codes the partner is shown. */
export const INFO_REQUEST_REASONS = [
  'missingAllPoe',
  'missingCustomerAcknowledgement',
  'missingOrOldDates',
  'missingPartnerSolutionOrService',
  'missingProducts',
] as const;
export type InfoRequestReason = (typeof INFO_REQUEST_REASONS)[number];

export const REJECTION_REASONS = [
  'insufficientPoe',
  'noPartnerResponse',
  'customerDeclined',
  'partnerRequest',
  'disputeLost',
  'disassociated',
  'other',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export interface HistoryEntry {
  at: string;
  actor: Actor;
  event: string;
  from: ClaimStatus | null;
  to: ClaimStatus;
  reason?: string;
  reasonCodes?: string[];
  note?: string;
}

/** A side effect recorded in the same write as the transition that causes it (outbox). */
export interface OutboxMessage {
  id: string;
  kind: string;
  createdAt: string;
  attempts: number;
  nextAttemptAt: string;
  /**
   * While a dispatcher is delivering this message, until when it may; others leave it
   * alone until then, and pick it up again after if that dispatcher died.
   */
  leaseUntil?: string;
  payload?: Record<string, string | number | boolean | string[]>;
}

export interface Claim {
  id: string;
  /** The partner organisation: its Teams (AAD) tenant id. Partition key. */
  partnerId: string;
  type: 'claim';
  name: string;
  mpnId: string;
  customerDomain: string;
  customerTenantId: string;
  solutionArea?: SolutionArea;
  activity?: Activity;
  productIds: string[];
  subscriptions: ProductSubscriptions[];
  customerContact?: Contact;
  technicalContact?: Contact;
  partnerContact?: Contact;
  /**
   * Contacts whose email domain the tenant directory could not tie to their
   * organisation when last checked (typing, submit, approval): shown to the reviewer.
   */
  unverifiedContacts?: ContactRole[];
  /** Unverified addresses a reviewer confirmed by hand (also in the history). */
  confirmedContacts?: ContactConfirmation[];
  revenue?: RevenueAssociationDetails;
  poe: PoeFile[];
  comments: ClaimComment[];
  status: ClaimStatus;
  history: HistoryEntry[];
  /**
   * The language the claim was filed in: the filer's locale when it was created, then
   * when it was (re)submitted. The customer's consent request is written in it. Claims
   * filed before it was recorded have none (the consent mail falls back, see
   * bot/consent/consentLanguage.ts).
   */
  filedLocale?: string;
  createdBy: Actor;
  createdAt: string;
  updatedAt: string;
  submittedAt?: string;
  /** Partner action required: the reasons asked and the answer deadline. */
  infoRequest?: { reasonCodes: InfoRequestReason[]; note?: string; deadlineAt: string };
  /** Approved — customer notified: when the opt-out window closes. */
  windowClosesAt?: string;
  rejection?: { reason: RejectionReason; note?: string; at: string };
  /** A rejection may be disputed once. */
  disputed: boolean;
  /** Association keys held while approved or associated. */
  heldKeys: string[];
  /**
   * When the scheduler should next look at this claim (indexed): the earliest of the
   * status timer (window close, answer deadline) and the outbox's next attempt.
   */
  dueAt?: string;
  outbox: OutboxMessage[];
}

/** A claim with the concurrency token the store returned with it. */
export interface Versioned<T> {
  value: T;
  etag: string;
}

export type OrganisationType = 'partner' | 'operator';

/** Roles within a partner organisation, granted by its owners. */
export const PARTNER_ROLES = ['owner', 'incentivesAdmin', 'viewer'] as const;
/** Roles within the operator organisation, granted by operator admins. */
export const OPERATOR_ROLES = ['reviewer', 'operatorAdmin'] as const;
export type PartnerRole = (typeof PARTNER_ROLES)[number];
export type OperatorRole = (typeof OPERATOR_ROLES)[number];
export type OrganisationRole = PartnerRole | OperatorRole;

/** One entry of an organisation's audit trail: who did what to whom, and when. */
export interface RoleChange {
  at: string;
  /** AAD object id of the person who made the change ('seed' for a bulk import). */
  by: string;
  byName?: string;
  action: 'grant' | 'revoke' | 'onboard' | 'suspend' | 'reinstate' | 'declineAccess';
  role?: OrganisationRole;
  /** The member concerned: an AAD object id or an email address. */
  whom?: string;
  whomName?: string;
}

/** A request for a role from a user of the organisation's tenant who has none, waiting for an owner. */
export interface AccessRequest {
  id: string;
  aadObjectId: string;
  name?: string;
  email?: string;
  role: PartnerRole;
  at: string;
}

/**
 * An organisation as the directory knows it: a partner, or the program operator (one per
 * deployment, the configured tenant). Members are named by AAD object id or, before they
 * first talk to the bot, by email address (lower case).
 */
export interface PartnerOrganisation {
  /** Teams (AAD) tenant id; for partners also the claims' partition key. */
  id: string;
  /** Stored documents written before there was an operator have none: they are partners. */
  type: OrganisationType;
  name: string;
  locations: { mpnId: string; name: string; country?: string }[];
  /** Partner: may grant and revoke the organisation's roles and answer access requests. */
  owners?: string[];
  /** Partner: may create and submit claims. */
  incentivesAdmins: string[];
  /** Partner: may view the organisation's claims. */
  viewers?: string[];
  /** Operator only: validate every partner's claims. */
  reviewers: string[];
  /** Operator only: onboard and suspend partners, manage reviewers and operator admins. */
  operatorAdmins?: string[];
  /** A suspended partner's users can do nothing until an operator admin reinstates it. */
  suspended?: boolean;
  accessRequests?: AccessRequest[];
  /** Every role change, oldest first. */
  roleLog?: RoleChange[];
}
