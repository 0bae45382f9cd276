/**
 * Dependencies point inward, checked on every `npm test`: the table below is the
 * rule (docs/ARCHITECTURE.md explains it), and every import of every product file
 * is held to it. The domain core (claims/) needs nothing from the edges; the
 * conversation (dialogs/, cards/, documents/, locales/) reaches storage only through
 * the ports in claims/ports.ts; only the entry points reach the composition root.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const PRODUCT_DIRS = ['bot', 'cards', 'claims', 'dialogs', 'documents', 'locales', 'manifest', 'storage'] as const;

/** The folder a repository path belongs to for the rules; bot/app is a room of its own. */
type Area = (typeof PRODUCT_DIRS)[number] | 'bot/app' | 'entry' | 'test' | 'bench' | 'other';
const ENTRY_POINTS = new Set(['bot/index.ts', 'bot/playground.ts']);

function areaOf(repoPath: string): Area {
  if (ENTRY_POINTS.has(repoPath)) return 'entry';
  if (repoPath.startsWith('bot/app/')) return 'bot/app';
  const top = repoPath.split('/')[0] ?? '';
  if (top === 'test' || top === 'bench') return top;
  return (PRODUCT_DIRS as readonly string[]).includes(top) ? (top as Area) : 'other';
}

/** Packages the domain core may use: Node's own modules and these small pure libraries. */
const CORE_PACKAGES = new Set(['date-holidays']);

/** What each area may not import (by area); `claims` is also held to CORE_PACKAGES. */
const FORBIDDEN: Readonly<Record<(typeof PRODUCT_DIRS)[number] | 'bot/app' | 'entry', readonly Area[]>> = {
  claims: [
    'bot',
    'bot/app',
    'entry',
    'cards',
    'dialogs',
    'documents',
    'locales',
    'manifest',
    'storage',
    'test',
    'bench',
  ],
  locales: ['bot', 'bot/app', 'entry', 'cards', 'dialogs', 'documents', 'manifest', 'storage', 'test', 'bench'],
  cards: ['bot', 'bot/app', 'entry', 'dialogs', 'documents', 'manifest', 'storage', 'test', 'bench'],
  documents: ['bot', 'bot/app', 'entry', 'cards', 'dialogs', 'manifest', 'storage', 'test', 'bench'],
  dialogs: ['bot', 'bot/app', 'entry', 'manifest', 'storage', 'test', 'bench'],
  storage: ['bot', 'bot/app', 'entry', 'cards', 'dialogs', 'documents', 'locales', 'manifest', 'test', 'bench'],
  manifest: ['bot', 'bot/app', 'entry', 'cards', 'dialogs', 'documents', 'storage', 'test', 'bench'],
  // The rooms of bot/ get storage through ports; only the composition root constructs it.
  bot: ['bot/app', 'entry', 'storage', 'test', 'bench'],
  'bot/app': ['entry', 'test', 'bench'],
  entry: ['test', 'bench'],
};

/** Module specifiers of import/export-from statements, dynamic import() and require(). */
function importsOf(source: string): string[] {
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[1] ?? ''));
}

/** The imports of `repoPath` that break the table, as "specifier (rule)". */
function violations(repoPath: string, source: string): string[] {
  const from = areaOf(repoPath);
  if (from === 'test' || from === 'bench' || from === 'other') return [];
  const forbidden = FORBIDDEN[from];
  return importsOf(source).flatMap((specifier) => {
    if (specifier.startsWith('.')) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(repoPath), specifier));
      const to = target.startsWith('..') ? 'other' : areaOf(target.endsWith('.ts') ? target : `${target}.ts`);
      return forbidden.includes(to) ? [`${specifier} (${from} → ${to})`] : [];
    }
    if (from !== 'claims' || specifier.startsWith('node:')) return [];
    const name = specifier.startsWith('@')
      ? specifier.split('/').slice(0, 2).join('/')
      : (specifier.split('/')[0] ?? '');
    return CORE_PACKAGES.has(name) ? [] : [`${specifier} (claims → package)`];
  });
}

function productFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const repoPath = `${dir}/${name}`;
    if (statSync(path.join(ROOT, repoPath)).isDirectory()) return productFiles(repoPath);
    return name.endsWith('.ts') ? [repoPath] : [];
  });
}

describe('dependency rules', () => {
  it('finds import specifiers in every form it checks', () => {
    const sample = `import x from 'a';\nimport type { Y } from "b";\nimport {\n  z,\n} from 'c';\nexport { w } from './d';\nimport 'e';\nconst f = require('f');\nconst g = await import('g');`;
    assert.deepEqual(importsOf(sample).sort(), ['./d', 'a', 'b', 'c', 'e', 'f', 'g']);
  });

  it('flags SDKs in the core and imports against the direction of the table', () => {
    const core = `import { TurnContext } from 'botbuilder';\nimport { CosmosClient } from '@azure/cosmos';\nimport pino from 'pino';\nimport { x } from '../storage/standIns';\nimport { y } from './model';\nimport Holidays from 'date-holidays';\nimport { createHash } from 'node:crypto';`;
    assert.deepEqual(violations('claims/example.ts', core), [
      'botbuilder (claims → package)',
      '@azure/cosmos (claims → package)',
      'pino (claims → package)',
      '../storage/standIns (claims → storage)',
    ]);
    assert.deepEqual(
      violations(
        'cards/example.ts',
        `import { a } from '../storage/poeStore';\nimport { b } from '../dialogs/caller';\nimport { c } from '../claims/model';`,
      ),
      ['../storage/poeStore (cards → storage)', '../dialogs/caller (cards → dialogs)'],
    );
    assert.deepEqual(
      violations(
        'bot/teams/example.ts',
        `import { a } from '../../storage/idempotencyRecords';\nimport { b } from '../app/logger';\nimport { c } from '../http/turnLog';`,
      ),
      ['../../storage/idempotencyRecords (bot → storage)', '../app/logger (bot → bot/app)'],
    );
    assert.deepEqual(violations('dialogs/newClaim/example.ts', `import { a } from '../../bot/app/config';`), [
      '../../bot/app/config (dialogs → bot/app)',
    ]);
    assert.deepEqual(
      violations('bot/index.ts', `import { a } from './app/config';\nimport { b } from '../storage/claimRepository';`),
      [],
    );
    assert.deepEqual(violations('test/example.test.ts', `import { a } from '../bot/app/config';`), []);
  });

  const files = PRODUCT_DIRS.flatMap((dir) => productFiles(dir));
  it('has files to check in every area', () => {
    for (const dir of PRODUCT_DIRS)
      assert.ok(
        files.some((file) => file.startsWith(`${dir}/`)),
        dir,
      );
    assert.ok(files.some((file) => areaOf(file) === 'bot/app'));
  });
  for (const file of files) {
    it(`${file} imports only what the table allows`, () => {
      assert.deepEqual(violations(file, readFileSync(path.join(ROOT, file), 'utf8')), []);
    });
  }
});
