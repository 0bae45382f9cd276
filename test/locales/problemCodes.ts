/**
 * Finds every problem code the domain core can produce by reading its source, so a
 * new code without a message fails the locale tests even before any test triggers it.
 *
 * What counts as producing a code:
 * - an object property `code: 'x'` (or a union of literals in a type annotation);
 * - an argument passed in the `code` position of a local factory, i.e. any function
 *   with a parameter named `code` or `…Code` (`problem('x', …)`, `validateGuid(v, f, 'x')`);
 * - `super('x', …)` in a class extending DomainError.
 * Reading one module's exported `PROBLEM_CODES`, if any, is added on top.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const CLAIMS_DIR = path.resolve(__dirname, '../../claims');
const LITERAL = /^'([A-Za-z][A-Za-z0-9]*)'$/;

/** Splits a call's argument list at top-level commas, honouring brackets and quotes. */
export function splitArguments(source: string, openIndex: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (let i = openIndex + 1; i < source.length; i++) {
    const ch = source[i] ?? '';
    if (quote) {
      current += ch;
      if (ch === '\\') current += source[++i] ?? '';
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    if ('([{'.includes(ch)) depth++;
    if (')]}'.includes(ch)) {
      if (depth === 0) {
        args.push(current.trim());
        return args;
      }
      depth--;
    }
    if (ch === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  return args;
}

/** Local functions with a code parameter, and that parameter's position. */
function codeFactories(source: string): Map<string, number> {
  const factories = new Map<string, number>();
  const declaration = /(?:function\s+(\w+)\s*|(?:const|let)\s+(\w+)\s*=\s*(?:async\s*)?)\(/g;
  for (const match of source.matchAll(declaration)) {
    const name = match[1] ?? match[2] ?? '';
    const open = (match.index ?? 0) + match[0].length - 1;
    const params = splitArguments(source, open).map(
      (param) =>
        param
          .replace(/^readonly\s+/, '')
          .split(/[?:=]/)[0]
          ?.trim() ?? '',
    );
    const position = params.findIndex((param) => /^(code|\w+Code)$/.test(param));
    if (position >= 0) factories.set(name, position);
  }
  return factories;
}

/**
 * Codes in one source text. `factories` adds code-taking functions declared
 * elsewhere (a shared `problem()` imported from another module).
 */
export function codesInSource(source: string, factories: ReadonlyMap<string, number> = new Map()): Set<string> {
  const codes = new Set<string>();
  for (const match of source.matchAll(/\bcode\s*:\s*\|?\s*((?:'[A-Za-z][A-Za-z0-9]*'\s*\|?\s*)+)/g)) {
    for (const literal of (match[1] ?? '').matchAll(/'([A-Za-z][A-Za-z0-9]*)'/g)) codes.add(literal[1] ?? '');
  }
  for (const match of source.matchAll(/\bsuper\(\s*'([A-Za-z][A-Za-z0-9]*)'/g)) codes.add(match[1] ?? '');
  for (const [name, position] of new Map([...factories, ...codeFactories(source)])) {
    for (const call of source.matchAll(new RegExp(`(?<![\\w.])${name}\\(`, 'g'))) {
      const argument = splitArguments(source, (call.index ?? 0) + call[0].length - 1)[position] ?? '';
      const literal = LITERAL.exec(argument);
      if (literal?.[1]) codes.add(literal[1]);
    }
  }
  return codes;
}

/** Every code produced anywhere in `claims/`, with the file that produces it. */
export function domainProblemCodes(): Map<string, string> {
  const sources = readdirSync(CLAIMS_DIR)
    .filter((name) => name.endsWith('.ts'))
    .sort()
    .map((file) => ({ file, source: readFileSync(path.join(CLAIMS_DIR, file), 'utf8') }));
  const factories = new Map(sources.flatMap(({ source }) => [...codeFactories(source)]));
  const found = new Map<string, string>();
  for (const { file, source } of sources) {
    for (const code of codesInSource(source, factories)) {
      if (!found.has(code)) found.set(code, file);
    }
  }
  return found;
}
