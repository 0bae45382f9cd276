/**
 * The yardstick: a bare restify 11 + CloudAdapter echo bot, as the Bot Framework
 * samples write it, with no storage, no state and no logging. The bench drives it with
 * the very same requests as the claims bot, so the ratio of the two is the price of
 * what the claims bot does on top of the SDK.
 */
import restify from 'restify';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { AddressInfo } from 'node:net';
import { serveParent } from './ipc';

const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));

const bot = new ActivityHandler();
bot.onMessage(async (context, next) => {
  await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
  await next();
});

const server = restify.createServer();
server.use(restify.plugins.bodyParser());
server.post('/api/messages', async (req, res) => {
  await adapter.process(req, res, (context) => bot.run(context));
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  serveParent({ url: `http://127.0.0.1:${port}` }, {}, () => new Promise<void>((resolve) => server.close(() => resolve())));
});
