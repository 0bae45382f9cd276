/**
 * Drives one Adaptive Card rendered by the Playground the way a person would: by the
 * labels they see. Anchors are the Adaptive Cards renderer's own semantics (a
 * `<label for>` per input and per choice, `.ac-adaptiveCard` on the card root,
 * buttons named by the action title) and ARIA roles of the Fluent controls the
 * Playground uses for compact choice sets, never generated class names.
 */
import type { Locator, Page } from 'playwright-core';

/** What a card needs from the chat it lives in. */
export interface CardHost {
  readonly page: Page;
  /** Remember where the conversation stands, so waits look only at newer bot messages. */
  markAction(): Promise<void>;
  /** The label the bot gave the input with this card id, from the cards it sent. */
  labelOfInputId(inputId: string): string | undefined;
  /** Counts what a person did on a card (see PlaygroundChat.actionCount). */
  countActions(count: number): void;
}

/** Compact choice sets open a Fluent popup in a portal: a listbox, or a menu when multi-select. */
const CHOICE_POPUP = '[data-portal-node] [role="listbox"], [data-portal-node] [role="menu"]';

export class AdaptiveCardView {
  constructor(
    private readonly host: CardHost,
    /** The card's root element (`.ac-adaptiveCard`). */
    readonly root: Locator,
  ) {}

  async text(): Promise<string> {
    return this.root.innerText();
  }

  /** Types into a text, number, date or time input; sets a toggle with "true"/"false". */
  async fillInput(labelOrId: string, value: string): Promise<void> {
    const input = await this.inputFor(labelOrId);
    if ((await input.getAttribute('type')) === 'checkbox') {
      const wanted = value === 'true';
      if ((await input.isChecked()) !== wanted) this.host.countActions(1);
      await input.setChecked(wanted);
      return;
    }
    // A value the bot already put there (prefilled, proposed) is confirmed without touching it.
    if ((await input.inputValue()) !== value) this.host.countActions(1);
    await input.fill(value);
    const shown = await input.inputValue();
    if (shown !== value) throw new Error(`input "${labelOrId}" shows "${shown}" after typing "${value}"`);
  }

  /**
   * Picks options of a ChoiceSet by their titles. For a multi-select set the given
   * titles end up exactly the selected ones (others are unticked).
   */
  async chooseOption(labelOrId: string, titles: string | readonly string[]): Promise<void> {
    const wanted = typeof titles === 'string' ? [titles] : [...titles];
    const choiceSet = await this.inputFor(labelOrId);
    const role = await choiceSet.getAttribute('role');
    if (role === 'combobox') {
      await this.chooseInCompact(choiceSet, labelOrId, wanted);
    } else if (role === 'radiogroup') {
      if (wanted.length !== 1) throw new Error(`"${labelOrId}" is single-select; got ${wanted.length} titles`);
      assertAllOffered(labelOrId, wanted, await labelTexts(choiceSet));
      const radio = await labelledElement(choiceSet, wanted[0], `option of "${labelOrId}"`);
      if (!(await radio.isChecked())) this.host.countActions(1);
      await radio.check();
    } else {
      await this.tickExactly(choiceSet, labelOrId, wanted);
    }
  }

  async clickAction(title: string): Promise<void> {
    const button = this.root.getByRole('button', { name: title, exact: true });
    this.host.countActions(1);
    await this.host.markAction();
    await button.click();
  }

  private async inputFor(labelOrId: string): Promise<Locator> {
    const byLabel = await findLabelled(this.root, labelOrId);
    if (byLabel) return byLabel;
    const label = this.host.labelOfInputId(labelOrId);
    const byIdsLabel = label === undefined ? undefined : await findLabelled(this.root, label);
    if (byIdsLabel) return byIdsLabel;
    const labels = await labelTexts(this.root);
    throw new Error(`no input labelled or with id "${labelOrId}" in the card; labels: ${JSON.stringify(labels)}`);
  }

  private async chooseInCompact(combobox: Locator, name: string, wanted: string[]): Promise<void> {
    const page = this.host.page;
    const popup = page.locator(CHOICE_POPUP);
    await combobox.click();
    await popup.waitFor();
    if ((await popup.getAttribute('role')) === 'menu') {
      await this.tickExactlyInMenu(combobox, popup, name, wanted);
      await page.keyboard.press('Escape');
      await popup.waitFor({ state: 'hidden' });
      return;
    }
    if (wanted.length !== 1) throw new Error(`"${name}" is single-select; got ${wanted.length} titles`);
    // Opening the list is part of picking from it: one action, none when it already shows the choice.
    if ((await combobox.inputValue()) !== wanted[0]) this.host.countActions(1);
    const option = popup.getByRole('option', { name: wanted[0], exact: true });
    if ((await option.count()) === 0) {
      const available = await popup.getByRole('option').allInnerTexts();
      await page.keyboard.press('Escape');
      throw new Error(`"${name}" has no option "${wanted[0]}"; options: ${JSON.stringify(available)}`);
    }
    await option.click();
    await popup.waitFor({ state: 'hidden' });
    const shown = await combobox.inputValue();
    if (shown !== wanted[0]) throw new Error(`"${name}" shows "${shown}" after choosing "${wanted[0]}"`);
  }

  private async tickExactlyInMenu(combobox: Locator, menu: Locator, name: string, wanted: string[]): Promise<void> {
    const items = menu.getByRole('menuitemcheckbox');
    const titles = (await items.allInnerTexts()).map((t) => t.trim());
    assertAllOffered(name, wanted, titles);
    for (const [index, title] of titles.entries()) {
      // The menu may close after a click on some versions; reopen it before the next one.
      if ((await menu.count()) === 0) {
        await combobox.click();
        await menu.waitFor();
      }
      const item = items.nth(index);
      const ticked = (await item.getAttribute('aria-checked')) === 'true';
      if (ticked !== wanted.includes(title)) {
        this.host.countActions(1);
        await item.click();
      }
    }
  }

  private async tickExactly(group: Locator, name: string, wanted: string[]): Promise<void> {
    const titles = await labelTexts(group);
    assertAllOffered(name, wanted, titles);
    for (const title of titles) {
      const box = await labelledElement(group, title, `option of "${name}"`);
      if ((await box.isChecked()) !== wanted.includes(title)) this.host.countActions(1);
      await box.setChecked(wanted.includes(title));
    }
  }
}

function assertAllOffered(name: string, wanted: readonly string[], offered: readonly string[]): void {
  const missing = wanted.filter((title) => !offered.includes(title));
  if (missing.length > 0) {
    throw new Error(`"${name}" has no option ${JSON.stringify(missing)}; options: ${JSON.stringify(offered)}`);
  }
}

/** Label text as a person reads it: without the required-field asterisk. */
function normaliseLabel(text: string): string {
  return text
    .replace(/\s*\*\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

async function labelTexts(scope: Locator): Promise<string[]> {
  return (await scope.locator('label').allInnerTexts()).map(normaliseLabel);
}

/**
 * The element a `<label for>` with exactly this text points at (the first such label:
 * an input's own label precedes the labels of its choices in document order).
 */
async function findLabelled(scope: Locator, text: string): Promise<Locator | undefined> {
  const labels = scope.locator('label');
  const index = (await labelTexts(scope)).indexOf(normaliseLabel(text));
  if (index < 0) return undefined;
  const target = await labels.nth(index).getAttribute('for');
  if (!target) return undefined;
  // Ids are generated by the renderer and may hold any character: match them literally.
  return scope.page().locator(`[id="${target.replace(/["\\]/g, '\\$&')}"]`);
}

async function labelledElement(scope: Locator, text: string, what: string): Promise<Locator> {
  const found = await findLabelled(scope, text);
  if (!found) throw new Error(`no ${what} labelled "${text}"`);
  return found;
}
