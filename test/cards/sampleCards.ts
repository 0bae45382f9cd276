/**
 * Every card rendered with realistic models, in every branch that changes the card's
 * shape (problems shown or not, technical contact needed, files attached, a claim in
 * each kind of status, empty lists). `userText` goes into every field a partner,
 * customer or reviewer could have typed, so tests can follow it into the output.
 */
import type { Claim, PartnerOrganisation, PoeCheckReason } from '../../claims/model';
import { fileChecklists } from '../../cards/poeChecklist';
import { proposalLines } from '../../cards/proposalNotice';
import {
  renderAccessRequestCard,
  renderMembersCard,
  renderOnboardingCard,
  renderOrganisationsCard,
} from '../../cards/rolesCards';
import type { Locale } from '../../locales/i18n';
import * as cards from '../../cards/render';
import { renderConsentCard } from '../../cards/consentCard';
import { renderCommentsThreadCard } from '../../cards/commentsThreadCard';
import { renderReviewDetailCard } from '../../cards/reviewDetailCard';
import { conflictLines, renderReviewQueueCard } from '../../cards/reviewQueueCard';
import { buildClaim } from '../support/claimFactory';

export interface SampleCard {
  name: string;
  card: cards.CardAttachment;
}

const step = { claimId: 'claim-1', nonce: 'nonce-1' };

/** Every input of the start card, each shown with a problem of its own in the sample. */
const START_FIELDS: readonly cards.StartField[] = [
  'mpnId',
  'customerDomain',
  'customerTenantId',
  'areaActivity',
  'name',
];

export function sampleClaim(userText: string, overrides: Partial<Claim> = {}): Claim {
  const actor = { role: 'reviewer' as const, id: 'reviewer-1', name: userText };
  return buildClaim({
    id: 'claim-1',
    name: userText,
    customerDomain: userText,
    customerTenantId: userText,
    solutionArea: 'businessApplications',
    activity: 'revenueAssociation',
    productIds: ['dynamics365Sales', 'powerBI'],
    subscriptions: [
      {
        productId: 'dynamics365Sales',
        multiple: true,
        subscriptionIds: [userText, 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee'],
      },
    ],
    customerContact: { name: userText, title: userText, email: userText },
    technicalContact: { name: userText, title: userText, email: userText },
    partnerContact: { name: userText, email: userText },
    revenue: { solutionSellerName: userText, customerName: userText, isvSolutionName: userText },
    poe: [
      {
        id: 'poe-1',
        fileName: userText,
        kind: 'pdf',
        contentType: 'application/pdf',
        sizeBytes: 123_456,
        sha256: 'x',
        blobName: 'b',
        uploadedAt: '2025-03-03T10:00:00.000Z',
        uploadedBy: { role: 'partnerAdmin', id: 'admin-1' },
      },
    ],
    comments: [{ id: 'c1', author: actor, text: userText, at: '2025-03-03T10:00:00.000Z' }],
    history: [
      {
        at: '2025-03-03T09:00:00.000Z',
        actor: { role: 'partnerAdmin', id: 'a', name: userText },
        event: 'created',
        from: null,
        to: 'draft',
      },
      {
        at: '2025-03-03T09:30:00.000Z',
        actor: { role: 'partnerAdmin', id: 'a' },
        event: 'edited',
        from: 'draft',
        to: 'draft',
        reasonCodes: ['productIds', 'customerContact'],
      },
      {
        at: '2025-03-04T09:00:00.000Z',
        actor: { role: 'partnerAdmin', id: 'a' },
        event: 'submit',
        from: 'draft',
        to: 'submitted',
      },
      {
        at: '2025-03-05T09:00:00.000Z',
        actor,
        event: 'requestInfo',
        from: 'underReview',
        to: 'partnerActionRequired',
        reasonCodes: ['missingProducts'],
        note: userText,
      },
      {
        at: '2025-03-06T09:00:00.000Z',
        actor,
        event: 'reject',
        from: 'underReview',
        to: 'rejected',
        reason: 'insufficientPoe',
        note: userText,
      },
    ],
    ...overrides,
  });
}

export function sampleCards(locale: Locale, userText = 'Contoso Ltd'): SampleCard[] {
  const claim = sampleClaim(userText);
  const problems = [{ code: 'required', field: 'customerDomain' }, userText];
  const out: [string, cards.CardAttachment][] = [
    ['welcome', cards.renderWelcomeCard({ userName: userText, canCreate: true }, locale)],
    ['welcome (view only)', cards.renderWelcomeCard({ canCreate: false }, locale)],
    ['help', cards.renderHelpCard({ canCreate: true }, locale)],
    ['answered', cards.renderAnsweredCard({ section: 'Customer', value: userText, note: 'continued below' }, locale)],
    ['answered (superseded)', cards.renderAnsweredCard({ section: 'Customer', superseded: true }, locale)],
    [
      'start',
      cards.renderStartCard(
        {
          ...step,
          locations: [
            { mpnId: '1234567', name: userText },
            { mpnId: '7654321', name: 'Seoul' },
          ],
          values: {
            mpnId: '1234567',
            customerDomain: userText,
            customerTenantId: userText,
            areaActivity: 'businessApplications/revenueAssociation',
            name: userText,
          },
          problems: [...problems, ...START_FIELDS.map((field) => ({ code: 'required', field }))],
          // The dialog makes it of the typed domain.
          proposedName: userText,
        },
        locale,
      ),
    ],
    [
      'start (one location)',
      cards.renderStartCard({ ...step, locations: [{ mpnId: '1234567', name: userText }], values: {} }, locale),
    ],
    [
      'start (many locations)',
      cards.renderStartCard(
        {
          claimId: '',
          nonce: 'n0',
          locations: Array.from({ length: 8 }, (_, i) => ({ mpnId: `10000${i}`, name: `L${i}` })),
          values: {},
        },
        locale,
      ),
    ],
    ['revenueDetails', cards.renderRevenueDetailsCard({ ...step, revenue: claim.revenue, problems }, locale)],
    [
      'products',
      cards.renderProductsCard(
        {
          ...step,
          solutionArea: 'businessApplications',
          products: [
            { id: 'dynamics365Sales', title: 'Dynamics 365 Sales' },
            { id: 'powerBI', title: 'Power BI' },
          ],
          selected: ['powerBI'],
          problems,
        },
        locale,
      ),
    ],
    [
      'products (m365)',
      cards.renderProductsCard(
        { ...step, solutionArea: 'microsoft365', products: [{ id: 'exchangeOnline', title: 'Exchange Online' }] },
        locale,
      ),
    ],
    [
      'subscriptions',
      cards.renderSubscriptionsCard(
        {
          ...step,
          products: [
            { id: 'dynamics365Sales', title: 'Dynamics 365 Sales', multiple: true, subscriptionIds: [userText] },
            { id: 'dynamics365Finance', title: 'Dynamics 365 Finance', multiple: false, subscriptionIds: [] },
          ],
        },
        locale,
      ),
    ],
    [
      'contacts',
      cards.renderContactsCard(
        {
          ...step,
          needsTechnicalContact: true,
          customer: claim.customerContact,
          technical: claim.technicalContact,
          partner: claim.partnerContact,
          problems,
        },
        locale,
      ),
    ],
    ['contacts (no technical)', cards.renderContactsCard({ ...step, needsTechnicalContact: false }, locale)],
    [
      'poe',
      cards.renderPoeCard(
        {
          ...step,
          files: [{ fileName: userText, sizeBytes: 2_400_000 }],
          maxSizeBytes: 25 * 1024 * 1024,
          templateUrl: 'https://example.test/template.docx',
        },
        locale,
      ),
    ],
    ['poe (none yet)', cards.renderPoeCard({ ...step, files: [], maxSizeBytes: 25 * 1024 * 1024, problems }, locale)],
    [
      'poe (local demo)',
      cards.renderPoeCard({ ...step, files: [], maxSizeBytes: 25 * 1024 * 1024, offerSample: true }, locale),
    ],
    ['comments', cards.renderCommentsCard({ ...step, comment: userText }, locale)],
    ['summary', cards.renderSummaryCard({ ...step, claim, problems, locationName: userText }, locale)],
    [
      'review (ready)',
      cards.renderSummaryCard({ ...step, claim: buildClaim({ id: 'claim-1' }), problems: [] }, locale),
    ],
    ['submitConfirm', cards.renderSubmitConfirmCard(step, locale)],
    [
      'receipt',
      cards.renderReceiptCard({ claim: { ...claim, status: 'submitted' }, resubmitted: false, window: '5' }, locale),
    ],
    [
      'receipt (resubmitted)',
      cards.renderReceiptCard({ claim: { ...claim, status: 'submitted' }, resubmitted: true, window: '5' }, locale),
    ],
    [
      'draftsList',
      cards.renderDraftsListCard(
        { drafts: [claim, buildClaim({ name: '', customerDomain: '' })], timeZone: 'Asia/Seoul' },
        locale,
      ),
    ],
    ['draftsList (none)', cards.renderDraftsListCard({ drafts: [] }, locale)],
    [
      'claimsList',
      cards.renderClaimsListCard(
        { claims: [claim, buildClaim({ status: 'associated' })], page: 2, nextToken: userText, canExport: true },
        locale,
      ),
    ],
    ['claimsList (empty)', cards.renderClaimsListCard({ claims: [], page: 1, canExport: true }, locale)],
    [
      'status (info requested)',
      cards.renderStatusCard(
        {
          ...step,
          claim: sampleClaim(userText, {
            status: 'partnerActionRequired',
            infoRequest: {
              reasonCodes: ['missingAllPoe', 'missingProducts'],
              note: userText,
              deadlineAt: '2025-03-12T09:00:00.000Z',
            },
          }),
          businessDaysLeft: 4,
          allowedEvents: ['resubmit', 'withdraw'],
          canComment: true,
        },
        locale,
      ),
    ],
    [
      'status (window)',
      cards.renderStatusCard(
        {
          ...step,
          claim: sampleClaim(userText, {
            status: 'approvedCustomerNotified',
            windowClosesAt: '2025-03-12T09:00:00.000Z',
          }),
          businessDaysLeft: 0,
          allowedEvents: [],
          canComment: false,
        },
        locale,
      ),
    ],
    [
      'status (rejected)',
      cards.renderStatusCard(
        {
          ...step,
          claim: sampleClaim(userText, {
            status: 'rejected',
            rejection: { reason: 'insufficientPoe', note: userText, at: '2025-03-06T09:00:00.000Z' },
          }),
          allowedEvents: ['dispute'],
          canComment: true,
          disputeUntil: '2025-04-05T09:00:00.000Z',
        },
        locale,
      ),
    ],
    [
      'status (associated)',
      cards.renderStatusCard(
        {
          ...step,
          claim: sampleClaim(userText, { status: 'associated' }),
          allowedEvents: ['disassociate'],
          canComment: false,
        },
        locale,
      ),
    ],
    ['history', cards.renderHistoryCard({ ...step, claim, timeZone: 'Asia/Tokyo' }, locale)],
    ['history (empty)', cards.renderHistoryCard({ ...step, claim: buildClaim({ history: [] }) }, locale)],
    ['cancelConfirm', cards.renderCancelConfirmCard({ ...step, claimName: userText }, locale)],
    ['cancelConfirm (no draft yet)', cards.renderCancelConfirmCard({ claimId: '', nonce: 'n' }, locale)],
    [
      'notice',
      cards.renderNoticeCard(
        {
          ...step,
          tone: 'warning',
          title: userText,
          lines: [userText],
          actions: [
            { verb: 'customerConfirmed', label: 'customer.continueAnyway', style: 'positive' },
            { verb: 'customerChange', label: 'customer.change' },
          ],
          links: [{ label: 'poe.downloadTemplate', url: 'https://example.test/t' }],
        },
        locale,
      ),
    ],
    ['notice (unknown domain)', cards.renderTenantCheckCard({ ...step, domain: userText, tenantId: userText }, locale)],
    ['notice (co-op)', cards.renderCoopGuidanceCard('CSP', locale) ?? cards.renderNoticeCard({ lines: [] }, locale)],
    ['notice (plain)', cards.renderNoticeCard({ lines: ['x'] }, locale)],
    ['language', cards.renderLanguageCard({ chosen: 'ko-KR', teamsLocale: 'en-US' }, locale)],
    ['language (follow Teams)', cards.renderLanguageCard({ teamsLocale: 'ja-JP' }, locale)],
    [
      'customerConsent',
      renderConsentCard(
        {
          claimId: 'claim-1',
          token: 'v1.x.y',
          partnerName: userText,
          customerDomain: userText,
          productIds: claim.productIds,
          closesAt: '2025-03-12T17:00:00.000Z',
          timeZone: 'America/Los_Angeles',
        },
        locale,
      ),
    ],
    [
      'customerConsent (answered)',
      renderConsentCard(
        {
          claimId: 'claim-1',
          token: 'v1.x.y',
          partnerName: userText,
          customerDomain: userText,
          productIds: [userText],
          closesAt: '2025-03-12T17:00:00.000Z',
          outcome: 'optOut',
        },
        locale,
      ),
    ],
    ...checklistSamples(locale, userText),
    ...reviewerSamples(locale, userText, claim),
    ...roleSamples(locale, userText),
  ];
  return out.map(([name, card]) => ({ name, card }));
}

/** A claim whose files were read: one complete, one missing things, one unreadable; evidence phrases are user text. */
export function checkedClaim(userText: string, overrides: Partial<Claim> = {}): Claim {
  const base = sampleClaim(userText, overrides);
  const file = base.poe[0];
  const checkedAt = '2025-03-03T10:00:00.000Z';
  const found = (reason: PoeCheckReason) => ({ reason, found: true, evidence: userText });
  return {
    ...base,
    poe: [
      {
        ...file,
        check: {
          status: 'checked',
          checkedAt,
          findings: [
            found('customerAcknowledgement'),
            { ...found('dates'), latestDay: '2025-03-01' },
            found('partnerSolution'),
            { reason: 'products', found: true, products: [{ productId: 'dynamics365Sales', evidence: userText }] },
          ],
        },
      },
      {
        ...file,
        id: 'poe-2',
        check: {
          status: 'checked',
          checkedAt,
          findings: [
            { reason: 'customerAcknowledgement', found: false },
            { reason: 'dates', found: false, detail: 'tooOld', latestDay: '2019-05-01' },
            { reason: 'partnerSolution', found: false, detail: 'noWorkDescription' },
            { reason: 'products', found: false, products: [] },
          ],
        },
      },
      { ...file, id: 'poe-3', check: { status: 'unreadable', checkedAt, why: 'image' } },
    ],
  };
}

function checklistSamples(locale: Locale, userText: string): [string, cards.CardAttachment][] {
  const claim = checkedClaim(userText);
  const options = { evidence: true, fix: true };
  const proposal = {
    fileName: userText,
    customerDomain: userText,
    customerTenantId: userText,
    tenantCheck: 'mismatch' as const,
    contacts: [{ name: userText, email: userText }],
    productIds: ['powerBI'],
  };
  return [
    [
      'poeChecklist (on the PoE card)',
      cards.renderPoeCard(
        {
          ...step,
          files: claim.poe,
          maxSizeBytes: 25 * 1024 * 1024,
          checklist: fileChecklists(claim, claim.poe, locale, options),
        },
        locale,
      ),
    ],
    ['poeChecklist (on the summary)', cards.renderSummaryCard({ ...step, claim, problems: [] }, locale)],
    [
      'proposalNotice (on the start card)',
      cards.renderStartCard(
        {
          ...step,
          locations: [{ mpnId: '1234567', name: userText }],
          values: { customerDomain: userText, customerTenantId: userText },
          proposal: proposalLines(locale, proposal, 'customer'),
        },
        locale,
      ),
    ],
    [
      'proposalNotice (on the products card)',
      cards.renderProductsCard(
        {
          ...step,
          solutionArea: 'businessApplications',
          products: [{ id: 'powerBI', title: 'Power BI' }],
          selected: ['powerBI'],
          proposal: proposalLines(locale, proposal, 'products'),
        },
        locale,
      ),
    ],
    [
      'proposalNotice (on the contacts card)',
      cards.renderContactsCard(
        {
          ...step,
          needsTechnicalContact: false,
          customer: { name: userText, email: userText },
          proposal: proposalLines(locale, proposal, 'contacts'),
        },
        locale,
      ),
    ],
    [
      'poeChecklist (nothing readable)',
      cards.renderSummaryCard({ ...step, claim: { ...claim, poe: claim.poe.slice(2) }, problems: [] }, locale),
    ],
  ];
}

/** The role cards: members as an owner and as a viewer, the organisations list, onboarding, access requests. */
function roleSamples(locale: Locale, userText: string): [string, cards.CardAttachment][] {
  const at = '2025-03-03T09:00:00.000Z';
  const request = {
    id: 'req-1',
    aadObjectId: 'aad-new',
    name: userText,
    email: userText,
    role: 'incentivesAdmin' as const,
    at,
  };
  const org: PartnerOrganisation = {
    id: 'tenant-1',
    type: 'partner',
    name: userText,
    locations: [{ mpnId: '1234567', name: userText }],
    owners: ['aad-owner', userText],
    incentivesAdmins: [],
    viewers: ['viewer@example.com'],
    reviewers: [],
    accessRequests: [request],
    roleLog: [
      { at, by: 'aad-op', byName: userText, action: 'onboard' },
      { at, by: 'aad-owner', action: 'grant', role: 'viewer', whom: 'viewer@example.com', whomName: userText },
      { at, by: 'seed', action: 'revoke', role: 'incentivesAdmin', whom: userText },
      { at, by: 'aad-owner', action: 'declineAccess', role: 'viewer', whom: 'aad-x' },
      { at, by: 'aad-op', action: 'suspend' },
      { at, by: 'aad-op', action: 'reinstate' },
    ],
  };
  const operator: PartnerOrganisation = {
    id: 'op',
    type: 'operator',
    name: userText,
    locations: [],
    incentivesAdmins: [],
    reviewers: ['aad-r'],
    operatorAdmins: ['aad-op'],
  };
  return [
    [
      'members (owner)',
      renderMembersCard(
        {
          org,
          viewerRoles: ['owner'],
          timeZone: 'Asia/Seoul',
          notice: { tone: 'attention', lines: [userText] },
          memberValue: userText,
          roleValue: 'viewer',
        },
        locale,
      ),
    ],
    [
      'members (viewer, suspended)',
      renderMembersCard(
        { org: { ...org, suspended: true, roleLog: [] }, viewerRoles: ['viewer'], timeZone: 'UTC' },
        locale,
      ),
    ],
    [
      'members (operator admin)',
      renderMembersCard({ org: operator, viewerRoles: ['operatorAdmin'], timeZone: 'UTC' }, locale),
    ],
    [
      'organisations',
      renderOrganisationsCard(
        {
          operatorId: 'op',
          partners: [org, { ...org, id: 'tenant-2', suspended: true }],
          notice: { tone: 'good', lines: [userText] },
        },
        locale,
      ),
    ],
    ['organisations (empty)', renderOrganisationsCard({ operatorId: 'op', partners: [] }, locale)],
    [
      'onboarding',
      renderOnboardingCard(
        { name: userText, tenantId: userText, locations: userText, owners: userText, problems: [userText] },
        locale,
      ),
    ],
    ['onboarding (empty)', renderOnboardingCard({}, locale)],
    ['accessRequest (ask)', renderAccessRequestCard({ mode: 'ask', org, lines: [userText] }, locale)],
    [
      'accessRequest (decide)',
      renderAccessRequestCard({ mode: 'decide', org, request, timeZone: 'Asia/Tokyo' }, locale),
    ],
  ];
}

/** The reviewer's cards and the comments thread, in each shape they take. */
function reviewerSamples(locale: Locale, userText: string, claim: Claim): [string, cards.CardAttachment][] {
  const conflicts = conflictLines(
    locale,
    claim,
    [
      { key: 'm365|t|exchangeOnline', kind: 'heldByAnotherPartner', partnerId: 'p-2', claimId: 'c-2' },
      { key: 'sub|t|dynamics365Sales', kind: 'claimedByAnotherClaim', partnerId: claim.partnerId, claimId: 'c-3' },
    ],
    new Map([['p-2', userText]]),
  );
  const detail = { partnerName: userText, linkMinutes: 5, commentId: 'comment-1', timeZone: 'Asia/Seoul' };
  const links = claim.poe.map((file) => ({ file, url: 'https://example.test/poe/claim-1?sig=x' }));
  const rejection = { reason: 'insufficientPoe' as const, note: userText, at: '2025-03-06T09:00:00.000Z' };
  return [
    [
      'reviewQueue',
      renderReviewQueueCard(
        {
          rows: [
            { claim, partnerName: userText, ageBusinessDays: 3, conflicts },
            { claim: buildClaim({ status: 'dispute' }), partnerName: 'Fabrikam', ageBusinessDays: 0, conflicts: [] },
          ],
          page: 2,
          nextToken: userText,
        },
        locale,
      ),
    ],
    ['reviewQueue (empty)', renderReviewQueueCard({ rows: [], page: 1 }, locale)],
    [
      'reviewDetail (under review)',
      renderReviewDetailCard(
        {
          ...detail,
          claim: sampleClaim(userText, { status: 'underReview' }),
          poe: links,
          conflicts,
          allowedEvents: ['requestInfo', 'approve', 'reject'],
          ageBusinessDays: 4,
          notice: { tone: 'attention', lines: [userText] },
        },
        locale,
      ),
    ],
    [
      'reviewDetail (PoE checked)',
      renderReviewDetailCard(
        {
          ...detail,
          claim: checkedClaim(userText, { status: 'underReview' }),
          poe: links,
          conflicts: [],
          allowedEvents: ['requestInfo', 'approve', 'reject'],
        },
        locale,
      ),
    ],
    [
      'reviewDetail (dispute)',
      renderReviewDetailCard(
        {
          ...detail,
          claim: sampleClaim(userText, { status: 'dispute', rejection }),
          poe: links,
          conflicts: [],
          allowedEvents: ['approve', 'reject'],
        },
        locale,
      ),
    ],
    [
      'reviewDetail (submitted, no PoE)',
      renderReviewDetailCard(
        {
          ...detail,
          claim: buildClaim({ id: 'claim-1', status: 'submitted' }),
          poe: [],
          conflicts: [],
          allowedEvents: ['startReview'],
          ageBusinessDays: 0,
        },
        locale,
      ),
    ],
    [
      'reviewDetail (info requested)',
      renderReviewDetailCard(
        {
          ...detail,
          claim: sampleClaim(userText, {
            status: 'partnerActionRequired',
            infoRequest: { reasonCodes: ['missingProducts'], note: userText, deadlineAt: '2025-03-20T09:00:00.000Z' },
          }),
          poe: links,
          conflicts: [],
          allowedEvents: [],
          notice: { tone: 'good', lines: [userText] },
        },
        locale,
      ),
    ],
    [
      'commentsThread',
      renderCommentsThreadCard(
        {
          claim,
          canComment: true,
          commentId: 'comment-1',
          notice: { tone: 'good', lines: [userText] },
          timeZone: 'Asia/Tokyo',
        },
        locale,
      ),
    ],
    [
      'commentsThread (view only, empty)',
      renderCommentsThreadCard(
        { claim: buildClaim({ comments: [] }), canComment: false, commentId: 'comment-2' },
        locale,
      ),
    ],
  ];
}
