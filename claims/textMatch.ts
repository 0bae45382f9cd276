/**
 * Finding a name in free text the way people write it: width, case, punctuation and
 * spacing variants collapse, so "ＣＳＰ", "Cloud-Solution  Provider" and
 * "contoso.com" match "csp", "cloud solution provider" and "Contoso.com". Latin terms
 * match whole words only ("csp" but not "cspx"); CJK terms match anywhere, spaces
 * ignored, because those languages do not separate words consistently.
 */

const CJK = '\\p{Script=Hangul}\\p{Script=Han}\\p{Script=Katakana}\\p{Script=Hiragana}';
/** Where Latin letters or digits meet CJK: Korean particles and Japanese text attach to Latin names ("Power BI를"). */
const SCRIPT_BOUNDARY = new RegExp(
  `(?<=[\\p{Script=Latin}\\p{N}])(?=[${CJK}])|(?<=[${CJK}])(?=[\\p{Script=Latin}\\p{N}])`,
  'gu',
);

export function normaliseForMatch(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(SCRIPT_BOUNDARY, ' ')
    .trim();
}

export const hasCjk = (s: string): boolean =>
  /[\p{Script=Hangul}\p{Script=Han}\p{Script=Katakana}\p{Script=Hiragana}]/u.test(s);

/** Text prepared once for many `containsTerm` calls. */
export interface MatchableText {
  padded: string;
  compact: string;
}

export function matchable(text: string): MatchableText {
  const normalised = normaliseForMatch(text);
  return { padded: ` ${normalised} `, compact: normalised.replace(/ /g, '') };
}

export function containsTerm(text: MatchableText, term: string): boolean {
  const needle = normaliseForMatch(term);
  if (needle === '') return false;
  return hasCjk(needle) ? text.compact.includes(needle.replace(/ /g, '')) : text.padded.includes(` ${needle} `);
}
