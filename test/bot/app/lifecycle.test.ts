import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Lifecycle } from '../../../bot/app/lifecycle';
import { createLogger } from '../../../bot/app/logger';

function lifecycle(stepTimeoutMs = 1000) {
  const lines: { msg: string; step?: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as { msg: string; step?: string });
      done();
    },
  });
  return { lines, life: new Lifecycle(createLogger('info', sink), stepTimeoutMs) };
}

describe('bot/app/lifecycle', () => {
  it('stops in reverse order of start, so the server stops before the storage under it', async () => {
    const { life } = lifecycle();
    const order: string[] = [];
    life.onStop('storage', () => order.push('storage'));
    life.onStop('server', async () => order.push('server'));
    assert.equal(await life.stop('test'), true);
    assert.deepEqual(order, ['server', 'storage']);
  });

  it('runs the remaining steps when one fails or hangs, and reports both', async () => {
    const { life, lines } = lifecycle(50);
    const ran: string[] = [];
    life.onStop('last', () => ran.push('last'));
    life.onStop('hangs', () => new Promise(() => undefined));
    life.onStop('fails', () => Promise.reject(new Error('boom')));
    assert.equal(await life.stop('test'), false);
    assert.deepEqual(ran, ['last']);
    assert.deepEqual(
      lines.filter((l) => l.step).map((l) => [l.step, l.msg]),
      [
        ['fails', 'stop step failed'],
        ['hangs', 'stop step timed out'],
      ],
    );
  });

  it('runs the steps once however often stop is called', async () => {
    const { life } = lifecycle();
    let runs = 0;
    life.onStop('count', () => runs++);
    await Promise.all([life.stop('SIGTERM'), life.stop('SIGINT')]);
    await life.stop('again');
    assert.equal(runs, 1);
    assert.equal(life.isStopping, true);
  });
});
