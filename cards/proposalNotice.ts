/**
 * What a statement of work proposed for a card, shown on it for the partner to check
 * and confirm: its own template part, spliced where the host card puts the element
 * with id `sowProposal`. The values come from the document: user text, text runs only.
 */
import type { WorkProposal } from '../claims/poePrefill';
import { formatList, t, type Locale, type MessageKey } from '../locales/i18n';
import { productName } from '../locales/domainText';
import { expandCard, labelsFor, spliceAt, type CardAttachment } from './cardKit';

export const PROPOSAL_ANCHOR = 'sowProposal';

export type ProposalCard = 'customer' | 'products' | 'contacts';

const TENANT_CHECK: Readonly<Record<NonNullable<WorkProposal['tenantCheck']>, MessageKey>> = {
  verified: 'prefill.tenantVerified',
  mismatch: 'prefill.tenantMismatch',
  unknown: 'prefill.tenantUnknown',
  fromDirectory: 'prefill.tenantFromDirectory',
};

/** The lines for one card; none when the document proposed nothing for it. */
export function proposalLines(locale: Locale, proposal: WorkProposal | undefined, card: ProposalCard): string[] {
  if (!proposal) return [];
  const fileName = proposal.fileName;
  switch (card) {
    case 'customer': {
      if (!proposal.customerDomain && !proposal.customerTenantId) return [];
      const lines = [
        t(locale, 'prefill.customer', {
          fileName,
          domain: proposal.customerDomain ?? '—',
          tenantId: proposal.customerTenantId ?? '—',
        }),
      ];
      if (proposal.tenantCheck && proposal.customerDomain)
        lines.push(t(locale, TENANT_CHECK[proposal.tenantCheck], { domain: proposal.customerDomain }));
      return lines;
    }
    case 'products':
      return proposal.productIds.length > 0
        ? [
            t(locale, 'prefill.products', {
              fileName,
              products: formatList(locale, proposal.productIds.map(productName)),
            }),
          ]
        : [];
    case 'contacts':
      return proposal.contacts.map((c) => t(locale, 'prefill.contact', { fileName, name: c.name, email: c.email }));
  }
}

/** The host card with the proposal in place of its `sowProposal` element (or without it). */
export function withProposal(card: CardAttachment, locale: Locale, lines: readonly string[]): CardAttachment {
  if (lines.length === 0) return spliceAt(card, PROPOSAL_ANCHOR, []);
  const part = expandCard('proposalNotice', {
    labels: labelsFor(locale, { title: 'prefill.title' }),
    lines: [...lines, t(locale, 'prefill.confirm')],
  });
  return spliceAt(card, PROPOSAL_ANCHOR, (part.content.body as unknown[] | undefined) ?? []);
}
