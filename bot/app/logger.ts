/**
 * Structured JSON logs (pino) with a correlation id per turn. Log ids, never content:
 * no message text, names, emails or card inputs, so logs hold no personal data
 * beyond AAD object ids, tenant ids and conversation ids.
 */
import type { EngineLog } from '../../claims/notifications';
import { randomUUID } from 'node:crypto';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { TurnContext } from 'botbuilder';
import type { LogLevel } from './config';

export type { Logger } from 'pino';

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'cpor-claims-bot' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Belt and braces: should a request or config object ever be logged whole.
      redact: {
        paths: ['req.headers.authorization', 'headers.authorization', '*.password', '*.key', '*.connectionString', '*.consentSigningKey'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

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

/** Writes what is buffered; pino's default destination is synchronous, so this rarely waits. */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}

/** The domain engine's log (level, event, facts) written as structured pino lines. */
export function engineLog(logger: Logger): EngineLog {
  return (level, event, facts) => logger[level]({ event, ...facts }, event);
}
