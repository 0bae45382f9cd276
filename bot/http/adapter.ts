/**
 * The Bot Framework adapter: CloudAdapter authenticating every inbound request when
 * an app id is configured (SingleTenant with a secret, or a user-assigned managed
 * identity), and the one place an unexpected turn failure is logged and turned into
 * a friendly, localized apology without internal detail.
 */
import { randomUUID } from 'node:crypto';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type TurnContext } from 'botbuilder';
import { apologyLocale, turnErrorMessage } from './turnErrorMessages';
import { turnCorrelationId, turnLogger, type Logger } from './turnLog';

export type BotAppType = 'SingleTenant' | 'UserAssignedMSI';

export interface BotIdentity {
  /** Empty in local mode without a registration: authentication is then off. */
  appId: string;
  appType: BotAppType;
  tenantId: string;
  password?: string;
}

/** Where unexpected turn failures are reported besides the log (Application Insights, or nowhere). */
export interface Telemetry {
  trackException(error: Error, properties: Record<string, string>): void;
  flush(): Promise<void>;
}

export interface AdapterDeps {
  logger: Logger;
  telemetry: Telemetry;
}

export function botFrameworkAuthentication(identity: BotIdentity): ConfigurationBotFrameworkAuthentication {
  // Without an app id the SDK skips authentication (local Playground only; config
  // refuses that outside local mode). The SDK spells the MSI type "UserAssignedMsi".
  return new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: identity.appId,
    MicrosoftAppTenantId: identity.tenantId,
    MicrosoftAppType: identity.appId ? (identity.appType === 'UserAssignedMSI' ? 'UserAssignedMsi' : 'SingleTenant') : undefined,
    MicrosoftAppPassword: identity.password,
  });
}

export interface ActivityOutcome {
  status: number;
  body?: unknown;
}

/**
 * CloudAdapter with its HTTP step done here rather than in `CloudAdapter.process`,
 * which writes refused requests to the console unstructured, echoes internal error
 * messages to the caller, and fails with a 500 on a body that is not an activity.
 */
export class BotAdapter extends CloudAdapter {
  /** Authenticates (when an app id is set) and runs `logic`; never throws. */
  async handle(body: unknown, authorization: string | undefined, log: Logger, logic: (context: TurnContext) => Promise<void>): Promise<ActivityOutcome> {
    const activity = asActivity(body);
    if (!activity) return { status: 400, body: { code: 'BadRequest', message: 'the body is not an activity' } };
    try {
      const invokeResponse = await this.processActivity(authorization ?? '', activity, logic);
      return { status: invokeResponse?.status ?? 200, body: invokeResponse?.body };
    } catch (e) {
      if (statusOf(e) === 401) {
        log.warn({ reason: e instanceof Error ? e.message : 'unknown' }, 'request refused: no valid Bot Framework token');
        return { status: 401, body: { code: 'Unauthorized', message: 'a valid Bot Framework token is required' } };
      }
      log.error({ err: e }, 'activity processing failed');
      return { status: 500, body: { code: 'InternalError', message: 'the activity could not be processed' } };
    }
  }
}

function asActivity(body: unknown): Activity | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const activity = body as Activity & { rawTimestamp?: string; rawLocalTimestamp?: string };
  if (typeof activity.type !== 'string' || !activity.type) return undefined;
  // As the SDK does: keep the sender's text and give handlers Date objects.
  const timestamp: unknown = activity.timestamp;
  if (typeof timestamp === 'string') {
    activity.rawTimestamp = timestamp;
    activity.timestamp = new Date(timestamp);
  }
  const localTimestamp: unknown = activity.localTimestamp;
  if (typeof localTimestamp === 'string') {
    activity.rawLocalTimestamp = localTimestamp;
    activity.localTimestamp = new Date(localTimestamp);
  }
  return activity;
}

function statusOf(e: unknown): number | undefined {
  const status: unknown = typeof e === 'object' && e !== null ? Reflect.get(e, 'statusCode') : undefined;
  return typeof status === 'number' ? status : undefined;
}

export function createAdapter(identity: BotIdentity, deps: AdapterDeps): BotAdapter {
  const adapter = new BotAdapter(botFrameworkAuthentication(identity));
  adapter.onTurnError = createTurnErrorHandler(deps);
  return adapter;
}

export function createTurnErrorHandler({ logger, telemetry }: AdapterDeps): (context: TurnContext, error: Error) => Promise<void> {
  return async (context, error) => {
    const correlationId = turnCorrelationId(context) ?? randomUUID();
    const log = turnLogger(context, logger.child({ correlationId }));
    log.error({ err: error }, 'turn failed');
    telemetry.trackException(error, { correlationId, activityType: context.activity.type ?? '' });
    // An invoke expects an invoke response, not a message; without one the adapter answers
    // 501 and Teams shows its own error on the card.
    if (context.activity.type === 'invoke') return;
    try {
      await context.sendActivity(turnErrorMessage(apologyLocale(context), correlationId));
    } catch (sendError) {
      log.error({ err: sendError }, 'could not send the apology');
    }
  };
}
