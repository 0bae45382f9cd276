/**
 * The Bot Framework adapter: CloudAdapter authenticating every inbound request when
 * an app id is configured (SingleTenant with a secret, or a user-assigned managed
 * identity), and the one place an unexpected turn failure is logged and turned into
 * a friendly, localized apology without internal detail.
 */
import { randomUUID } from 'node:crypto';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type TurnContext } from 'botbuilder';
import { hasApologised } from '../../dialogs/apology';
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
  /**
   * Tests only: where the channel's token signing keys are published (a loopback stand-in
   * for login.botframework.com), so real signatures, forged ones and expiry can be checked.
   */
  channelOpenIdMetadataUrl?: string;
}

export function botFrameworkAuthentication(
  identity: BotIdentity,
  channelOpenIdMetadataUrl?: string,
): ConfigurationBotFrameworkAuthentication {
  // Without an app id the SDK skips authentication (local Playground only; config
  // refuses that outside local mode). The SDK spells the MSI type "UserAssignedMsi".
  return new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: identity.appId,
    MicrosoftAppTenantId: identity.tenantId,
    MicrosoftAppType: identity.appId
      ? identity.appType === 'UserAssignedMSI'
        ? 'UserAssignedMsi'
        : 'SingleTenant'
      : undefined,
    MicrosoftAppPassword: identity.password,
    // One URL overridden makes the SDK take every endpoint from here: the public cloud's, as its defaults.
    ...(channelOpenIdMetadataUrl
      ? {
          ValidateAuthority: true,
          ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
          ToChannelFromBotOAuthScope: 'https://api.botframework.com',
          ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
          OAuthUrl: 'https://api.botframework.com',
          ToBotFromChannelOpenIdMetadataUrl: channelOpenIdMetadataUrl,
          ToBotFromEmulatorOpenIdMetadataUrl:
            'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
          CallerId: 'urn:botframework:azure',
        }
      : {}),
  });
}

/** The clock skew the SDK tolerates on a token's expiry, in seconds. */
const TOKEN_CLOCK_TOLERANCE_SECONDS = 300;

/**
 * The SDK's own checks throw plain JWT errors for a bad signature or a malformed token
 * (which CloudAdapter turns into 500) and writes expired tokens to the console with a
 * stack: both are refusals of the caller, not failures of the bot.
 */
const JWT_ERROR_NAMES = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

function isAuthenticationFailure(e: unknown): boolean {
  if (statusOf(e) === 401) return true;
  return e instanceof Error && JWT_ERROR_NAMES.has(e.name);
}

/** A bearer token whose `exp` passed beyond the tolerance: refused before the SDK sees it. */
function expiredBearer(authorization: string | undefined, nowSeconds: number): boolean {
  const token = /^Bearer\s+([^.\s]+)\.([^.\s]+)\.[^.\s]*$/i.exec(authorization ?? '');
  if (!token) return false;
  try {
    const payload: unknown = JSON.parse(Buffer.from(token[2] as string, 'base64url').toString('utf8'));
    const exp: unknown = typeof payload === 'object' && payload !== null ? Reflect.get(payload, 'exp') : undefined;
    return typeof exp === 'number' && exp + TOKEN_CLOCK_TOLERANCE_SECONDS < nowSeconds;
  } catch {
    return false;
  }
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
  constructor(
    authentication: ConfigurationBotFrameworkAuthentication,
    /** Whether an app id is configured, so tokens are checked at all. */
    private readonly authenticates: boolean,
  ) {
    super(authentication);
  }

  /** Authenticates (when an app id is set) and runs `logic`; never throws. */
  async handle(
    body: unknown,
    authorization: string | undefined,
    log: Logger,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<ActivityOutcome> {
    const activity = asActivity(body);
    if (!activity) return { status: 400, body: { code: 'BadRequest', message: 'the body is not an activity' } };
    const unauthorized = (reason: string): ActivityOutcome => {
      log.warn({ reason }, 'request refused: no valid Bot Framework token');
      return { status: 401, body: { code: 'Unauthorized', message: 'a valid Bot Framework token is required' } };
    };
    if (this.authenticates && expiredBearer(authorization, Date.now() / 1000))
      return unauthorized('the token has expired');
    try {
      const invokeResponse = await this.processActivity(authorization ?? '', activity, logic);
      return { status: invokeResponse?.status ?? 200, body: invokeResponse?.body };
    } catch (e) {
      if (isAuthenticationFailure(e)) return unauthorized(e instanceof Error ? e.message : 'unknown');
      log.error({ err: e }, 'activity processing failed');
      return { status: 500, body: { code: 'InternalError', message: 'the activity could not be processed' } };
    }
  }
}

function asActivity(body: unknown): Activity | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const activity = body as Activity & { rawTimestamp?: string; rawLocalTimestamp?: string };
  if (typeof activity.type !== 'string' || !activity.type) return undefined;
  if (!keepWellTyped(activity)) return undefined;
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

/**
 * Fields the handlers read, dropped when a client sent them with the wrong type (a
 * `text` of null or a number, a `value` that is not an object, `attachments` that are
 * not a list of objects): the turn then sees them absent, as a card submit without text.
 * False when the sender, recipient, conversation or channel data is not an object.
 */
function keepWellTyped(activity: Activity): boolean {
  const fields = activity as unknown as Record<string, unknown>;
  for (const key of ['text', 'locale', 'name', 'replyToId', 'textFormat'] as const) {
    if (key in fields && typeof fields[key] !== 'string') delete fields[key];
  }
  if (
    'value' in fields &&
    (fields.value === null || (typeof fields.value !== 'object' && typeof fields.value !== 'string'))
  )
    delete fields.value;
  if ('attachments' in fields) {
    const attachments = fields.attachments;
    if (!Array.isArray(attachments)) delete fields.attachments;
    else
      fields.attachments = attachments.filter(
        (a: unknown) =>
          typeof a === 'object' && a !== null && !Array.isArray(a) && typeof Reflect.get(a, 'contentType') === 'string',
      );
  }
  // Who and where: without these as objects nothing can be answered, so it is no activity.
  return (['from', 'recipient', 'conversation', 'channelData'] as const).every((key) => {
    const part = fields[key];
    return part === undefined || (typeof part === 'object' && part !== null && !Array.isArray(part));
  });
}

function statusOf(e: unknown): number | undefined {
  const status: unknown = typeof e === 'object' && e !== null ? Reflect.get(e, 'statusCode') : undefined;
  return typeof status === 'number' ? status : undefined;
}

export function createAdapter(identity: BotIdentity, deps: AdapterDeps): BotAdapter {
  const adapter = new BotAdapter(
    botFrameworkAuthentication(identity, deps.channelOpenIdMetadataUrl),
    identity.appId !== '',
  );
  adapter.onTurnError = createTurnErrorHandler(deps);
  return adapter;
}

export function createTurnErrorHandler({
  logger,
  telemetry,
}: AdapterDeps): (context: TurnContext, error: Error) => Promise<void> {
  return async (context, error) => {
    const correlationId = turnCorrelationId(context) ?? randomUUID();
    const log = turnLogger(context, logger.child({ correlationId }));
    log.error({ err: error }, 'turn failed');
    telemetry.trackException(error, { correlationId, activityType: context.activity.type ?? '' });
    // An invoke expects an invoke response, not a message; without one the adapter answers
    // 501 and Teams shows its own error on the card.
    if (context.activity.type === 'invoke') return;
    // The user was told already what failed and what to do: one apology per turn.
    if (hasApologised(context)) return;
    try {
      await context.sendActivity(turnErrorMessage(apologyLocale(context), correlationId));
    } catch (sendError) {
      log.error({ err: sendError }, 'could not send the apology');
    }
  };
}
