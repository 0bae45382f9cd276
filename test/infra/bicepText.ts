/**
 * A small, purpose-built reader for infra/main.bicep, enough for consistency tests:
 * strip comments, find a declaration's balanced `{…}`/`[…]` block, list an object's
 * top-level entries, and parse literal values (strings, numbers, booleans, null, arrays,
 * objects). It is not a Bicep parser: it understands only what our template uses, and
 * throws on anything else rather than guess.
 */

/** Removes `//` and `/* *\/` comments, leaving string literals (which may hold `//`) intact. */
export function stripComments(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    if (source.startsWith("'''", i)) {
      const end = source.indexOf("'''", i + 3);
      if (end < 0) throw new Error('unterminated multi-line string');
      out += source.slice(i, end + 3);
      i = end + 3;
    } else if (source[i] === "'") {
      const end = stringEnd(source, i);
      out += source.slice(i, end);
      i = end;
    } else if (source.startsWith('//', i)) {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) throw new Error('unterminated block comment');
      i = end + 2;
    } else {
      out += source[i];
      i++;
    }
  }
  return out;
}

/** Index just past the closing quote of the single-quoted string that opens at `start`. */
function stringEnd(source: string, start: number): number {
  let i = start + 1;
  while (i < source.length) {
    if (source[i] === '\\') i += 2;
    else if (source[i] === "'") return i + 1;
    else i++;
  }
  throw new Error(`unterminated string at ${start}`);
}

const CLOSERS: Record<string, string> = { '{': '}', '[': ']', '(': ')' };

/** Index just past the bracket that closes the one at `open` (strings skipped). */
function closingIndex(text: string, open: number): number {
  const stack: string[] = [];
  for (let i = open; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "'") {
      i = stringEnd(text, i) - 1;
    } else if (CLOSERS[ch]) {
      stack.push(CLOSERS[ch]);
    } else if (ch === '}' || ch === ']' || ch === ')') {
      if (stack.pop() !== ch) throw new Error(`unbalanced '${ch}' at ${i}`);
      if (stack.length === 0) return i + 1;
    }
  }
  throw new Error(`no closing bracket for the one at ${open}`);
}

/**
 * The balanced block that follows the first match of `declaration` (which must end just
 * before, or at, the opening bracket), e.g. `var appSettings = ` → `{ … }`.
 */
export function blockAfter(text: string, declaration: RegExp): string {
  const match = declaration.exec(text);
  if (!match) throw new Error(`not found: ${declaration}`);
  const open = text.slice(match.index + match[0].length).search(/[{[]/) + match.index + match[0].length;
  return text.slice(open, closingIndex(text, open));
}

/** Every `resource <name> '<type>@<version>'` declaration's body, by symbolic name. */
export function resourceBlocks(text: string): { name: string; type: string; apiVersion: string; body: string }[] {
  const found = [];
  const declaration = /^resource\s+(\w+)\s+'([^'@]+)@([^']+)'\s*=\s*/gm;
  for (let match = declaration.exec(text); match; match = declaration.exec(text)) {
    const open = text.slice(declaration.lastIndex).search(/[{[]/) + declaration.lastIndex;
    found.push({
      name: match[1]!,
      type: match[2]!,
      apiVersion: match[3]!,
      body: text.slice(open, closingIndex(text, open)),
    });
  }
  return found;
}

/** Splits the inside of a `{…}` or `[…]` block into its top-level entries (by newline or comma). */
function topLevelEntries(block: string): string[] {
  const inner = block.slice(1, -1);
  const entries: string[] = [];
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i]!;
    if (ch === "'") i = stringEnd(inner, i) - 1;
    else if (CLOSERS[ch]) i = closingIndex(inner, i) - 1;
    else if (ch === '\n' || ch === ',') {
      entries.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  entries.push(inner.slice(start));
  return entries.map((e) => e.trim()).filter((e) => e.length > 0);
}

/** The top-level `key: value-expression` pairs of an object block, values as source text. */
export function objectEntries(block: string): Map<string, string> {
  if (!block.startsWith('{')) throw new Error('not an object block');
  const entries = new Map<string, string>();
  for (const entry of topLevelEntries(block)) {
    const match = /^('(?:[^'\\]|\\.)*'|\w+)\s*:\s*([\s\S]+)$/.exec(entry);
    if (!match) throw new Error(`not a key: value entry: ${entry}`);
    const key = match[1]!.startsWith("'") ? match[1]!.slice(1, -1) : match[1]!;
    if (entries.has(key)) throw new Error(`duplicate key ${key}`);
    entries.set(key, match[2]!.trim());
  }
  return entries;
}

export type Literal = string | number | boolean | null | Literal[] | { [key: string]: Literal };

/** Parses a literal value: quoted string, number, true/false/null, or an array/object of them. */
export function parseLiteral(source: string): Literal {
  const text = source.trim();
  if (text.startsWith('[')) {
    if (closingIndex(text, 0) !== text.length) throw new Error(`trailing text after array: ${text}`);
    return topLevelEntries(text).map(parseLiteral);
  }
  if (text.startsWith('{')) {
    if (closingIndex(text, 0) !== text.length) throw new Error(`trailing text after object: ${text}`);
    return Object.fromEntries([...objectEntries(text)].map(([key, value]) => [key, parseLiteral(value)]));
  }
  if (text.startsWith("'")) {
    if (stringEnd(text, 0) !== text.length) throw new Error(`not a plain string literal: ${text}`);
    if (/\$\{/.test(text)) throw new Error(`interpolated string is not a literal: ${text}`);
    return text.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  if (/^-?\d+$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null') return null;
  throw new Error(`not a literal: ${text}`);
}

/** `param <name> <type> [= <default>]` declarations, defaults as source text. */
export function params(text: string): Map<string, { type: string; defaultValue?: string }> {
  const found = new Map<string, { type: string; defaultValue?: string }>();
  for (const match of text.matchAll(/^param\s+(\w+)\s+(\w+)(?:\s*=\s*(.+))?$/gm)) {
    found.set(match[1]!, { type: match[2]!, defaultValue: match[3]?.trim() });
  }
  return found;
}

/** The value expression of `var <name> = …` on one line. */
export function simpleVar(text: string, name: string): string {
  const match = new RegExp(`^var\\s+${name}\\s*=\\s*(.+)$`, 'm').exec(text);
  if (!match) throw new Error(`var ${name} not found`);
  return match[1]!.trim();
}

/**
 * The value of `key:` inside a block (first occurrence at any depth, on its own line or
 * inside a one-line `{ a: 1, key: 2 }`), as source text up to the end of that value.
 */
export function propertyOf(block: string, key: string): string | undefined {
  const match = new RegExp(`(?:^|[{,])[ \\t]*${key}[ \\t]*:[ \\t]*`, 'm').exec(block);
  if (!match) return undefined;
  const from = match.index + match[0].length;
  let i = from;
  while (i < block.length) {
    const ch = block[i]!;
    if (ch === "'") i = stringEnd(block, i);
    else if (CLOSERS[ch]) i = closingIndex(block, i);
    else if (ch === '\n' || ch === ',' || ch === '}' || ch === ']' || ch === ')') break;
    else i++;
  }
  return block.slice(from, i).trim();
}
