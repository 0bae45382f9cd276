/**
 * Proves the Playground harness end to end with the test-only echo bot: text, an
 * Adaptive Card driven through the rendered UI, a proactive message, and a Teams
 * file attachment injected as a custom activity and downloaded by the bot.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import { FILE_DOWNLOAD_INFO, startEchoBot } from './support/echoBot';
import { startFileServer } from './support/playground';
import { usePlaygroundSession } from './support/session';

describe('Playground harness (echo bot)', function () {
  const session = usePlaygroundSession(() => startEchoBot());

  const lastMessageReceived = (): Partial<Activity> => {
    const messages = session().bot.received.filter((activity) => activity.type === 'message');
    const last = messages.at(-1);
    assert.ok(last, 'the bot received no message');
    return last;
  };

  afterEach(function () {
    assert.deepEqual(session().bot.turnErrors, [], 'the echo bot failed inside a turn');
  });

  it('round-trips text through the chat, in the Playground conversation', async function () {
    const { chat, playground } = session();
    await chat.sendText('hello e2e');
    assert.equal(await chat.waitForBotText('echo: hello e2e'), 'echo: hello e2e');

    const received = lastMessageReceived();
    assert.equal(received.text, 'hello e2e');
    assert.equal(received.channelId, 'msteams');
    assert.equal(received.conversation?.id, playground.conversationId);
    assert.equal(received.serviceUrl, playground.serviceUrl);
  });

  it('does not let an earlier reply satisfy a wait after a later action', async function () {
    const { chat } = session();
    await chat.sendText('first');
    await chat.waitForBotText('echo: first');
    await chat.markAction();
    await assert.rejects(chat.waitForBotText('echo: first', { timeoutMs: 300 }), /no bot message matching/);
    assert.match(await chat.waitForBotText('echo: first', { includeEarlier: true }), /echo: first/);
  });

  it('fills a card as a person would and the bot receives exactly those values', async function () {
    const { chat } = session();
    await chat.sendText('card');
    const card = await chat.waitForCardContaining('Echo card');

    await chat.fillCardInput('name', 'Jane Ünïcode "Q"'); // by the input's card id
    await card.chooseOption('Favourite colour', 'Green'); // compact, single
    await card.chooseOption('Workload', 'Microsoft 365'); // expanded, single
    await card.chooseOption('Products', ['Microsoft 365']); // expanded, multi
    await card.chooseOption('Products', ['Azure', 'Dynamics 365']); // must untick Microsoft 365
    await chat.chooseCardOption('regions', ['Japan', 'Europe']); // compact, multi, by id
    await chat.clickCardAction('OK');

    await chat.waitForBotText(/^got \{/);
    assert.deepEqual(lastMessageReceived().value, {
      verb: 'ok',
      name: 'Jane Ünïcode "Q"',
      colour: 'green',
      workload: 'm365',
      products: 'azure,d365',
      regions: 'jp,eu',
    });
  });

  it('explains which options exist when asked for one the card lacks', async function () {
    const { chat } = session();
    await chat.sendText('card');
    const card = await chat.waitForCardContaining('Echo card');
    await assert.rejects(card.chooseOption('Workload', 'Power Platform'), /options: .*Dynamics 365/);
    await assert.rejects(card.fillInput('Shoe size', '42'), /no input labelled or with id "Shoe size"/);
  });

  it('shows a proactive message sent later through the stored conversation reference', async function () {
    const { chat } = session();
    await chat.sendText('later');
    await chat.waitForBotText('will write later');
    await chat.waitForBotText('proactive hello');
  });

  it('delivers an injected Teams file attachment whose download URL the bot fetches', async function () {
    const { chat, playground } = session();
    const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(48 * 1024)]);
    const expectedSha256 = createHash('sha256').update(bytes).digest('hex');
    const files = await startFileServer(bytes, { fileName: 'proof of execution.pdf' });
    try {
      await chat.injectActivity({
        type: 'message',
        text: '',
        attachments: [
          {
            contentType: FILE_DOWNLOAD_INFO,
            name: 'proof of execution.pdf',
            content: { downloadUrl: files.downloadUrl, uniqueId: randomUUID(), fileType: 'pdf', etag: '"1"' },
          },
          // Teams adds the message body as HTML too: the bot must not take attachments[0] blindly.
          { contentType: 'text/html', content: '<div></div>' },
        ],
      });
      await chat.waitForBotText(`downloaded ${bytes.length} bytes sha256 ${expectedSha256}`);
      assert.equal(files.downloads(), 1);
      assert.equal(lastMessageReceived().conversation?.id, playground.conversationId);
    } finally {
      await files.close();
    }
  });

  it('can also inject a custom activity over HTTP, with the reply landing in the chat', async function () {
    const { chat } = session();
    await chat.injectActivity({ type: 'message', text: 'injected over http' }, 'http');
    await chat.waitForBotText('echo: injected over http');
  });
});
