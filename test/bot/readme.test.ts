import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SETTINGS } from '../../bot/config';

const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
/** From the Configuration heading to the next second-level heading. */
const configurationSection = readme.split(/^## /m).find((section) => section.startsWith('Configuration')) ?? '';

describe('README.md', () => {
  it('has a Configuration row for every setting, with the same default, and none for unknown keys', () => {
    const rows = new Map(
      [...configurationSection.matchAll(/^\| `([A-Za-z_]+)` \| (.*?) \|/gm)].map((m) => [m[1], m[2].trim().replace(/^`|`$/g, '')]),
    );
    for (const setting of SETTINGS) {
      assert.ok(rows.has(setting.key), `${setting.key} is missing from the README's Configuration table`);
      assert.equal(rows.get(setting.key), setting.default ?? '', `${setting.key}: README default differs from bot/config.ts`);
    }
    assert.deepEqual([...rows.keys()].filter((key) => !SETTINGS.some((s) => s.key === key)), []);
  });

  it('gives the two-command quick start and the sections operators look for', () => {
    assert.match(readme, /npm install && npm start/);
    assert.match(readme, /npm test/);
    assert.match(readme, /npm run playground/);
    for (const heading of ['## Quick start', '## Configuration', '## Deploy to Azure']) assert.ok(readme.includes(heading), heading);
  });
});
