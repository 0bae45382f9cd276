/**
 * Comma-separated values as RFC 4180 defines them, both ways: the claims export writes
 * it and the legacy association import reads it. Pure text functions, no I/O.
 *
 * Writing is also spreadsheet-safe: Excel and friends run a cell that starts with
 * = + - @ (or a tab or carriage return before one) as a formula, so a claim named
 * `=HYPERLINK(...)` would become a live link in the reviewer's sheet. Such cells get a
 * leading apostrophe, which the spreadsheet shows as text (OWASP "CSV injection"), also
 * when invisible characters come first; cells with a `;` are quoted, so a spreadsheet
 * that splits on semicolons keeps them whole.
 */

/** Lets Excel recognise the file as UTF-8 (Korean and Japanese names would be mojibake otherwise). */
export const UTF8_BOM = '\uFEFF';

const FORMULA_START = /^[=+\-@\t\r]/;
/**
 * Characters that show nothing before a cell's first visible one: soft hyphens,
 * zero-width characters, joiners, direction marks and embeddings, the byte-order mark.
 * `\u200B=cmd` must be guarded like `=cmd`. (A visible space makes the cell text.)
 */
const INVISIBLE_LEAD = /^(?:[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF]|\u034F)+/;
/** A `;` is the column separator where the decimal mark is a comma: such a cell must be quoted to stay one cell. */
const NEEDS_QUOTES = /[",;\r\n]/;

/** The cell with a leading apostrophe when a spreadsheet would take it for a formula. */
export function spreadsheetSafe(value: string): string {
  return FORMULA_START.test(value.replace(INVISIBLE_LEAD, '')) ? `'${value}` : value;
}

/** One field, quoted (with doubled quotes) only when it holds a quote, comma, semicolon or line break. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Rows as CSV text: every cell made spreadsheet-safe and quoted as needed, CRLF after each row. */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => `${row.map((cell) => csvField(spreadsheetSafe(cell))).join(',')}\r\n`).join('');
}

export interface CsvRecord {
  /** The 1-based line of the file on which the record starts. */
  line: number;
  cells: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(`line ${line}: ${detail}`);
    this.name = 'CsvSyntaxError';
  }
}

/**
 * Reads CSV text into records, each with the line it starts on (a quoted field may span
 * lines). Accepts CRLF or LF, ignores a leading byte-order mark and blank lines, and
 * throws CsvSyntaxError for an unterminated quote or a quote inside an unquoted field.
 */
export function parseCsv(text: string): CsvRecord[] {
  const source = text.startsWith(UTF8_BOM) ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  while (i < source.length) {
    const start = line;
    const cells: string[] = [];
    // One record: fields until an unquoted line break or the end.
    for (;;) {
      let cell = '';
      if (source[i] === '"') {
        const opened = line;
        i += 1;
        for (;;) {
          if (i >= source.length) throw new CsvSyntaxError(opened, 'a quoted field is never closed');
          const ch = source[i] as string;
          if (ch === '"' && source[i + 1] === '"') {
            cell += '"';
            i += 2;
          } else if (ch === '"') {
            i += 1;
            break;
          } else {
            if (ch === '\n') line += 1;
            cell += ch;
            i += 1;
          }
        }
        const next = source[i];
        if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n')
          throw new CsvSyntaxError(line, 'text after a closing quote');
      } else {
        while (i < source.length && !',\r\n'.includes(source[i] as string)) {
          if (source[i] === '"')
            throw new CsvSyntaxError(
              line,
              'a quote inside an unquoted field (quote the whole field and double the quote)',
            );
          cell += source[i];
          i += 1;
        }
      }
      cells.push(cell);
      if (source[i] === ',') {
        i += 1;
        continue;
      }
      break;
    }
    if (source[i] === '\r' || source[i] === '\n') {
      i += source[i] === '\r' && source[i + 1] === '\n' ? 2 : 1;
      line += 1;
    }
    const blank = cells.length === 1 && cells[0] === '';
    if (!blank) records.push({ line: start, cells });
  }
  return records;
}
