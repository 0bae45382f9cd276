/**
 * What a hostile or careless client types and sends, as fast-check arbitraries: any
 * Unicode (control characters, NUL, lone surrogates, right-to-left and zero-width marks,
 * emoji), text over 10,000 characters, template expressions, markdown links, HTML and
 * script, SQL, JSON-breaking quotes; and values of the wrong type where a card sends a
 * string: numbers, booleans, null, arrays, nested objects, objects carrying
 * `__proto__` / `constructor` / `prototype` keys.
 */
import fc from 'fast-check';
import { POLLUTION_MARKER } from './replies';

/** One seed for the whole suite, so a failure replays exactly (override with HOSTILE_SEED). */
export const SEED = Number(process.env.HOSTILE_SEED ?? 20260302);

/** Each property's run count: modest, so the suite stays well under a minute. */
export const fuzzRuns = (runs: number) => ({ numRuns: Number(process.env.HOSTILE_RUNS ?? runs), seed: SEED });

export const NASTY_TEXTS: readonly string[] = [
  '${$root.labels.title}',
  "${if(true,'x','y')}",
  '${json(x)}${',
  '{name}{{x}} $& $1 @{x}',
  '[click me](https://evil.example/phish) ![img](https://evil.example/x.png)',
  '<script>alert(1)</script><img src=x onerror=alert(1)>',
  '**bold** _it_ `code` # heading\n- item\n> quote',
  "'; DROP TABLE claims; --",
  '" OR 1=1 -- ',
  '"}],"verb":"submitClaim","x":[{"',
  '\\"\\u0000\\\\',
  'a\u0000b',
  '\u202eevil\u202c gnp.exe',
  '\u200b\u200c\u200d\ufeff',
  'مرحبا \u200f עברית',
  '🚀👩‍👩‍👧‍👦🇰🇷',
  '\ud800 lone \udfff',
  '\r\n\t\v\f\u0085\u2028\u2029',
  'x'.repeat(101),
  ' ',
  '',
];

const FRAGMENTS = [
  ...NASTY_TEXTS.filter((t) => t.length < 100),
  'Contoso',
  '한국어',
  '日本語',
  ' ',
  '\n',
  '.',
  '@',
  '-',
];

/** More than 10,000 characters of one kind (ASCII, Hangul, emoji, template). */
const long: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 10_001, max: 12_000 }), fc.constantFrom('a', '한', '🚀', '${x}', '[a](b)'))
  .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_TEXTS) },
  {
    weight: 3,
    arbitrary: fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 120 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 120 }) },
  {
    weight: 1,
    arbitrary: fc.string({
      unit: fc.constantFrom('\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u202e', '\u2066', '\ufffe', '\ud83d'),
      maxLength: 20,
    }),
  },
  { weight: 1, arbitrary: long },
);

/** An object whose own keys are the ones a careless merge turns into prototype writes. */
export const pollutingObject: fc.Arbitrary<Record<string, unknown>> = fc.constantFrom(
  Object.fromEntries([['__proto__', { [POLLUTION_MARKER]: 'yes' }]]),
  Object.fromEntries([['constructor', { prototype: { [POLLUTION_MARKER]: 'yes' } }]]),
  Object.fromEntries([
    ['prototype', { [POLLUTION_MARKER]: 'yes' }],
    ['toString', 'x'],
    ['valueOf', 1],
    ['hasOwnProperty', null],
  ]),
);

/** Anything but a string, where a card sends a string. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string({ maxLength: 10 }), fc.integer()), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
  fc.constant({ nested: { deeper: { deepest: [1, { a: '${x}' }] } } }),
  pollutingObject,
);

/** One field's value: mostly hostile text, sometimes the wrong type, sometimes something `valid`. */
export function fieldValue(valid: readonly string[] = []): fc.Arbitrary<unknown> {
  const options: fc.WeightedArbitrary<unknown>[] = [
    { weight: 5, arbitrary: hostileString },
    { weight: 2, arbitrary: wrongType },
  ];
  if (valid.length > 0) options.push({ weight: 1, arbitrary: fc.constantFrom(...valid) });
  return fc.oneof(...options);
}

/** Keys a hostile submit may carry besides the card's inputs. */
const EXTRA_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'verb',
  'claimId',
  'nonce',
  'partnerId',
  'section',
  'createdBy',
  'status',
  'id',
  'toString',
];

/** Extra entries to add to a submit (made with Object.fromEntries, so `__proto__` stays an own key, as JSON.parse leaves it). */
export const extraEntries: fc.Arbitrary<[string, unknown][]> = fc.array(
  fc.tuple(fc.oneof(fc.constantFrom(...EXTRA_KEYS), fc.string({ maxLength: 12 })), fc.oneof(hostileString, wrongType)),
  { maxLength: 3 },
);

/** A submit value that is not an object at all. */
export const notAnObject: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.string({ maxLength: 20 }),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 3 }),
  fc.boolean(),
);

/** Builds an object from entries as JSON.parse would: every key an own data property. */
export const recordOf = (entries: Iterable<readonly [string, unknown]>): Record<string, unknown> =>
  Object.fromEntries(entries);
