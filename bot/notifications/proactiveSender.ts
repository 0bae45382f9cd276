/**
 * Sends one activity to one user we stored a conversation reference for, outside any
 * turn (`continueConversationAsync`), and says how it went in the terms a notifier
 * needs:
 *
 *   sent     Teams accepted it
 *   gone     403 (MessageWritesBlocked, the bot was uninstalled or blocked) or 404 (the
 *            conversation no longer exists): the reference is marked dead here, and
 *            nothing is retried; the user's next message to the bot revives it
 *   refused  another 4xx: this message can never go through, but the user still can be reached
 *   retry    throttled (429), a 5xx, 408, 412, a network failure or our own time limit
 *
 * The connector client has already retried 429 (with Retry-After) and 5xx a few times
 * with backoff before an error reaches us; ours is the slower, durable retry of the outbox.
 *
 * References come only from activities the adapter authenticated (see ClaimsBot), so
 * their serviceUrl was chosen by the Bot Framework; outside local mode we still refuse
 * anything but https, in case a stored document was tampered with.
 */
import type { Activity, ConversationReference, TurnContext } from 'botbuilder';
import { errorName, silentLog, type EngineLog } from '../../claims/notifications';
import type { ConversationReferenceStore, StoredConversationReference } from '../../claims/ports';

export type SendOutcome = 'sent' | 'gone' | 'refused' | 'retry';

/** The one adapter call we need; CloudAdapter has it. */
export interface ProactiveAdapter {
  continueConversationAsync(
    botAppId: string,
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void>;
}

export interface ProactiveSenderOptions {
  adapter: ProactiveAdapter;
  /** MicrosoftAppId; '' locally, where authentication is off. */
  botAppId: string;
  references: Pick<ConversationReferenceStore, 'markDead'>;
  /** Plain http serviceUrls (the Playground, a test connector): local mode only. */
  allowHttpServiceUrl: boolean;
  /** Longest wait for one send, SDK retries included; default 45 s (the outbox lease is 2 min). */
  sendTimeoutMs?: number;
  log?: EngineLog;
}

const TERMINAL = new Set([403, 404]);
const PASSING = new Set([408, 412, 429]);

/** What an error from the connector means for this message and this reference. */
export function outcomeOfSendError(e: unknown): Exclude<SendOutcome, 'sent'> {
  const status = statusOf(e);
  if (status === undefined) return 'retry';
  if (TERMINAL.has(status)) return 'gone';
  if (PASSING.has(status) || status >= 500 || status === 401) return 'retry';
  return 'refused';
}

function statusOf(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const direct: unknown = Reflect.get(e, 'statusCode');
  if (typeof direct === 'number') return direct;
  const response: unknown = Reflect.get(e, 'response');
  const status: unknown =
    typeof response === 'object' && response !== null ? Reflect.get(response, 'status') : undefined;
  return typeof status === 'number' ? status : undefined;
}

class SendTimedOut extends Error {
  override readonly name = 'SendTimedOut';
}

export class ProactiveSender {
  private readonly log: EngineLog;
  private readonly sendTimeoutMs: number;

  constructor(private readonly options: ProactiveSenderOptions) {
    this.log = options.log ?? silentLog;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 45_000;
  }

  /** Whether the reference may be used at all: alive, and its serviceUrl one we trust. */
  usable(stored: StoredConversationReference): boolean {
    if (stored.dead) return false;
    const serviceUrl = stored.reference.serviceUrl;
    if (typeof serviceUrl !== 'string') return false;
    try {
      const { protocol } = new URL(serviceUrl);
      return protocol === 'https:' || (protocol === 'http:' && this.options.allowHttpServiceUrl);
    } catch {
      return false;
    }
  }

  /** Sends `activity` to the user of `stored`; `facts` are ids for the log. Never throws. */
  async send(
    stored: StoredConversationReference,
    activity: Partial<Activity>,
    facts: Record<string, string>,
  ): Promise<SendOutcome> {
    if (!this.usable(stored)) {
      this.log('warn', 'proactive.unusableReference', { ...facts, dead: stored.dead });
      return 'refused';
    }
    let outcome = 'retry' as SendOutcome;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new SendTimedOut()), this.sendTimeoutMs);
    });
    try {
      await Promise.race([
        this.options.adapter.continueConversationAsync(
          this.options.botAppId,
          stored.reference as Partial<ConversationReference>,
          async (context) => {
            // Caught here: an error escaping the callback would go to the adapter's
            // turn-error handler, which answers a user turn, not a proactive send.
            try {
              await context.sendActivity(activity);
              outcome = 'sent';
            } catch (e) {
              outcome = outcomeOfSendError(e);
              this.log('warn', 'proactive.sendFailed', { ...facts, outcome, status: statusOf(e), error: errorName(e) });
            }
          },
        ),
        timeout,
      ]);
    } catch (e) {
      // Before the send (the connector or its credentials), or our time limit: both pass.
      outcome = 'retry';
      this.log('warn', 'proactive.sendFailed', { ...facts, outcome, error: errorName(e) });
    } finally {
      clearTimeout(timer);
    }
    if (outcome === 'gone') await this.markDead(stored, facts);
    return outcome;
  }

  private async markDead(stored: StoredConversationReference, facts: Record<string, string>): Promise<void> {
    try {
      await this.options.references.markDead(stored.tenantId, stored.aadObjectId);
      this.log('info', 'proactive.referenceDead', facts);
    } catch (e) {
      // Next time the send fails the same way and we try again.
      this.log('warn', 'proactive.markDeadFailed', { ...facts, error: errorName(e) });
    }
  }
}
