/**
 * The PoE checklist: what the machine found in the files against the reviewers'
 * reasons, what a reviewer may ask for, and how to fix it. Its own template part,
 * spliced into the PoE card (per file), the summary (over all files) and the
 * reviewer's detail card (with the evidence phrases), wherever the host card puts the
 * element with id `poeChecklist`. Evidence phrases and file names are user text: they
 * are bound into text runs only.
 */
import type { Claim, PoeFile, PoeFileCheck, PoeFinding, PoeUnreadable } from '../claims/model';
import {
  combineChecks,
  currentFindings,
  DEFAULT_POE_MAX_AGE_MONTHS,
  productNames,
  type CombinedFinding,
} from '../claims/poeCheck';
import { formatDate, formatList, t, type Locale, type MessageKey } from '../locales/i18n';
import { expandCard, labelsFor, spliceAt, type CardAttachment } from './cardKit';

export const CHECKLIST_ANCHOR = 'poeChecklist';

interface ChecklistRow {
  mark: string;
  color: 'Good' | 'Warning';
  text: string;
  evidence: string;
  hasEvidence: boolean;
}

interface ChecklistGroup {
  heading: string;
  hasHeading: boolean;
  rows: ChecklistRow[];
  notes: string[];
  fix: string;
  hasFix: boolean;
}

export interface ChecklistOptions {
  /** Show the phrases found (the reviewer's card; the partner sees them too, it is their file). */
  evidence: boolean;
  /** Offer the fix (partners only: a reviewer does not attach files). */
  fix: boolean;
  maxAgeMonths?: number;
  timeZone?: string;
}

const UNREADABLE: Readonly<Record<PoeUnreadable, MessageKey>> = {
  image: 'poeCheck.unreadableImage',
  noText: 'poeCheck.unreadableNoText',
  legacyFormat: 'poeCheck.unreadableLegacyFormat',
  tooLarge: 'poeCheck.unreadableOther',
  timeout: 'poeCheck.unreadableOther',
  damaged: 'poeCheck.unreadableOther',
};

type Judged = Pick<CombinedFinding, 'reason' | 'found' | 'evidence' | 'detail' | 'latestDay' | 'missingProductIds'> & {
  fileName?: string;
  products?: PoeFinding['products'];
};

/** The sentence for one finding: found, or what a reviewer may ask for. */
function findingText(locale: Locale, f: Judged, options: ChecklistOptions): string {
  const day = f.latestDay ? formatDate(locale, `${f.latestDay}T12:00:00Z`, 'UTC') : '';
  switch (f.reason) {
    case 'customerAcknowledgement':
      return t(locale, f.found ? 'poeCheck.acknowledgementFound' : 'poeCheck.acknowledgementMissing');
    case 'dates':
      if (f.found) return t(locale, 'poeCheck.datesFound', { date: day });
      return f.detail === 'tooOld'
        ? t(locale, 'poeCheck.datesTooOld', { date: day, months: options.maxAgeMonths ?? DEFAULT_POE_MAX_AGE_MONTHS })
        : t(locale, 'poeCheck.datesNone');
    case 'partnerSolution':
      if (f.found) return t(locale, 'poeCheck.partnerFound');
      return t(locale, f.detail === 'noWorkDescription' ? 'poeCheck.workMissing' : 'poeCheck.partnerNameMissing');
    case 'products':
      if (f.detail === 'noProductsClaimed') {
        const named = productNames((f.products ?? []).map((p) => p.productId));
        return named.length > 0
          ? t(locale, 'poeCheck.productsNamed', { products: formatList(locale, named) })
          : t(locale, 'poeCheck.productsNoneClaimed');
      }
      return f.found
        ? t(locale, 'poeCheck.productsFound')
        : t(locale, 'poeCheck.productsMissing', { products: formatList(locale, productNames(f.missingProductIds)) });
  }
}

function rowOf(locale: Locale, f: Judged, options: ChecklistOptions): ChecklistRow {
  // A missing product's row would show a named product's phrase; an old date's phrase helps.
  const shown = f.found || f.reason === 'dates';
  const phrase = options.evidence && shown && f.evidence ? t(locale, 'poeCheck.evidence', { phrase: f.evidence }) : '';
  const from = phrase && f.fileName ? ` ${t(locale, 'poeCheck.fromFile', { fileName: f.fileName })}` : '';
  const evidence = phrase ? ` ${phrase}${from}` : '';
  return {
    mark: f.found ? '✓ ' : '⚠ ',
    color: f.found ? 'Good' : 'Warning',
    text: findingText(locale, f, options),
    evidence,
    hasEvidence: evidence !== '',
  };
}

function group(
  locale: Locale,
  heading: string,
  findings: readonly Judged[],
  notes: string[],
  options: ChecklistOptions,
): ChecklistGroup {
  const rows = findings.map((f) => rowOf(locale, f, options));
  const missing = findings.some((f) => !f.found);
  const allNotes = findings.length > 0 && !missing && notes.length === 0 ? [t(locale, 'poeCheck.allFound')] : notes;
  const fix = options.fix && missing ? t(locale, 'poeCheck.fix') : '';
  return { heading, hasHeading: heading !== '', rows, notes: allNotes, fix, hasFix: fix !== '' };
}

/** One file's group: its findings against the claim as it stands, or why it could not be read. */
function fileGroup(
  locale: Locale,
  file: PoeFile,
  check: PoeFileCheck,
  claim: Claim,
  options: ChecklistOptions,
): ChecklistGroup {
  const heading = t(locale, 'poeCheck.fileHeading', { fileName: file.fileName });
  if (check.status === 'unreadable')
    return group(locale, heading, [], [t(locale, UNREADABLE[check.why], { fileName: file.fileName })], options);
  return group(locale, heading, currentFindings(check, claim.productIds), [], options);
}

function render(locale: Locale, title: MessageKey, groups: ChecklistGroup[]): unknown[] {
  const card = expandCard('poeChecklist', { labels: labelsFor(locale, { title }), groups });
  return (card.content.body as unknown[] | undefined) ?? [];
}

/** Per file, for the PoE card: each checked file's own list. Empty when no file was checked. */
export function fileChecklists(
  claim: Claim,
  files: readonly PoeFile[],
  locale: Locale,
  options: ChecklistOptions,
): unknown[] {
  const groups = files.flatMap((file) => (file.check ? [fileGroup(locale, file, file.check, claim, options)] : []));
  return groups.length > 0 ? render(locale, 'poeCheck.title', groups) : [];
}

/**
 * Over all files, for the summary and the reviewer: a reason found in any file counts.
 * Files whose check is still running (`checkingIds`) are said to be, by name.
 */
export function combinedChecklist(
  claim: Claim,
  locale: Locale,
  options: ChecklistOptions & { title: MessageKey; checkingIds?: readonly string[] },
): unknown[] {
  const checking = claim.poe.filter((file) => !file.check && (options.checkingIds ?? []).includes(file.id));
  if (!claim.poe.some((file) => file.check) && checking.length === 0) return [];
  const combined = combineChecks(claim.poe, claim.productIds);
  const notes = [
    ...checking.map((file) => t(locale, 'poeCheck.stillChecking', { fileName: file.fileName })),
    ...combined.unreadable.map((u) => t(locale, UNREADABLE[u.why], { fileName: u.fileName })),
  ];
  const findings = combined.anyChecked ? combined.findings : [];
  // "None could be read" only says more than the lines above when a file has no line of its own.
  const explained = new Set(combined.unreadable.map((u) => u.fileName));
  const unexplained = claim.poe.some((file) => !explained.has(file.fileName));
  if (!combined.anyChecked && checking.length === 0 && unexplained) notes.push(t(locale, 'poeCheck.noneRead'));
  return render(locale, options.title, [group(locale, '', findings, notes, options)]);
}

/** The host card with the checklist in place of its `poeChecklist` element, or without it when there is nothing to show. */
export function withChecklist(card: CardAttachment, elements: readonly unknown[]): CardAttachment {
  return spliceAt(card, CHECKLIST_ANCHOR, elements);
}

/** A card without a checklist place of its own (a notice) with the checklist after its body. */
export function withChecklistBelow(card: CardAttachment, elements: readonly unknown[]): CardAttachment {
  if (elements.length === 0) return card;
  const body = Array.isArray(card.content.body) ? card.content.body : [];
  return { ...card, content: { ...card.content, body: [...body, ...elements] } };
}
