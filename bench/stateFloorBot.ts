/**
 * The state floor: the echo bot plus what any stateful turn must do at the least, one
 * read and one write of its conversation state through ConversationState, in
 * botbuilder-azure's CosmosDbPartitionedStorage on the same Cosmos DB stand-in (a
 * container of its own, so the bench can count its operations apart). Driven with the
 * very same requests as the claims bot: no claims bot turn can cost less than this one.
 */
import { ActivityHandler, ConversationState } from 'botbuilder';
import { cosmosStateStorage, serveBot } from './botServer';
import { YARDSTICK_CONTAINERS } from './context';

const conversationState = new ConversationState(cosmosStateStorage(YARDSTICK_CONTAINERS.stateFloor));
const turns = conversationState.createProperty<number>('turns');

const bot = new ActivityHandler();
bot.onMessage(async (context, next) => {
  const seen = await turns.get(context, 0);
  await turns.set(context, seen + 1);
  await context.sendActivity(`echo ${seen + 1}: ${context.activity.text ?? ''}`);
  await next();
});
// The samples' place for it: the last event of every turn.
bot.onDialog(async (context, next) => {
  await conversationState.saveChanges(context, false);
  await next();
});

serveBot(bot);
