import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { ComponentDialog, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { CardPrompt, FILE_DOWNLOAD_INFO, type CardSubmission } from '../../dialogs/cardPrompt';

const card = {
  contentType: 'application/vnd.microsoft.card.adaptive',
  content: { type: 'AdaptiveCard', version: '1.5', body: [] },
};

class AskDialog extends ComponentDialog {
  constructor(acceptFiles = false) {
    super('ask');
    this.initialDialogId = 'steps';
    this.addDialog(new CardPrompt('card'));
    this.addDialog(
      new WaterfallDialog('steps', [
        (step: WaterfallStepContext) =>
          step.prompt('card', {
            prompt: { type: 'message', attachments: [card] },
            validations: {
              verbs: ['pick'],
              nonce: 'n2',
              claimId: 'c1',
              acceptFiles,
              staleNotice: 'STALE',
              typedNotice: 'USE THE CARD',
            },
          }),
        async (step: WaterfallStepContext) => {
          const answer = step.result as CardSubmission;
          await step.context.sendActivity(
            `got ${answer.verb} ${JSON.stringify(answer.values)} files=${answer.files.length}`,
          );
          return step.endDialog(answer);
        },
      ]),
    );
  }
}

const submit = (value: Record<string, unknown>): Partial<Activity> => ({ type: 'message', value });

describe('CardPrompt', () => {
  it('shows the card and accepts a submit with the current verb, nonce and claim', async () => {
    const client = new DialogTestClient('msteams', new AskDialog());
    const first = await client.sendActivity('hi');
    assert.equal(first.attachments?.[0].contentType, card.contentType);
    const reply = await client.sendActivity(submit({ verb: 'pick', nonce: 'n2', claimId: 'c1', product: 'teams' }));
    assert.equal(reply.text, 'got pick {"product":"teams"} files=0');
  });

  it('answers typed text with a notice and shows the card again, keeping the prompt open', async () => {
    const client = new DialogTestClient('msteams', new AskDialog());
    await client.sendActivity('hi');
    const notice = await client.sendActivity('teams please');
    assert.equal(notice.text, 'USE THE CARD');
    assert.equal(client.getNextReply().attachments?.[0].contentType, card.contentType);
    const reply = await client.sendActivity(submit({ verb: 'pick', nonce: 'n2', claimId: 'c1' }));
    assert.match(reply.text ?? '', /^got pick/);
  });

  for (const [what, value] of [
    ['an older step (nonce)', { verb: 'pick', nonce: 'n1', claimId: 'c1' }],
    ['another claim', { verb: 'pick', nonce: 'n2', claimId: 'c9' }],
    ['an unexpected verb', { verb: 'submitClaim', nonce: 'n2', claimId: 'c1' }],
  ] as const) {
    it(`refuses a card from ${what} as out of date and re-shows the current card`, async () => {
      const client = new DialogTestClient('msteams', new AskDialog());
      await client.sendActivity('hi');
      const notice = await client.sendActivity(submit({ ...value }));
      assert.equal(notice.text, 'STALE');
      assert.equal(client.getNextReply().attachments?.[0].contentType, card.contentType);
      assert.equal(client.dialogTurnResult.status, 'waiting');
    });
  }

  it('takes a Teams file attachment only when files are accepted, ignoring the html body attachment', async () => {
    const file = {
      contentType: FILE_DOWNLOAD_INFO,
      name: 'sow.pdf',
      content: { downloadUrl: 'https://x/y', uniqueId: 'u', fileType: 'pdf' },
    };
    const html = { contentType: 'text/html', content: '<p>here</p>' };
    const accepting = new DialogTestClient('msteams', new AskDialog(true));
    await accepting.sendActivity('hi');
    const reply = await accepting.sendActivity({ type: 'message', attachments: [html, file] });
    assert.equal(reply.text, 'got file {} files=1');

    const refusing = new DialogTestClient('msteams', new AskDialog(false));
    await refusing.sendActivity('hi');
    const notice = await refusing.sendActivity({ type: 'message', attachments: [html, file] });
    assert.equal(notice.text, 'USE THE CARD');
  });
});
