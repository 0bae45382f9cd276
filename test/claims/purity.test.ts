/**
 * The domain core stays framework-free (DESIGN.md): every file in claims/ may import
 * node built-ins, small pure libraries and its siblings, nothing from the edges.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const CLAIMS_DIR = path.resolve(__dirname, '../../claims');
const FORBIDDEN = [/^botbuilder/, /^restify/, /^@azure\//, /^adaptivecards/, /^adaptive-expressions/, /^pino/, /^nodemailer/, /^applicationinsights/];

/** Module specifiers of import/export-from statements, dynamic import() and require(). */
function importsOf(source: string): string[] {
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[1] ?? ''));
}

function violations(file: string, source: string): string[] {
  return importsOf(source).filter((specifier) => {
    if (specifier.startsWith('.')) return path.relative(CLAIMS_DIR, path.resolve(path.dirname(file), specifier)).startsWith('..');
    return FORBIDDEN.some((pattern) => pattern.test(specifier));
  });
}

describe('claims/ purity', () => {
  it('finds import specifiers in every form it checks', () => {
    const sample = `import x from 'a';\nimport type { Y } from "b";\nimport {\n  z,\n} from 'c';\nexport { w } from './d';\nimport 'e';\nconst f = require('f');\nconst g = await import('g');`;
    assert.deepEqual(importsOf(sample).sort(), ['./d', 'a', 'b', 'c', 'e', 'f', 'g']);
  });

  it('flags SDK imports and relative paths that leave claims/', () => {
    const file = path.join(CLAIMS_DIR, 'example.ts');
    const bad = `import { TurnContext } from 'botbuilder';\nimport { CosmosClient } from '@azure/cosmos';\nimport pino from 'pino';\nimport { x } from '../storage/standIns';\nimport { y } from './model';\nimport Holidays from 'date-holidays';`;
    assert.deepEqual(violations(file, bad), ['botbuilder', '@azure/cosmos', 'pino', '../storage/standIns']);
  });

  const files = readdirSync(CLAIMS_DIR).filter((name) => name.endsWith('.ts'));
  it('has files to check', () => {
    assert.ok(files.length >= 5);
  });
  for (const name of files) {
    it(`keeps claims/${name} free of SDK and outward imports`, () => {
      const file = path.join(CLAIMS_DIR, name);
      assert.deepEqual(violations(file, readFileSync(file, 'utf8')), []);
    });
  }
});
