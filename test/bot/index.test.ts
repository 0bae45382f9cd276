import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunningApp } from '../../bot/index';
import { DOCX_CONTENT_TYPE } from '../../documents/poeTemplate';
import { buildClaim } from '../support/claimFactory';

/**
 * The composition root as `npm start` runs it, in local mode: the configuration is
 * read from the environment when the module loads, so the test sets it first.
 */
describe('bot/index (local mode)', function () {
  this.timeout(60_000);
  const saved = { ...process.env };
  let startApp: () => Promise<RunningApp>;
  let app: RunningApp | undefined;

  before(() => {
    Object.assign(process.env, {
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'cpor-app-')),
      PORT: '0',
      LOCAL_COSMOS_PORT: '0',
      LOCAL_BLOB_PORT: '0',
      LOG_LEVEL: 'silent',
    });
    // Loaded only now (require, not import: the module reads the environment as it loads).
    ({ startApp } = require('../../bot/index') as typeof import('../../bot/index'));
  });
  after(async () => {
    await app?.lifecycle.stop('test end');
    for (const key of ['DATA_DIR', 'PORT', 'LOCAL_COSMOS_PORT', 'LOCAL_BLOB_PORT', 'LOG_LEVEL']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('serves healthy storage and answers turns, and keeps a claim, the demo partner and the link signing key across a restart', async () => {
    app = await startApp();
    assert.equal(app.config.mode, 'local');
    assert.match(app.url, /^http:\/\/127\.0\.0\.1:\d+$/, 'unauthenticated, so loopback only');
    assert.equal((await fetch(`${app.url}/healthz`)).status, 200);
    const reply = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        channelId: 'msteams',
        serviceUrl: 'http://127.0.0.1:9/',
        from: { id: 'u', aadObjectId: '00000000-0000-0000-0000-0000000000020' },
        recipient: { id: 'b' },
        conversation: { id: 'c', tenantId: '00000000-0000-0000-0000-0000000000001' },
        text: 'hello',
        deliveryMode: 'expectReplies',
      }),
    });
    assert.equal(reply.status, 200);
    assert.equal(((await reply.json()) as { activities: unknown[] }).activities.length, 1);

    const draft = { id: 'claim-restart', partnerId: '00000000-0000-0000-0000-0000000000001', name: 'kept' };
    await app.storage.database.container('claims').items.create(draft);
    // The PoE card's template link, signed before the restart, opens the template after it (the local key is kept).
    const filed = buildClaim({ partnerId: draft.partnerId });
    await app.services.claims.create(filed);
    const link = new URL(app.services.templateLinks.poeTemplate(filed, 'ja-JP'));
    assert.equal(await app.lifecycle.stop('restart'), true);

    app = await startApp();
    const kept = await app.services.claims.get(draft.partnerId, draft.id);
    assert.equal(kept?.value.name, 'kept');
    assert.ok(await app.services.partners.get('00000000-0000-0000-0000-0000000000001'), 'the demo partner is seeded');
    const template = await fetch(`${app.url}${link.pathname}${link.search}`);
    assert.equal(template.status, 200);
    assert.equal(template.headers.get('content-type'), DOCX_CONTENT_TYPE);
  });
});
