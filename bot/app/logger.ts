/**
 * Structured JSON logs (pino) with a correlation id per turn. Log ids, never content:
 * no message text, names, emails or card inputs, so logs hold no personal data
 * beyond AAD object ids, tenant ids and conversation ids.
 */
import type { EngineLog } from '../../claims/notifications';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config';

export type { Logger } from 'pino';
export { attachTurnLogger, turnCorrelationId, turnLogger } from '../http/turnLog';

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'cpor-claims-bot' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Belt and braces: should a request or config object ever be logged whole.
      redact: {
        paths: [
          'req.headers.authorization',
          'headers.authorization',
          '*.password',
          '*.key',
          '*.connectionString',
          '*.consentSigningKey',
        ],
        censor: '[redacted]',
      },
    },
    // Stdout without waiting on each line: a write per line was two system calls per turn
    // (a tenth of the bench's logging cost); lines written while one is in flight go out
    // together. A stop or a crash flushes them (flushLogger, the lifecycle's last step);
    // only a kill -9 can lose the lines of the last moment.
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** Writes what is buffered (the stdout destination is asynchronous). */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}

/** The domain engine's log (level, event, facts) written as structured pino lines. */
export function engineLog(logger: Logger): EngineLog {
  return (level, event, facts) => logger[level]({ event, ...facts }, event);
}
