/**
 * A placeholder bot until the claim dialogs are wired in: it proves the pipeline
 * (authentication, adapter, logging) end to end by answering every message.
 */
import { TeamsActivityHandler } from 'botbuilder';

export const MINIMAL_REPLY = 'CPOR Claims Bot is running.';

export class MinimalBot extends TeamsActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      await context.sendActivity(MINIMAL_REPLY);
      await next();
    });
  }
}
