/**
 * Page object for the Playground's personal chat. Tests speak in terms of what a
 * person does and sees (send text, wait for the bot's words, fill a card); the DOM
 * anchors live here only. Those anchors are ARIA labels and roles the Playground sets
 * for accessibility ("Message header", "Message author", "Send Message", the
 * Lexical compose box), not its generated CSS class names.
 *
 * Waits for bot output look only at bot messages that arrived after the last action
 * (send, card click, injected activity), so an earlier identical reply never
 * satisfies a later wait.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Page, Request } from 'playwright-core';
import { AdaptiveCardView, type CardHost } from './adaptiveCardView';
import { waitFor, type RunningPlayground } from './playgroundProcess';

const MESSAGE_HEADER = '[aria-label="Message header"]';
const MESSAGE_AUTHOR = '[aria-label="Message author"]';
/** In the personal chat only the bot's messages carry an author line. */
const BOT_MESSAGE = `div:has(> ${MESSAGE_HEADER} ${MESSAGE_AUTHOR})`;
const USER_MESSAGE = `div:has(> ${MESSAGE_HEADER}):not(:has(> ${MESSAGE_HEADER} ${MESSAGE_AUTHOR}))`;
/** A message's body is the element right after its header. */
const BOT_MESSAGE_BODY = `${BOT_MESSAGE} > ${MESSAGE_HEADER} + *`;
const USER_MESSAGE_BODY = `${USER_MESSAGE} > ${MESSAGE_HEADER} + *`;
/** Top-level cards only (a ShowCard action nests a card inside a card). */
const BOT_CARD = `${BOT_MESSAGE} .ac-adaptiveCard:not(.ac-adaptiveCard .ac-adaptiveCard)`;
const COMPOSE_BOX = '[role="textbox"][data-lexical-editor="true"]';
const CUSTOM_ACTIVITY_PATH = '/_internal/v1/customActivities';
const DEFAULT_WAIT_MS = 30_000;

export interface WaitOptions {
  timeoutMs?: number;
  /** Also accept messages from before the last action (default: only newer ones). */
  includeEarlier?: boolean;
}

export type BotActivity = Record<string, unknown>;

let failureDir: string | undefined;

export class PlaygroundChat implements CardHost {
  private botMark = 0;
  private cardMark = 0;
  private actions = 0;
  /** Messages the Playground pushed to the page over its websocket (what the bot sent). */
  private readonly pushedMessages: BotActivity[] = [];

  constructor(
    readonly page: Page,
    readonly playground: RunningPlayground,
  ) {
    page.on('websocket', (socket) => {
      if (!socket.url().includes('/_ws_conversation/')) return;
      socket.on('framereceived', ({ payload }) => this.recordFrame(payload));
    });
  }

  /** Types text into the compose box and sends it, then waits until it shows in the chat. */
  async sendText(text: string): Promise<void> {
    this.countActions(1);
    await this.markAction();
    const userMessages = this.page.locator(USER_MESSAGE_BODY);
    const before = await userMessages.count();
    const box = this.page.locator(COMPOSE_BOX);
    await box.click();
    await box.fill(text);
    await this.page.getByRole('button', { name: 'Send Message', exact: true }).click();
    const shown = await waitFor(Date.now() + DEFAULT_WAIT_MS, async () => {
      const texts = await userMessages.allInnerTexts();
      return texts.length > before && texts.slice(before).some((t) => t.includes(text)) ? true : undefined;
    });
    if (!shown) throw new Error(`the sent message "${text}" never appeared in the chat`);
  }

  /** Waits for a bot message whose text contains `match` (or matches the RegExp); returns its text. */
  async waitForBotText(match: string | RegExp, options: WaitOptions = {}): Promise<string> {
    const bodies = this.page.locator(BOT_MESSAGE_BODY);
    const from = options.includeEarlier ? 0 : this.botMark;
    let seen: string[] = [];
    const found = await waitFor(Date.now() + (options.timeoutMs ?? DEFAULT_WAIT_MS), async () => {
      seen = (await bodies.allInnerTexts()).slice(from);
      return seen.find((text) => matches(text, match));
    });
    if (found === undefined) {
      throw new Error(
        `no bot message matching ${String(match)}; bot messages since the last action: ${JSON.stringify(seen)}`,
      );
    }
    return found;
  }

  /** The newest card the bot sent, waiting for one if there is none yet. */
  async lastCard(options: WaitOptions = {}): Promise<AdaptiveCardView> {
    return this.waitForCard(() => true, 'any card', options);
  }

  /** The newest card (since the last action) whose visible text contains `text`. */
  async waitForCardContaining(text: string, options: WaitOptions = {}): Promise<AdaptiveCardView> {
    return this.waitForCard((cardText) => matches(cardText, text), `a card containing "${text}"`, options);
  }

  async fillCardInput(labelOrId: string, value: string): Promise<void> {
    await (await this.lastCard({ includeEarlier: true })).fillInput(labelOrId, value);
  }

  async chooseCardOption(labelOrId: string, titles: string | readonly string[]): Promise<void> {
    await (await this.lastCard({ includeEarlier: true })).chooseOption(labelOrId, titles);
  }

  async clickCardAction(title: string): Promise<void> {
    await (await this.lastCard({ includeEarlier: true })).clickAction(title);
  }

  /**
   * Sends a custom activity to the bot as if it came from this chat's user: the fields
   * given override the Playground's own template (ids, conversation, serviceUrl,
   * from/recipient), so the bot's replies land in this chat. `ui` types it into the
   * "Mock an Activity > Custom activity" dialog; `http` posts it to the endpoint that
   * dialog uses. Returns the activity as sent.
   */
  async injectActivity(activity: BotActivity, via: 'ui' | 'http' = 'ui'): Promise<BotActivity> {
    const template = await this.customActivityTemplate();
    const full: BotActivity = { ...template, type: 'message', ...activity };
    // Sending a file (or any one message) is one thing a person does.
    this.countActions(1);
    await this.markAction();
    if (via === 'http') {
      const response = await this.page.request.post(`${this.playground.url}${CUSTOM_ACTIVITY_PATH}`, { data: full });
      if (!response.ok()) throw new Error(`custom activity rejected: HTTP ${response.status()}`);
      return full;
    }
    await this.page.getByRole('button', { name: 'Mock an Activity' }).click();
    await this.page.getByRole('menuitem', { name: 'Custom activity', exact: true }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Custom activity' });
    const editor = dialog.getByRole('textbox');
    await editor.focus();
    await this.page.keyboard.press('ControlOrMeta+A');
    await this.page.keyboard.press('Delete');
    // One line, inserted at once: the code editor then adds no indentation or closing brackets.
    await this.page.keyboard.insertText(JSON.stringify(full));
    const posted = this.page.waitForRequest((request) => isCustomActivityPost(request));
    await dialog.getByRole('button', { name: 'Send activity', exact: true }).click();
    const request = await posted;
    const response = await request.response();
    if (!response?.ok()) throw new Error(`custom activity rejected: HTTP ${response?.status()}`);
    const sent: unknown = request.postDataJSON();
    if (!isDeepStrictEqual(sent, full)) {
      throw new Error(
        `the dialog sent a different activity:\n${JSON.stringify(sent)}\ninstead of\n${JSON.stringify(full)}`,
      );
    }
    await dialog.waitFor({ state: 'hidden' });
    return full;
  }

  /**
   * What a person did in this chat so far, one per action: a message sent, a file sent,
   * an input typed into (not one the bot had already filled with that value), a choice
   * ticked or picked (two products are two), a button clicked. Issue 12 measures the
   * flow's cost in these.
   */
  actionCount(): number {
    return this.actions;
  }

  countActions(count: number): void {
    this.actions += count;
  }

  /** Everything the bot sent to this chat, as the Playground pushed it to the page. */
  botActivities(): readonly BotActivity[] {
    return this.pushedMessages;
  }

  /** How many cards the bot has in the chat now (to look only at the cards after this point later). */
  async cardCount(): Promise<number> {
    return this.page.locator(BOT_CARD).count();
  }

  /**
   * The text of every card from index `from` up to (not including) the newest that still
   * offers something to do: an input, a choice, or an enabled button. Answered cards are
   * replaced in place by read-only lines, so after a submission this is empty.
   */
  async openCardsAbove(from = 0): Promise<string[]> {
    const cards = this.page.locator(BOT_CARD);
    const open: string[] = [];
    const count = await cards.count();
    for (let i = from; i < count - 1; i++) {
      const card = cards.nth(i);
      const inputs = await card.locator('input, textarea, select, [role="combobox"]').count();
      const buttons = await card.locator('button:not([disabled]):not([aria-disabled="true"])').count();
      if (inputs + buttons > 0) open.push((await card.innerText()).slice(0, 120));
    }
    return open;
  }

  /**
   * openCardsAbove once the chat has settled: an answered card is replaced in place by a
   * message that can reach the page after the next card (the receipt is sent in the turn
   * that then collapses the summary), so an open card is looked at again for a while.
   */
  async openCardsAboveSettled(from = 0, patienceMs = 5_000): Promise<string[]> {
    const until = Date.now() + patienceMs;
    for (;;) {
      const open = await this.openCardsAbove(from);
      if (open.length === 0 || Date.now() > until) return open;
      await this.page.waitForTimeout(100);
    }
  }

  async markAction(): Promise<void> {
    this.botMark = await this.page.locator(BOT_MESSAGE).count();
    this.cardMark = await this.page.locator(BOT_CARD).count();
  }

  labelOfInputId(inputId: string): string | undefined {
    for (const message of [...this.pushedMessages].reverse()) {
      const label = findInputLabel(message.attachments, inputId);
      if (label !== undefined) return label;
    }
    return undefined;
  }

  /** Saves a screenshot, the page's HTML and the Playground's output; returns the folder. */
  async saveFailureArtifacts(testTitle: string): Promise<string> {
    failureDir ??= mkdtempSync(path.join(tmpdir(), 'cpor-e2e-failures-'));
    const base = path.join(failureDir, testTitle.replace(/[^\w-]+/g, '_').slice(0, 80));
    await this.page.screenshot({ path: `${base}.png`, fullPage: true }).catch(() => undefined);
    writeFileSync(`${base}.html`, await this.page.content().catch((error: unknown) => String(error)));
    writeFileSync(`${base}.playground.txt`, this.playground.diagnostics());
    writeFileSync(`${base}.activities.json`, JSON.stringify(this.pushedMessages, null, 2));
    return failureDir;
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }

  private async waitForCard(
    accept: (cardText: string) => boolean,
    what: string,
    options: WaitOptions,
  ): Promise<AdaptiveCardView> {
    const cards = this.page.locator(BOT_CARD);
    const from = options.includeEarlier ? 0 : this.cardMark;
    let seen: string[] = [];
    const index = await waitFor(Date.now() + (options.timeoutMs ?? DEFAULT_WAIT_MS), async () => {
      seen = await cards.allInnerTexts();
      for (let i = seen.length - 1; i >= from; i--) if (accept(seen[i])) return i;
      return undefined;
    });
    if (index === undefined) {
      throw new Error(`no bot message with ${what}; cards since the last action: ${JSON.stringify(seen.slice(from))}`);
    }
    // Pinned by position, so later messages do not shift which card this view drives.
    return new AdaptiveCardView(this, cards.nth(index));
  }

  private async customActivityTemplate(): Promise<BotActivity> {
    const query = new URLSearchParams({ conversationId: this.playground.conversationId });
    const response = await this.page.request.get(`${this.playground.url}${CUSTOM_ACTIVITY_PATH}/template?${query}`);
    if (!response.ok()) throw new Error(`no custom activity template: HTTP ${response.status()}`);
    const template: unknown = await response.json();
    if (!isRecord(template)) throw new Error('the custom activity template is not an object');
    return template;
  }

  private recordFrame(payload: string | Buffer): void {
    try {
      const frame: unknown = JSON.parse(payload.toString());
      if (isRecord(frame) && frame.action === 'createMessage' && isRecord(frame.message)) {
        this.pushedMessages.push(frame.message);
      }
    } catch {
      // Not JSON: nothing the harness needs.
    }
  }
}

function isCustomActivityPost(request: Request): boolean {
  return request.method() === 'POST' && new URL(request.url()).pathname === CUSTOM_ACTIVITY_PATH;
}

/** Substring match that ignores how the page wrapped or spaced the text. */
function matches(text: string, match: string | RegExp): boolean {
  if (match instanceof RegExp) return match.test(text);
  const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();
  return squash(text).includes(squash(match));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Searches card JSON (any depth: containers, columns, show-cards) for an input's label. */
function findInputLabel(node: unknown, inputId: string): string | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const label = findInputLabel(item, inputId);
      if (label !== undefined) return label;
    }
    return undefined;
  }
  if (!isRecord(node)) return undefined;
  if (node.id === inputId && typeof node.type === 'string' && node.type.startsWith('Input.')) {
    return typeof node.label === 'string' ? node.label : undefined;
  }
  for (const value of Object.values(node)) {
    const label = findInputLabel(value, inputId);
    if (label !== undefined) return label;
  }
  return undefined;
}
