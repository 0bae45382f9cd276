/**
 * The apology a user sees when a turn fails unexpectedly. Kept here, not in
 * `locales/`, so it still works when the failure is in loading locales or dialogs.
 * `{reference}` is the correlation id's first block, for support to find the logs.
 */
const APOLOGIES: Readonly<Record<'en' | 'ko' | 'ja', string>> = {
  en: 'Sorry, something went wrong on our side and I could not finish that. Please try again in a moment. (Reference: {reference})',
  ko: '죄송합니다. 시스템 문제로 요청을 완료하지 못했습니다. 잠시 후 다시 시도해 주세요. (참조: {reference})',
  ja: '申し訳ありません。システム側の問題により処理を完了できませんでした。しばらくしてからもう一度お試しください。(参照: {reference})',
};

/** `ko-KR` → Korean, `ja` → Japanese, anything else → English. */
export function turnErrorMessage(locale: string | undefined, correlationId: string): string {
  const language = (locale ?? '').slice(0, 2).toLowerCase();
  const template = language === 'ko' || language === 'ja' ? APOLOGIES[language] : APOLOGIES.en;
  return template.replace('{reference}', correlationId.slice(0, 8));
}
