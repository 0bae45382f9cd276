/**
 * "My claims": the organisation's claims a page at a time, newest first, filtered by
 * status, solution area and customer prefix; the notice of legacy Microsoft 365
 * customers still to re-associate above the first page; and the CSV export of every
 * claim the filter matches, sent as a short-lived link.
 *
 * Everything reads the caller's organisation's partition only: another organisation's
 * claims cannot appear, whatever a card carries. Viewing and exporting are open to every
 * user of the organisation; the export is a read like the list.
 */
import type { TurnContext } from 'botbuilder';
import { DomainError } from '../../claims/errors';
import { pendingReassociations } from '../../claims/legacyAssociations';
import { errorName } from '../../claims/notifications';
import type { Claim, PartnerOrganisation } from '../../claims/model';
import type { ClaimListFilter, Page } from '../../claims/ports';
import { plainTextMessage, renderNoticeCard } from '../../cards/render';
import { claimsCsv, CSV_CONTENT_TYPE } from '../../documents/claimsCsv';
import { productName, t, formatList } from '../../locales/i18n';
import type { Caller } from '../caller';
import { cardMessage } from '../cardPrompt';
import { claimsListCardOf, viewContextOf } from './claimViews';
import type { ClaimServices } from '../services';

/** How long the export's download link works. */
export const EXPORT_LINK_SECONDS = 900;
/** The most claims one export holds: beyond, the partner narrows it with a filter. */
export const MAX_EXPORT_ROWS = 5000;
/** Cosmos DB's page size for the export (the repository's maximum). */
const EXPORT_PAGE_SIZE = 100;
/** Customers named in the re-association notice; the rest are counted. */
const NOTICE_CUSTOMERS_SHOWN = 10;

export interface ClaimsPageRequest {
  page: number;
  continuationToken?: string;
  filter?: ClaimListFilter;
}

export class ClaimsListing {
  constructor(
    private readonly services: ClaimServices,
    private readonly pageSize: number,
  ) {}

  async showPage(
    context: TurnContext,
    caller: Caller,
    org: PartnerOrganisation,
    request: ClaimsPageRequest,
  ): Promise<void> {
    const filter = request.filter ?? {};
    let claims: Page<Claim>;
    try {
      claims = await this.services.claims.listByPartner(
        org.id,
        filter,
        this.pageSize,
        request.continuationToken || undefined,
      );
    } catch (e) {
      // A token from an older list, another filter or a forged card is no reason to fail: start over.
      if (
        !(e instanceof DomainError && e.code === 'invalidContinuationToken') ||
        request.continuationToken === undefined
      )
        throw e;
      return this.showPage(context, caller, org, { page: 1, filter });
    }
    const first = request.continuationToken === undefined;
    if (first) await this.sendReassociationNotice(context, caller, org);
    const view = viewContextOf(context, caller, this.services);
    await context.sendActivity(
      cardMessage(claimsListCardOf(claims, first ? 1 : request.page, view, { filter, canExport: true })),
    );
  }

  /** Every claim the filter matches (up to MAX_EXPORT_ROWS), as CSV behind a short-lived link. */
  async export(context: TurnContext, caller: Caller, org: PartnerOrganisation, filter: ClaimListFilter): Promise<void> {
    const claims: Claim[] = [];
    let token: string | undefined;
    do {
      const page = await this.services.claims.listByPartner(org.id, filter, EXPORT_PAGE_SIZE, token);
      claims.push(...page.items);
      token = page.continuationToken;
    } while (token !== undefined && claims.length < MAX_EXPORT_ROWS);
    if (claims.length === 0) {
      await context.sendActivity(plainTextMessage(t(caller.locale, 'claimsList.exportEmpty')));
      return;
    }
    const truncated = token !== undefined || claims.length > MAX_EXPORT_ROWS;
    const rows = claims.slice(0, MAX_EXPORT_ROWS);
    const view = viewContextOf(context, caller, this.services);
    const url = await this.services.links.publish(
      {
        partnerId: org.id,
        fileName: `claims-${view.now.toISOString().slice(0, 10)}.csv`,
        contentType: CSV_CONTENT_TYPE,
        bytes: claimsCsv(rows, { locale: caller.locale, timeZone: view.timeZone }),
      },
      EXPORT_LINK_SECONDS,
    );
    const lines = [t(caller.locale, 'claimsList.exportReady', { minutes: EXPORT_LINK_SECONDS / 60 })];
    if (truncated) lines.push(t(caller.locale, 'manage.exportTruncated', { count: MAX_EXPORT_ROWS }));
    await context.sendActivity(
      cardMessage(renderNoticeCard({ lines, links: [{ label: 'claimsList.exportDownload', url }] }, caller.locale)),
    );
  }

  /**
   * Legacy Microsoft 365 customers the partner has not claimed again yet (docs/RULES.md, rule 4).
   * Reading it must never cost the partner the list itself.
   */
  private async sendReassociationNotice(context: TurnContext, caller: Caller, org: PartnerOrganisation): Promise<void> {
    const notices = this.services.reassociations;
    if (!notices) return;
    let pending;
    try {
      pending = await pendingReassociations(org.id, await notices.list(org.id), (key) =>
        this.services.associations.holderOf(key),
      );
    } catch (e) {
      this.services.log('warn', 'manage.reassociationNoticeFailed', { partnerId: org.id, error: errorName(e) });
      return;
    }
    if (pending.length === 0) return;
    const locale = caller.locale;
    const lines = [
      t(locale, 'legacy.noticeIntro'),
      ...pending.slice(0, NOTICE_CUSTOMERS_SHOWN).map((customer) =>
        t(locale, 'legacy.customerLine', {
          customer: customer.customerDomain ?? customer.customerTenantId,
          products: formatList(locale, customer.productIds.map(productName)),
        }),
      ),
    ];
    if (pending.length > NOTICE_CUSTOMERS_SHOWN)
      lines.push(t(locale, 'legacy.more', { count: pending.length - NOTICE_CUSTOMERS_SHOWN }));
    const actions = caller.isIncentivesAdmin
      ? [{ verb: 'newClaim' as const, label: 'welcome.newClaim' as const, style: 'positive' as const }]
      : [];
    await context.sendActivity(
      cardMessage(
        renderNoticeCard({ tone: 'warning', title: t(locale, 'legacy.noticeTitle'), lines, actions }, locale),
      ),
    );
  }
}
