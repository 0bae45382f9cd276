/**
 * TEST-ONLY bot that proves the Playground harness before the real dialogs exist.
 * It echoes text, sends an Adaptive Card on "card", reports card submits, sends a
 * proactive message 1 s after "later", and downloads `file.download.info` attachments
 * the way the real PoE step will (GET the downloadUrl in the same turn, hash it).
 * It records every inbound activity so tests can check what the bot actually saw.
 */
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  ActivityTypes,
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  TurnContext,
  type Activity,
  type ConversationReference,
} from 'botbuilder';
import * as restify from 'restify';

export const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';

export interface EchoBot {
  /** The messaging endpoint to give the Playground (`-e`). */
  endpoint: string;
  /** Every activity the bot received, in order. */
  received: Partial<Activity>[];
  /** Errors raised inside turns (a test should expect this to stay empty). */
  turnErrors: Error[];
  stop(): Promise<void>;
}

/** The card the bot sends on "card": one input of each kind the harness must drive. */
export function echoCard(): Record<string, unknown> {
  const choices = [
    { title: 'Azure', value: 'azure' },
    { title: 'Microsoft 365', value: 'm365' },
    { title: 'Dynamics 365', value: 'd365' },
  ];
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: 'Echo card', weight: 'Bolder' },
      { type: 'Input.Text', id: 'name', label: 'Your name' },
      {
        type: 'Input.ChoiceSet',
        id: 'colour',
        label: 'Favourite colour',
        style: 'compact',
        value: 'red',
        choices: [
          { title: 'Red', value: 'red' },
          { title: 'Green', value: 'green' },
          { title: 'Blue', value: 'blue' },
        ],
      },
      { type: 'Input.ChoiceSet', id: 'workload', label: 'Workload', style: 'expanded', choices },
      { type: 'Input.ChoiceSet', id: 'products', label: 'Products', style: 'expanded', isMultiSelect: true, choices },
      {
        type: 'Input.ChoiceSet',
        id: 'regions',
        label: 'Regions',
        style: 'compact',
        isMultiSelect: true,
        isRequired: true,
        choices: [
          { title: 'Korea', value: 'kr' },
          { title: 'Japan', value: 'jp' },
          { title: 'Europe', value: 'eu' },
        ],
      },
    ],
    actions: [{ type: 'Action.Submit', title: 'OK', data: { verb: 'ok' } }],
  };
}

async function describeDownload(downloadUrl: string): Promise<string> {
  const response = await fetch(downloadUrl);
  if (!response.ok) return `download failed: HTTP ${response.status}`;
  const bytes = Buffer.from(await response.arrayBuffer());
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return `downloaded ${bytes.length} bytes sha256 ${sha256}`;
}

function downloadUrlOf(activity: Activity): string | undefined {
  const attachment = (activity.attachments ?? []).find((a) => a.contentType === FILE_DOWNLOAD_INFO);
  const content: unknown = attachment?.content;
  if (typeof content !== 'object' || content === null || !('downloadUrl' in content)) return undefined;
  return typeof content.downloadUrl === 'string' ? content.downloadUrl : undefined;
}

export async function startEchoBot(port = 0): Promise<EchoBot> {
  // No app id: authentication is off, as with the real bot in local mode.
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const received: Partial<Activity>[] = [];
  const turnErrors: Error[] = [];
  const pendingTimers = new Set<NodeJS.Timeout>();

  adapter.onTurnError = async (context, error) => {
    turnErrors.push(error);
    await context.sendActivity(`echo bot error: ${error.message}`);
  };

  const sendLater = (reference: Partial<ConversationReference>): void => {
    const timer = setTimeout(() => {
      pendingTimers.delete(timer);
      adapter
        .continueConversationAsync('', reference, async (context) => {
          await context.sendActivity('proactive hello');
        })
        .catch((error: unknown) => turnErrors.push(error instanceof Error ? error : new Error(String(error))));
    }, 1_000);
    pendingTimers.add(timer);
  };

  const logic = async (context: TurnContext): Promise<void> => {
    const activity = context.activity;
    received.push(JSON.parse(JSON.stringify(activity)) as Partial<Activity>);
    if (activity.type !== ActivityTypes.Message) return;

    const downloadUrl = downloadUrlOf(activity);
    if (downloadUrl) {
      await context.sendActivity(await describeDownload(downloadUrl));
      return;
    }
    if (activity.value !== undefined && activity.value !== null) {
      await context.sendActivity(`got ${JSON.stringify(activity.value)}`);
      return;
    }
    const text = (activity.text ?? '').trim();
    if (text === 'card') {
      await context.sendActivity({ attachments: [CardFactory.adaptiveCard(echoCard())] });
    } else if (text === 'later') {
      sendLater(TurnContext.getConversationReference(activity));
      await context.sendActivity('will write later');
    } else {
      await context.sendActivity(`echo: ${text}`);
    }
  };

  const server = restify.createServer({ name: 'echo-bot' });
  server.use(restify.plugins.bodyParser());
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, logic);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const actualPort = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://127.0.0.1:${actualPort}/api/messages`,
    received,
    turnErrors,
    stop: async () => {
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      server.server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
