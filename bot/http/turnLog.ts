/**
 * The turn's logger: a child of the app's logger carrying the correlation id and the
 * activity's ids, kept in turn state so the host, the bot, dialogs and the error
 * handler all log with it. Here, not in bot/app, so the rooms that log per turn need
 * nothing from the composition root.
 */
import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import type { Logger } from 'pino';

export type { Logger } from 'pino';

const TURN_LOGGER = Symbol('turnLogger');
const TURN_CORRELATION_ID = Symbol('turnCorrelationId');

/**
 * Gives the turn a child logger carrying the correlation id and the activity's ids,
 * kept in turn state so the bot, dialogs and the error handler all log with it.
 */
export function attachTurnLogger(context: TurnContext, base: Logger, correlationId: string = randomUUID()): Logger {
  const activity = context.activity;
  const channelData = activity.channelData as { tenant?: { id?: string } } | undefined;
  const child = base.child({
    correlationId,
    activityId: activity.id,
    activityType: activity.type,
    channelId: activity.channelId,
    conversationId: activity.conversation?.id,
    tenantId: activity.conversation?.tenantId ?? channelData?.tenant?.id,
    userAadObjectId: activity.from?.aadObjectId,
  });
  context.turnState.set(TURN_LOGGER, child);
  context.turnState.set(TURN_CORRELATION_ID, correlationId);
  return child;
}

/** The turn's logger, or `fallback` when the turn has none (a turn not started by us). */
export function turnLogger(context: TurnContext, fallback: Logger): Logger {
  const logger: unknown = context.turnState.get(TURN_LOGGER);
  return logger ? (logger as Logger) : fallback;
}

export function turnCorrelationId(context: TurnContext): string | undefined {
  const id: unknown = context.turnState.get(TURN_CORRELATION_ID);
  return typeof id === 'string' ? id : undefined;
}
