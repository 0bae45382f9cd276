/**
 * The yardstick: a bare restify 11 + CloudAdapter echo bot, as the Bot Framework
 * samples write it, with no storage, no state and no logging. The bench drives it with
 * the very same requests as the claims bot, so the ratio of the two is the price of
 * what the claims bot does on top of the SDK.
 */
import { ActivityHandler } from 'botbuilder';
import { serveBot } from './botServer';

const bot = new ActivityHandler();
bot.onMessage(async (context, next) => {
  await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
  await next();
});

serveBot(bot);
