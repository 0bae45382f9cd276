/**
 * Where things are in a JSON text, for error messages that name lines: the line each
 * element of a top-level array starts on, or the line of the first syntax error.
 * JSON.parse's own messages name a position on some Node versions, a line on others,
 * and neither for some errors, so we scan for ourselves (a strict RFC 8259 reader).
 */

export type JsonLocation = { ok: true; elementLines: number[] } | { ok: false; line: number; detail: string };

class Scan {
  i = 0;
  readonly elementLines: number[] = [];
  /** Offsets of the line breaks, so a line number is a binary search, not a rescan. */
  private readonly breaks: number[] = [];

  constructor(readonly text: string) {
    for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) this.breaks.push(k);
  }

  line(at = this.i): number {
    let low = 0;
    let high = this.breaks.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.breaks[middle] as number) < at) low = middle + 1;
      else high = middle;
    }
    return low + 1;
  }

  fail(detail: string): never {
    throw new JsonScanError(this.line(), detail);
  }

  space(): void {
    while (this.i < this.text.length && ' \t\r\n'.includes(this.text[this.i] as string)) this.i += 1;
  }

  expect(ch: string): void {
    this.space();
    if (this.text[this.i] !== ch)
      this.fail(this.i >= this.text.length ? `expected "${ch}" before the end` : `expected "${ch}"`);
    this.i += 1;
  }

  value(depth: number): void {
    this.space();
    const ch = this.text[this.i];
    if (ch === '{') this.members(depth);
    else if (ch === '[') this.elements(depth);
    else if (ch === '"') this.string();
    else if (ch !== undefined && /[-0-9]/.test(ch)) this.number();
    else if (!this.literal())
      this.fail(ch === undefined ? 'the text ends where a value should be' : `unexpected "${ch}"`);
  }

  private literal(): boolean {
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return true;
      }
    }
    return false;
  }

  private number(): void {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.i));
    if (!match) this.fail('malformed number');
    this.i += match[0].length;
  }

  private string(): void {
    this.i += 1;
    for (;;) {
      const ch = this.text[this.i];
      if (ch === undefined || ch === '\n') this.fail('a string is never closed');
      this.i += ch === '\\' ? 2 : 1;
      if (ch === '"') return;
    }
  }

  private members(depth: number): void {
    this.sequence('}', () => {
      this.space();
      if (this.text[this.i] !== '"') this.fail('expected a quoted field name');
      this.string();
      this.expect(':');
      this.value(depth + 1);
    });
  }

  private elements(depth: number): void {
    this.sequence(']', () => {
      this.space();
      if (depth === 0) this.elementLines.push(this.line());
      this.value(depth + 1);
    });
  }

  /** An object's members or an array's elements: items separated by commas up to `close`. */
  private sequence(close: string, item: () => void): void {
    this.i += 1;
    this.space();
    if (this.text[this.i] === close) {
      this.i += 1;
      return;
    }
    for (;;) {
      item();
      this.space();
      if (this.text[this.i] !== ',') return this.expect(close);
      this.i += 1;
    }
  }
}

class JsonScanError extends Error {
  constructor(
    readonly line: number,
    readonly detail: string,
  ) {
    super(detail);
  }
}

export function locateJson(text: string): JsonLocation {
  const scan = new Scan(text.startsWith('\uFEFF') ? ` ${text.slice(1)}` : text);
  try {
    scan.value(0);
    scan.space();
    if (scan.i < scan.text.length) scan.fail('text after the end of the JSON value');
    return { ok: true, elementLines: scan.elementLines };
  } catch (e) {
    if (e instanceof JsonScanError) return { ok: false, line: e.line, detail: e.detail };
    throw e;
  }
}
