/**
 * One render function per card, each taking a typed view model and a locale and
 * returning a plain `{ contentType, content }` attachment (no botbuilder import, so
 * this module stays light and testable). Submits come back through the readers in
 * ./submissions, routed by the verbs in ./verbs.
 */
export {
  ADAPTIVE_CARD_CONTENT_TYPE,
  CARD_NAMES,
  plainTextMessage,
  type CardAttachment,
  type CardName,
  type StepContext,
} from './cardKit';
export {
  renderAnsweredCard,
  renderCancelConfirmCard,
  renderCoopGuidanceCard,
  renderHelpCard,
  renderNoticeCard,
  renderTenantCheckCard,
  renderWelcomeCard,
  type AnsweredCardModel,
  type CancelConfirmCardModel,
  type HelpCardModel,
  type NoticeAction,
  type NoticeCardModel,
  type NoticeTone,
  type TenantCheckCardModel,
  type WelcomeCardModel,
} from './generalCards';
export {
  productChoicesFor,
  subscriptionProductsOf,
  renderCommentsCard,
  renderContactsCard,
  renderPoeCard,
  renderProductsCard,
  renderRevenueDetailsCard,
  problemText,
  renderStartCard,
  solutionChoices,
  startFieldOf,
  type StartCardModel,
  type StartField,
  renderSubscriptionsCard,
  type CardProblems,
  type CommentsCardModel,
  type ContactsCardModel,
  type PoeCardModel,
  type ProductsCardModel,
  type RevenueDetailsCardModel,
  type StepModel,
  type SubscriptionsCardModel,
} from './stepCards';
export { LANGUAGE_NAMES, renderLanguageCard, type LanguageCardModel } from './languageCard';
export { renderReceiptCard, type ReceiptCardModel } from './receiptCard';
export { recapOf, renderSummaryCard, renderSubmitConfirmCard, type SummaryCardModel } from './summaryCard';
export {
  renderClaimsListCard,
  renderDraftsListCard,
  STATUS_COLORS,
  type ClaimSummary,
  type ClaimsListCardModel,
  type DraftsListCardModel,
} from './listCards';
export { renderHistoryCard, renderStatusCard, type HistoryCardModel, type StatusCardModel } from './statusCards';
export {
  CARD_VERBS,
  EXECUTE_VERBS,
  isCardVerb,
  isSummarySection,
  SUMMARY_SECTIONS,
  RESERVED_INPUT_IDS,
  type CardVerb,
  type ExecuteVerb,
  type SummarySection,
} from './verbs';
export * from './submissions';
