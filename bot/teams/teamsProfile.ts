/**
 * The user's email from their Teams profile (the roster call), used to prefill the
 * partner contact and to reach customers who also use Teams. Activities carry no
 * email, so this costs a call to Teams: bounded in time, and any failure is just
 * "unknown" — a turn never waits long or fails for it.
 */
import { Channels, TeamsInfo, type TurnContext } from 'botbuilder';
import type { EmailLookup } from './callerResolver';

export function teamsEmailLookup(timeoutMs = 1500): EmailLookup {
  return async (context: TurnContext) => {
    const userId = context.activity.from?.id;
    if (context.activity.channelId !== Channels.Msteams || !userId) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    try {
      const member = await Promise.race([TeamsInfo.getMember(context, userId), timedOut]);
      const email = member?.email || member?.userPrincipalName;
      return email && email.includes('@') ? email : undefined;
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  };
}
