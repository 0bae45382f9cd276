/**
 * Mocha wiring shared by every e2e file: start a bot, the Playground and Chromium once
 * per `describe`, open the personal chat, save artifacts when a test fails, and stop
 * everything afterwards even when start-up failed half-way.
 */
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser';
import { openChat } from './playground';
import type { PlaygroundChat } from './playgroundChat';
import { startPlayground, type RunningPlayground } from './playgroundProcess';

export interface BotUnderTest {
  /** Messaging endpoint, e.g. http://127.0.0.1:PORT/api/messages. */
  endpoint: string;
  stop(): Promise<void>;
}

export interface PlaygroundSession<B extends BotUnderTest> {
  bot: B;
  playground: RunningPlayground;
  browser: Browser;
  chat: PlaygroundChat;
}

/** Call inside a `describe`; the returned function gives the running session to tests. */
export function usePlaygroundSession<B extends BotUnderTest>(startBot: () => Promise<B>): () => PlaygroundSession<B> {
  let session: Partial<PlaygroundSession<B>> = {};
  const cleanups: Array<() => Promise<void>> = [];

  before(async function () {
    this.timeout(120_000);
    try {
      const bot = await startBot();
      cleanups.push(() => bot.stop());
      const playground = await startPlayground({ botEndpoint: bot.endpoint });
      cleanups.push(() => playground.stop());
      const browser = await launchBrowser();
      cleanups.push(() => browser.close());
      session = { bot, playground, browser };
      session.chat = await openChat(browser, playground);
    } catch (error) {
      if (session.playground) console.error(session.playground.diagnostics());
      throw error;
    }
  });

  afterEach(async function () {
    const test = this.currentTest;
    if (test?.state !== 'failed' || !session.chat) return;
    const folder = await session.chat.saveFailureArtifacts(test.fullTitle());
    console.error(`e2e failure artifacts (screenshot, page, Playground log): ${folder}`);
  });

  after(async function () {
    this.timeout(60_000);
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => console.error('e2e cleanup failed:', error));
    }
    cleanups.length = 0;
  });

  return () => {
    const { bot, playground, browser, chat } = session;
    if (!bot || !playground || !browser || !chat) throw new Error('the Playground session did not start');
    return { bot, playground, browser, chat };
  };
}
