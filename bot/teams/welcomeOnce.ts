/**
 * Who may send a conversation's welcome card. Teams announces a new personal chat twice
 * (the bot added as a member, and the app installed), and the Agents Playground sends
 * both at the same moment: two turns that each read the conversation state before the
 * other saved it, so a "welcomed" flag in that state cannot tell them apart (a new
 * state document is written without an ETag). The welcome is therefore claimed by
 * creating a record in the `idempotencyRecords` container, which only one turn can do.
 *
 * The record lasts a day: long past the race, after which the conversation state's flag
 * (saved by the welcoming turn) answers alone. An uninstall deletes it, so a reinstall
 * is welcomed again; a welcome that failed to send gives it back for the retry.
 *
 * When the records cannot be read or written the turn welcomes anyway: a rare double
 * welcome is better than none.
 */
import type { TurnContext } from 'botbuilder';
import { recordId, type IdempotencyRecords } from '../../claims/ports';
import { tenantOf } from './callerResolver';
import { turnLogger, type Logger } from '../http/turnLog';

export type WelcomeRecords = Pick<IdempotencyRecords, 'begin' | 'complete' | 'abandon'>;

/** A welcome still being sent after this long belongs to a process that died; the next install may take it over. */
const LEASE_MS = 60_000;
const KEEP_SECONDS = 86_400;

/** The record of a conversation's welcome: per channel, tenant and conversation, as the conversation state is. */
function welcomeRecordId(context: TurnContext): string | undefined {
  const { activity } = context;
  const conversationId = activity.conversation?.id;
  if (!conversationId) return undefined;
  return recordId('welcome', [activity.channelId ?? '', tenantOf(activity), conversationId]);
}

export class WelcomeOnce {
  constructor(
    private readonly records: WelcomeRecords,
    private readonly logger: Logger,
  ) {}

  /** True for the one turn that is to send the welcome. */
  async claim(context: TurnContext): Promise<boolean> {
    const id = welcomeRecordId(context);
    if (!id) return true;
    try {
      return (await this.records.begin(id, 'welcome', LEASE_MS, KEEP_SECONDS)) === 'started';
    } catch (e) {
      turnLogger(context, this.logger).warn(
        { err: e },
        'could not check whether the conversation was welcomed; welcoming',
      );
      return true;
    }
  }

  /** The welcome was sent. */
  async sent(context: TurnContext): Promise<void> {
    const id = welcomeRecordId(context);
    if (!id) return;
    try {
      await this.records.complete(id, 'welcome', KEEP_SECONDS);
    } catch (e) {
      // The lease still covers the race; the state flag covers the rest.
      turnLogger(context, this.logger).warn({ err: e }, 'could not mark the welcome sent');
    }
  }

  /** The next install may welcome: this one failed to send, or the app was removed. */
  async release(context: TurnContext): Promise<void> {
    const id = welcomeRecordId(context);
    if (!id) return;
    try {
      await this.records.abandon(id);
    } catch (e) {
      turnLogger(context, this.logger).warn({ err: e }, 'could not release the welcome record');
    }
  }
}
