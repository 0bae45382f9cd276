/**
 * The bound on reader processes: files checked after their turns queue for a slot
 * instead of each starting a reader at once, and the reader sees none of the bot's secrets.
 */
import assert from 'node:assert/strict';
import { ReaderSlots, readerSlots } from '../../documents/readerSlots';
import { extractText, readerEnv } from '../../documents/evidenceText';
import { textPdf } from '../support/poeDocuments';

describe('reader slots', () => {
  it('run at most `size` jobs at once, in the order they came, and free a slot when a job fails', async () => {
    const slots = new ReaderSlots(2);
    const releases: (() => void)[] = [];
    const started: number[] = [];
    const jobs = [0, 1, 2, 3, 4].map((n) =>
      slots.run(async () => {
        started.push(n);
        await new Promise<void>((resolve) => releases.push(resolve));
        if (n === 0) throw new Error('reader failed');
        return n;
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started, [0, 1]);
    assert.equal(slots.queued, 3);
    releases[0]?.();
    await assert.rejects(jobs[0]!, /reader failed/);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started, [0, 1, 2], 'the failed job gave its slot to the next in line');
    for (let i = 1; i < 5; i++) {
      releases[i]?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.deepEqual(await Promise.all(jobs.slice(1)), [1, 2, 3, 4]);
    assert.equal(slots.peak, 2);
  });

  it('bound the real readers: many files at once never run more readers than slots, and all are read', async () => {
    const pdf = await textPdf([{ lines: ['Statement of Work for Contoso'] }]);
    const texts = await Promise.all(Array.from({ length: readerSlots.size + 3 }, () => extractText('pdf', pdf)));
    assert.ok(texts.every((t) => t.status === 'read' && t.text.includes('Contoso')));
    // Every read goes through the slots (a read around them leaves the peak at 0), and no more ran at once.
    assert.equal(readerSlots.peak, readerSlots.size, `peak ${readerSlots.peak} of ${readerSlots.size} slots`);
  });

  it("give the reader process Node and TLS settings only, none of the bot's secrets", () => {
    const env = readerEnv({
      PATH: '/usr/bin',
      NODE_OPTIONS: '--require guard.cjs',
      NODE_EXTRA_CA_CERTS: '/etc/ca.pem',
      COSMOS_KEY: 'secret',
      MICROSOFT_APP_PASSWORD: 'secret',
      SMTP_PASSWORD: 'secret',
      BLOB_CONNECTION_STRING: 'AccountKey=secret',
    });
    assert.deepEqual(env, {
      PATH: '/usr/bin',
      NODE_OPTIONS: '--require guard.cjs',
      NODE_EXTRA_CA_CERTS: '/etc/ca.pem',
      MALLOC_MMAP_THRESHOLD_: '131072',
    });
  });
});
