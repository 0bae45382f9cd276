import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SETTINGS } from '../../bot/app/config';

const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
/** From the Configuration heading to the next second-level heading. */
const configurationSection = readme.split(/^## /m).find((section) => section.startsWith('Configuration')) ?? '';

describe('README.md', () => {
  it('has a Configuration row for every setting, with the same default, and none for unknown keys', () => {
    const rows = new Map(
      [...configurationSection.matchAll(/^\| `([A-Za-z_]+)` \| (.*?) \|/gm)].map((m) => [
        m[1],
        m[2].trim().replace(/^`|`$/g, ''),
      ]),
    );
    for (const setting of SETTINGS) {
      assert.ok(rows.has(setting.key), `${setting.key} is missing from the README's Configuration table`);
      assert.equal(
        rows.get(setting.key),
        setting.default ?? '',
        `${setting.key}: README default differs from bot/app/config.ts`,
      );
    }
    assert.deepEqual(
      [...rows.keys()].filter((key) => !SETTINGS.some((s) => s.key === key)),
      [],
    );
  });

  it('describes every setting as bot/app/config.ts does, and marks the same ones required in Azure', () => {
    const rows = new Map(
      [...configurationSection.matchAll(/^\| `([A-Za-z_]+)` \| .*? \| (.*?) \| (.*) \|$/gm)].map((m) => [
        m[1],
        { required: m[2].trim(), description: m[3].trim() },
      ]),
    );
    for (const setting of SETTINGS) {
      const marks = [setting.secret ? 'secret' : '', setting.localOnly ? 'local only' : ''].filter(Boolean).join(', ');
      const expected = marks ? `${setting.description} (${marks})` : setting.description;
      assert.equal(
        rows.get(setting.key)?.description,
        expected,
        `${setting.key}: README description differs from bot/app/config.ts`,
      );
      const required = { always: 'yes', azure: 'in Azure', never: '' }[setting.required];
      assert.equal(
        rows.get(setting.key)?.required,
        required,
        `${setting.key}: README Required column differs from bot/app/config.ts`,
      );
    }
  });

  it('gives the two-command quick start and the sections operators look for', () => {
    assert.match(readme, /npm install && npm start/);
    assert.match(readme, /npm test/);
    assert.match(readme, /npm run playground/);
    for (const heading of ['## Quick start', '## Configuration', '## Deploy to Azure'])
      assert.ok(readme.includes(heading), heading);
  });
});
