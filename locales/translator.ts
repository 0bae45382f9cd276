/**
 * Message lookup and placeholder filling. Parameters are inserted as plain text in
 * one pass over the catalog string: a parameter containing `{x}`, `${x}`, `$&` or
 * markdown comes out exactly as it went in, never expanded or evaluated.
 */
import { CATALOGS, DEFAULT_LOCALE, type Locale, type MessageKey } from './catalogs';

export type MessageParams = Readonly<Record<string, string | number>>;

export interface TranslatorOptions {
  /**
   * Throw instead of degrading when a locale lacks a key (normally: fall back to
   * en-US) or a message names a parameter the caller did not pass (normally: leave
   * the placeholder visible). Tests use it so a gap fails loudly.
   */
  strict?: boolean;
}

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** The placeholder names a message uses, in order of first appearance. */
export function placeholdersOf(message: string): string[] {
  return [...new Set([...message.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ''))];
}

function lookup(tree: unknown, key: string): unknown {
  let node = tree;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

export class MissingMessageError extends Error {
  constructor(
    readonly locale: Locale,
    readonly key: string,
    detail: string,
  ) {
    super(`message ${key} (${locale}): ${detail}`);
    this.name = 'MissingMessageError';
  }
}

export class Translator {
  private readonly numberFormats = new Map<Locale, Intl.NumberFormat>();

  constructor(
    private readonly catalogs: Readonly<Record<Locale, unknown>> = CATALOGS,
    private readonly options: TranslatorOptions = {},
  ) {}

  /** True when en-US (the reference) has a string under this key: narrows a computed key. */
  has(key: string): key is MessageKey {
    return typeof lookup(this.catalogs[DEFAULT_LOCALE], key) === 'string';
  }

  /** The raw catalog string, falling back to en-US; throws when en-US lacks it too. */
  message(locale: Locale, key: MessageKey): string {
    const own = lookup(this.catalogs[locale], key);
    if (typeof own === 'string') return own;
    if (this.options.strict && locale !== DEFAULT_LOCALE) {
      throw new MissingMessageError(locale, key, 'missing in this locale');
    }
    const reference = lookup(this.catalogs[DEFAULT_LOCALE], key);
    if (typeof reference === 'string') return reference;
    throw new MissingMessageError(locale, key, 'missing in en-US');
  }

  /** A string-array entry (command words), empty when absent. */
  list(locale: Locale, key: string): string[] {
    const value = lookup(this.catalogs[locale], key);
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  }

  t(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
    const template = this.message(locale, key);
    return template.replace(PLACEHOLDER, (placeholder: string, name: string) => {
      // A replacer function (not a replacement string) so `$&` and friends in values stay literal.
      const value = Object.hasOwn(params, name) ? params[name] : undefined;
      if (value === undefined) {
        if (this.options.strict) throw new MissingMessageError(locale, key, `parameter {${name}} not given`);
        return placeholder;
      }
      return typeof value === 'number' ? this.formatNumber(locale, value) : value;
    });
  }

  private formatNumber(locale: Locale, value: number): string {
    let format = this.numberFormats.get(locale);
    if (!format) {
      format = new Intl.NumberFormat(locale);
      this.numberFormats.set(locale, format);
    }
    return format.format(value);
  }
}

let defaultTranslator = new Translator();

/** Switches the shared translator to strict mode (tests) or back. */
export function configureTranslations(options: TranslatorOptions): void {
  defaultTranslator = new Translator(CATALOGS, options);
}

/** The localized message for `key`, with `params` inserted as plain text. */
export function t(locale: Locale, key: MessageKey, params?: MessageParams): string {
  return defaultTranslator.t(locale, key, params);
}

/** Narrows a computed key such as `problems.${code}` to a MessageKey when en-US has it. */
export function hasMessage(key: string): key is MessageKey {
  return defaultTranslator.has(key);
}

/** The string array under `key` in one locale (command words). */
export function messageList(locale: Locale, key: string): string[] {
  return defaultTranslator.list(locale, key);
}
