/**
 * Changes a message the bot sent earlier, outside any turn: a proactive turn on the
 * conversation's reference (`continueConversationAsync`), then `updateActivity`. The
 * reference is the one of the turn that showed the card, which the adapter had
 * authenticated, so its serviceUrl is the Bot Framework's.
 */
import type { Activity, ConversationReference } from 'botbuilder';
import type { CardUpdater } from '../../dialogs/poeChecks';
import type { ProactiveAdapter } from './proactiveSender';

export class ProactiveCardUpdater implements CardUpdater {
  constructor(
    private readonly adapter: ProactiveAdapter,
    /** MicrosoftAppId; '' locally, where authentication is off. */
    private readonly botAppId: string,
  ) {}

  async update(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<void> {
    await this.adapter.continueConversationAsync(this.botAppId, reference, async (context) => {
      await context.updateActivity(activity);
    });
  }
}
