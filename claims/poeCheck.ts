/**
 * The reviewers' reasons for sending a claim back, looked for in a PoE's text before
 * the claim is submitted: pure functions of the text and the claim. Each reason is
 * found (with a short phrase from the file as evidence) or not; the partner then
 * knows what a reviewer would ask for while it can still be fixed.
 */
import { PRODUCTS, productById } from './catalog';
import type { Claim, PoeCheckReason, PoeFile, PoeFileCheck, PoeFinding } from './model';
import { findDates, monthsBefore } from './poeDates';
import { ACKNOWLEDGEMENT_WORDS, WORK_WORDS, allWords } from './poeVocabulary';
import { containsTerm, matchable, type MatchableText } from './textMatch';

export const DEFAULT_POE_MAX_AGE_MONTHS = 12;
/** Evidence is a phrase, not a passage: the stored claim keeps nothing more of the document. */
export const EVIDENCE_MAX_CHARS = 120;
/** How many lines after a signature line still belong to its block (name, title, email, date). */
const BLOCK_LINES_AFTER = 3;
/** A line above a signature line belongs to its block when it is this short: a name, not a sentence. */
const NAME_LINE_MAX_CHARS = 48;
/** Names shorter than this match too much ("HR", "IT") to count as evidence. */
const MIN_TERM_CHARS = 3;

export interface PoeCheckContext {
  now: Date;
  /** The partner organisation's name and its locations' names. */
  partnerNames: readonly string[];
  maxAgeMonths?: number;
}

/** A line of the document, prepared for matching. */
export interface Line {
  text: string;
  match: MatchableText;
}

/** A line of the document, short enough to be evidence; control characters become spaces. */
export function evidencePhrase(text: string): string {
  const flat = text
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length <= EVIDENCE_MAX_CHARS ? flat : `${flat.slice(0, EVIDENCE_MAX_CHARS - 1)}…`;
}

export function linesOf(text: string): Line[] {
  return text
    .normalize('NFKC')
    .split(/\r?\n|\r|\f/)
    .map((line) => line.trim())
    .map((line) => ({ text: line, match: matchable(line) }));
}

const usable = (terms: readonly (string | undefined)[]): string[] => [
  ...new Set(terms.map((t) => t?.trim() ?? '').filter((t) => t.length >= MIN_TERM_CHARS)),
];

/** "contoso" from contoso.com, contoso.onmicrosoft.com or contoso.co.kr: how documents name the company. */
export function domainLabel(domain: string): string | undefined {
  const labels = domain
    .trim()
    .toLowerCase()
    .split('.')
    .filter((l) => l !== '' && l !== 'www');
  return labels.length >= 2 ? labels[0] : undefined;
}

/** The names that identify the claim's customer in a document. */
export function customerTerms(claim: Claim): string[] {
  const contacts = [claim.customerContact, claim.technicalContact];
  return usable([
    claim.customerDomain,
    domainLabel(claim.customerDomain),
    claim.revenue?.customerName,
    ...contacts.flatMap((c) => [c?.name, c?.email]),
  ]);
}

const hasAny = (line: Line, terms: readonly string[]): boolean => terms.some((term) => containsTerm(line.match, term));

const ACK = allWords(ACKNOWLEDGEMENT_WORDS);
const WORK = allWords(WORK_WORDS);

/**
 * The lines of the block a signature line opens: itself, the few lines after it (the
 * block ends at a blank line once it has begun), and a short line right above it (the
 * name a signature is under).
 */
function blockAround(lines: readonly Line[], at: number): Line[] {
  const block = [lines[at]];
  // One blank line may part a signature from its name ("Approved.", blank, "Chris"); two end the block.
  for (let i = at + 1, taken = 0; i < lines.length && taken < BLOCK_LINES_AFTER; i++) {
    if (lines[i].text === '') {
      if (lines[i + 1]?.text === '' || taken > 0) break;
      continue;
    }
    block.push(lines[i]);
    taken++;
  }
  const above = lines[at - 1];
  if (above && above.text !== '' && above.text.length <= NAME_LINE_MAX_CHARS) block.push(above);
  return block;
}

function acknowledgement(lines: readonly Line[], customer: readonly string[]): PoeFinding {
  for (let i = 0; i < lines.length; i++) {
    if (!hasAny(lines[i], ACK)) continue;
    const named = blockAround(lines, i).find((line) => hasAny(line, customer));
    if (!named) continue;
    const evidence = named === lines[i] ? named.text : `${lines[i].text} · ${named.text}`;
    return { reason: 'customerAcknowledgement', found: true, evidence: evidencePhrase(evidence) };
  }
  return { reason: 'customerAcknowledgement', found: false };
}

function dates(lines: readonly Line[], context: PoeCheckContext): PoeFinding {
  let latest: { day: string; line: string } | undefined;
  for (const line of lines) {
    for (const found of findDates(line.text))
      if (!latest || found.day > latest.day) latest = { day: found.day, line: line.text };
  }
  if (!latest) return { reason: 'dates', found: false, detail: 'none' };
  const cutoff = monthsBefore(context.now, context.maxAgeMonths ?? DEFAULT_POE_MAX_AGE_MONTHS);
  const recent = latest.day >= cutoff;
  return {
    reason: 'dates',
    found: recent,
    evidence: evidencePhrase(latest.line),
    latestDay: latest.day,
    ...(recent ? {} : { detail: 'tooOld' as const }),
  };
}

/** Whether the line describes work, leaving out the partner's own name ("Fabrikam Consulting" describes nothing). */
function describesWork(line: Line, partner: readonly string[]): boolean {
  let rest = line.match.padded;
  for (const name of partner) rest = rest.split(matchable(name).padded).join('  ');
  return hasAny({ text: line.text, match: { padded: rest, compact: rest.replace(/ /g, '') } }, WORK);
}

function partnerSolution(lines: readonly Line[], partnerNames: readonly string[]): PoeFinding {
  const partner = usable(partnerNames);
  const both = lines.find((line) => hasAny(line, partner) && describesWork(line, partner));
  if (both) return { reason: 'partnerSolution', found: true, evidence: evidencePhrase(both.text) };
  const named = lines.find((line) => hasAny(line, partner));
  const work = lines.find((line) => describesWork(line, partner));
  if (named && work)
    return { reason: 'partnerSolution', found: true, evidence: evidencePhrase(`${named.text} · ${work.text}`) };
  return { reason: 'partnerSolution', found: false, detail: named ? 'noWorkDescription' : 'noPartnerName' };
}

/** Every catalog product the text names (claimed or not), with the first line naming it. */
export function productsNamed(lines: readonly Line[]): { productId: string; evidence: string }[] {
  const named: { productId: string; evidence: string }[] = [];
  for (const product of PRODUCTS) {
    const terms = [product.name, ...product.aliases];
    const line = lines.find((l) => hasAny(l, terms));
    if (line) named.push({ productId: product.id, evidence: evidencePhrase(line.text) });
  }
  return named;
}

/** Checks one file's text against the claim as it stands. */
export function checkPoeText(
  text: string,
  claim: Claim,
  context: PoeCheckContext,
  checkedAt = context.now.toISOString(),
): PoeFileCheck {
  const lines = linesOf(text);
  const products: PoeFinding = { reason: 'products', found: false, products: productsNamed(lines) };
  const findings = [
    acknowledgement(lines, customerTerms(claim)),
    dates(lines, context),
    partnerSolution(lines, context.partnerNames),
    products,
  ];
  return {
    status: 'checked',
    checkedAt,
    findings: findings.map((f) => (f.reason === 'products' ? productsVerdict(f, claim.productIds) : f)),
  };
}

/**
 * The products finding against the products claimed now: a file keeps every product
 * it names, so choosing other products later needs no second reading.
 */
export function productsVerdict(
  finding: PoeFinding,
  claimedIds: readonly string[],
): PoeFinding & { missingProductIds: string[] } {
  const named = finding.products ?? [];
  const missingProductIds = claimedIds.filter((id) => !named.some((p) => p.productId === id));
  const claimedNamed = named.filter((p) => claimedIds.includes(p.productId));
  const base = { reason: 'products' as const, products: named, missingProductIds };
  if (claimedIds.length === 0) return { ...base, found: false, detail: 'noProductsClaimed' };
  return {
    ...base,
    found: missingProductIds.length === 0,
    ...(claimedNamed[0] ? { evidence: claimedNamed[0].evidence } : {}),
  };
}

/** One reason over all of a claim's files: found in any checked file wins; the first such file is the evidence. */
export interface CombinedFinding {
  reason: PoeCheckReason;
  found: boolean;
  evidence?: string;
  /** The file the evidence is from. */
  fileName?: string;
  detail?: PoeFinding['detail'];
  latestDay?: string;
  missingProductIds: string[];
}

export interface CombinedCheck {
  findings: CombinedFinding[];
  /** Files no machine could read (a reviewer will). */
  unreadable: { fileName: string; why: Extract<PoeFileCheck, { status: 'unreadable' }>['why'] }[];
  /** Whether any file was read at all; without one, there is nothing to combine. */
  anyChecked: boolean;
}

const REASON_ORDER: readonly PoeCheckReason[] = ['customerAcknowledgement', 'dates', 'partnerSolution', 'products'];

/** The findings of one file with the products judged against the claim as it stands now. */
export function currentFindings(
  check: Extract<PoeFileCheck, { status: 'checked' }>,
  claimedIds: readonly string[],
): (PoeFinding & { missingProductIds: string[] })[] {
  return REASON_ORDER.flatMap((reason) => {
    const finding = check.findings.find((f) => f.reason === reason);
    if (!finding) return [];
    return [reason === 'products' ? productsVerdict(finding, claimedIds) : { ...finding, missingProductIds: [] }];
  });
}

export function combineChecks(files: readonly PoeFile[], claimedIds: readonly string[]): CombinedCheck {
  const checked = files.flatMap((file) => (file.check?.status === 'checked' ? [{ file, check: file.check }] : []));
  const unreadable = files.flatMap((file) =>
    file.check?.status === 'unreadable' ? [{ fileName: file.fileName, why: file.check.why }] : [],
  );
  const findings = REASON_ORDER.map((reason): CombinedFinding => {
    if (reason === 'products') {
      const merged: PoeFinding = {
        reason,
        found: false,
        products: checked.flatMap(({ check }) => check.findings.find((f) => f.reason === reason)?.products ?? []),
      };
      const verdict = productsVerdict(merged, claimedIds);
      const from = verdict.evidence
        ? checked.find(({ check }) =>
            check.findings.some((f) => f.products?.some((p) => p.evidence === verdict.evidence)),
          )
        : undefined;
      return { ...verdict, ...(from ? { fileName: from.file.fileName } : {}) };
    }
    const perFile = checked.map(({ file, check }) => ({
      file,
      finding: check.findings.find((f) => f.reason === reason),
    }));
    const hit = perFile.find(({ finding }) => finding?.found);
    if (hit?.finding) return { ...hit.finding, fileName: hit.file.fileName, missingProductIds: [] };
    const dated = perFile.map(({ finding }) => finding).filter((f): f is PoeFinding => f?.latestDay !== undefined);
    const latest = dated.sort((a, b) => (b.latestDay ?? '').localeCompare(a.latestDay ?? ''))[0];
    const first = perFile[0]?.finding;
    return {
      reason,
      found: false,
      missingProductIds: [],
      ...(latest
        ? { detail: latest.detail, latestDay: latest.latestDay }
        : first?.detail
          ? { detail: first.detail }
          : {}),
    };
  });
  return { findings, unreadable, anyChecked: checked.length > 0 };
}

/** The products' display names for a list of ids (unknown ids as they are). */
export const productNames = (ids: readonly string[]): string[] => ids.map((id) => productById(id)?.name ?? id);

/**
 * The claim with the machine's reading of one of its files recorded, or undefined when
 * there is nothing to write (the file is gone, or was checked already). Written in any
 * status: the check may finish after the partner submitted, and the reviewer reads it.
 */
export function withPoeCheck(claim: Claim, poeId: string, check: PoeFileCheck): Claim | undefined {
  const file = claim.poe.find((f) => f.id === poeId);
  if (!file || file.check) return undefined;
  return { ...claim, poe: claim.poe.map((f) => (f.id === poeId ? { ...f, check } : f)) };
}
