/**
 * The end-to-end harness's public API: start the Playground against a bot, open its
 * personal chat in headless Chromium, and drive it as a person would. See
 * test/e2e/README.md for how it works and the Playground's quirks.
 */
import type { Browser } from 'playwright-core';
import { blockNonLoopbackRequests } from './browser';
import { PlaygroundChat } from './playgroundChat';
import type { RunningPlayground } from './playgroundProcess';

export { AdaptiveCardView } from './adaptiveCardView';
export { launchBrowser } from './browser';
export { startFileServer, type FileServer } from './fileServer';
export { PlaygroundChat, type BotActivity, type WaitOptions } from './playgroundChat';
export { startPlayground, type PlaygroundOptions, type RunningPlayground } from './playgroundProcess';

const CONFIG_PATH = '/_internal/v1/config';

/** Opens the Playground in a fresh browser context and selects the personal chat. */
export async function openChat(browser: Browser, playground: RunningPlayground): Promise<PlaygroundChat> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  try {
    await blockNonLoopbackRequests(context);
    const page = await context.newPage();
    const chat = new PlaygroundChat(page, playground);
    // The page is usable once the Playground has reached the bot and answered its config
    // (it then sends the bot installationUpdate and conversationUpdate).
    const configLoaded = page.waitForResponse((response) => new URL(response.url()).pathname === CONFIG_PATH);
    await page.goto(playground.url);
    const config = await configLoaded;
    if (!config.ok()) throw new Error(`the Playground's config failed: HTTP ${config.status()}`);
    await page.getByRole('treeitem', { name: 'Personal Chat' }).click();
    await page.getByRole('button', { name: 'Send Message', exact: true }).waitFor();
    return chat;
  } catch (error) {
    await context.close();
    throw error;
  }
}
