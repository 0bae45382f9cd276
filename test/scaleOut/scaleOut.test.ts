/**
 * Scale-out: two bot processes (the real composition root, `npm start`) on one Cosmos DB
 * stand-in and one Azurite, behind a round-robin proxy on loopback, as App Service runs
 * two instances without session affinity. One partner conversation files a whole claim
 * through the proxy, every turn landing on the other process (the dialog state lives in
 * Cosmos, not in a process); a reviewer starts the review and approves over the proxy;
 * the three-second opt-out window closes while both processes' schedulers sweep. Every
 * notification reaches the partner's connector (or the customer's mailbox) exactly once,
 * and the claim is associated once, with one history entry per transition.
 *
 * Each process reaches Cosmos through a tap of its own, so the test can see that both
 * schedulers really ran (their due-claim queries), not only that one of them did the work.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import type { Database } from '@azure/cosmos';
import type { Claim, PartnerOrganisation } from '../../claims/model';
import { formatDateTime, t } from '../../locales/i18n';
import { CosmosClaimRepository } from '../../storage/claimRepository';
import { createCosmosClient } from '../../storage/cosmosConnection';
import { containerSpec, ensureCosmosSchema } from '../../storage/cosmosSchema';
import { CosmosPartnerDirectory } from '../../storage/partnerDirectory';
import { loadSeededTenantDirectory } from '../../storage/tenantDirectory';
import { cardStrings, sha256 } from '../dialogs/newClaim/newClaimHarness';
import * as steps from '../dialogs/newClaim/newClaimSteps';
import { startBotProcess, type BotProcess } from '../e2e/support/botProcess';
import { messageIdOf } from '../support/proactiveHarness';
import { RecordingConnector } from '../support/recordingConnector';
import { startRoundRobinProxy, type ForwardedRequest, type RoundRobinProxy } from '../support/roundRobinProxy';
import { standIns } from '../support/rootHooks';
import { LoopbackFiles, TeamsHttpChat, type TeamsUser, type Turn } from '../support/teamsHttpChat';

const TIME_ZONE = 'America/Los_Angeles';
const PARTNER: TeamsUser = { tenantId: randomUUID(), aadObjectId: randomUUID(), name: 'Alex Wilber' };
const REVIEWER: TeamsUser = { tenantId: randomUUID(), aadObjectId: randomUUID(), name: 'Rae Reviewer' };

const organisations: PartnerOrganisation[] = [
  {
    id: PARTNER.tenantId,
    type: 'partner',
    name: 'Fabrikam',
    locations: [
      { mpnId: '1234567', name: 'Fabrikam Seattle' },
      { mpnId: '7654321', name: 'Fabrikam Seoul' },
    ],
    incentivesAdmins: [PARTNER.aadObjectId],
    reviewers: [],
  },
  {
    id: REVIEWER.tenantId,
    type: 'operator',
    name: 'CPOR program operator',
    locations: [],
    incentivesAdmins: [],
    reviewers: [REVIEWER.aadObjectId],
  },
];

/** The scheduler's query for claims whose timer or outbox is due (storage/claimRepository.ts listDue). */
const isDueQuery = (request: ForwardedRequest): boolean =>
  /\/colls\/claims\/docs$/.test(request.path) &&
  String(request.headers['x-ms-documentdb-isquery']).toLowerCase() === 'true' &&
  request.body.toString('utf8').includes('c.dueAt <= @now');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe('scale-out: two bot processes behind a round-robin proxy on one store', function () {
  // Two processes start in parallel on two cores; the window is three seconds.
  this.timeout(90_000);

  const stops: (() => Promise<void>)[] = [];
  let database: Database;
  let claims: CosmosClaimRepository;
  let connector: RecordingConnector;
  let files: LoopbackFiles;
  let taps: RoundRobinProxy[] = [];
  let bots: BotProcess[] = [];
  let balancer: RoundRobinProxy;
  let partner: TeamsHttpChat;
  let reviewer: TeamsHttpChat;
  let claim: Claim;
  /** How many requests each tap had seen when the approval was answered. */
  let tappedAtApproval: number[] = [];

  before(async function () {
    const { cosmos, azurite } = standIns();
    const databaseId = `db-${randomUUID()}`;
    const poeContainer = `poe-${randomUUID()}`;
    // Prepared by whoever runs the stores, as the Bicep template does in Azure: the bots only connect.
    database = await ensureCosmosSchema(createCosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key }), databaseId);
    await BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(poeContainer).create();
    const directory = new CosmosPartnerDirectory(database.container(containerSpec('partners').id), {
      operatorTenantId: REVIEWER.tenantId,
    });
    for (const org of organisations) await directory.upsert(org);
    claims = new CosmosClaimRepository(database.container(containerSpec('claims').id));

    connector = await new RecordingConnector().start();
    stops.push(() => connector.stop());
    files = await new LoopbackFiles().start();
    stops.push(() => files.close());
    taps = [await startRoundRobinProxy([cosmos.endpoint]), await startRoundRobinProxy([cosmos.endpoint])];
    stops.push(...taps.map((tap) => () => tap.close()));

    const settings = {
      COSMOS_KEY: cosmos.key,
      STORAGE_CONNECTION_STRING: azurite.connectionString,
      COSMOS_DATABASE: databaseId,
      POE_CONTAINER: poeContainer,
      // One key for both, as every instance of a deployment shares it: a link signed by one verifies on the other.
      CONSENT_SIGNING_KEY: randomUUID() + randomUUID(),
      OPT_OUT_WINDOW: 'PT3S',
      SCHEDULER_INTERVAL_SECONDS: '1',
      CALENDAR_TIME_ZONE: TIME_ZONE,
      LOG_LEVEL: 'info',
      OPERATOR_TENANT_ID: REVIEWER.tenantId,
    };
    const started = await Promise.allSettled(
      taps.map((tap) => startBotProcess({ ...settings, COSMOS_ENDPOINT: tap.url })),
    );
    for (const result of started) if (result.status === 'fulfilled') stops.push(() => result.value.stop());
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    bots = started.map((r) => (r as PromiseFulfilledResult<BotProcess>).value);

    balancer = await startRoundRobinProxy(bots.map((bot) => bot.url));
    stops.push(() => balancer.close());
    const endpoint = `${balancer.url}/api/messages`;
    partner = new TeamsHttpChat({ endpoint, serviceUrl: connector.url, user: PARTNER, locale: 'en-US', files });
    reviewer = new TeamsHttpChat({ endpoint, serviceUrl: connector.url, user: REVIEWER, locale: 'en-US', files });
  });

  after(async function () {
    this.timeout(60_000);
    // Everything, even after a failure: processes first (their logs are gone after).
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed')
      bots.forEach((bot, i) => console.error(`--- bot ${i} output ---\n${bot.output()}`));
  });

  /** The bot process whose log has this request's correlation id (exactly one must). */
  async function processOf(turn: Turn): Promise<number> {
    assert.ok(turn.correlationId, 'the bot sets X-Correlation-Id on every answer');
    const marker = `"correlationId":"${turn.correlationId}"`;
    // The request line is written when the answer finishes: it may trail the answer by a moment.
    return eventually(
      `the log line of ${turn.correlationId}`,
      () => {
        const logged = bots.map((bot, i) => (bot.output().includes(marker) ? i : -1)).filter((i) => i >= 0);
        assert.ok(logged.length <= 1, `request ${turn.correlationId} logged by both processes`);
        return logged[0];
      },
      5_000,
    );
  }

  it('one conversation files a whole claim, each turn served by the other process', async () => {
    const { customerDomain, customerTenantId } = await seededCustomer();
    await steps.start(partner);
    await steps.fillStart(partner, {
      domain: customerDomain,
      tenantId: customerTenantId,
      name: 'Contoso scale-out rollout',
    });
    await steps.chooseProducts(partner, ['exchangeOnline']);
    await steps.enterContacts(partner);
    await steps.attachSignedSow(partner);
    await steps.poeDone(partner);
    await steps.submitFromSummary(partner);

    const stored = (await claims.listByPartner(PARTNER.tenantId, {}, 10)).items;
    assert.equal(stored.length, 1, 'one claim, however many processes served the turns');
    claim = stored[0] as Claim;
    assert.equal(claim.status, 'submitted');
    assert.equal(claim.customerTenantId, customerTenantId);
    assert.deepEqual(claim.productIds, ['exchangeOnline']);
    assert.equal(claim.poe.length, 1);
    assert.equal(
      claim.poe[0]?.sha256,
      sha256(steps.SIGNED_SOW),
      'the PoE downloaded by one process, stored in the shared Azurite',
    );

    const served = await Promise.all(partner.turns.map(processOf));
    // Seven since the start card took the first four cards' place (and the comments and confirm cards left the flow).
    assert.ok(served.length >= 7, `a whole claim takes seven turns, got ${served.length}`);
    served.forEach(
      (process, i) =>
        i > 0 && assert.notEqual(process, served[i - 1], `turn ${i + 1} landed on the same process as turn ${i}`),
    );
    assert.deepEqual(new Set(served), new Set([0, 1]));
  });

  it('a reviewer starts the review and approves over the proxy, each click on the other process', async function () {
    if (!claim) this.skip();
    const ref = { claimId: claim.id, partnerId: claim.partnerId };
    const started = await reviewer.execute('reviewStart', { ...ref, seenStatus: 'submitted' });
    assert.ok(cardStrings(started.value).includes(t('en-US', 'reviewer.started')), JSON.stringify(started));
    const approved = await reviewer.execute('reviewApprove', { ...ref, seenStatus: 'underReview' });
    tappedAtApproval = taps.map((tap) => tap.forwarded.length);
    claim = (await claims.get(claim.partnerId, claim.id))?.value ?? assert.fail('the claim is gone');
    assert.equal(claim.status, 'approvedCustomerNotified');
    const closes = t('en-US', 'reviewer.approved', {
      date: formatDateTime('en-US', claim.windowClosesAt ?? '', TIME_ZONE),
    });
    assert.ok(cardStrings(approved.value).includes(closes), JSON.stringify(approved));

    const served = await Promise.all([...partner.turns, ...reviewer.turns].map(processOf));
    served.forEach(
      (process, i) =>
        i > 0 && assert.notEqual(process, served[i - 1], `turn ${i + 1} landed on the same process as turn ${i}`),
    );
  });

  it('the window closes while both schedulers sweep: associated once, every notification delivered once', async function () {
    if (claim?.status !== 'approvedCustomerNotified') this.skip();
    const prefix = `${claim.partnerId}/${claim.id}/`;
    const ours = () =>
      connector.received.map((r) => String(messageIdOf(r.activity) ?? '')).filter((id) => id.startsWith(prefix));
    const kindOf = (id: string) => id.split('.').pop();
    await eventually(
      '"association official" at the partner\'s connector',
      () => (ours().some((id) => kindOf(id) === 'associationOfficial') ? true : undefined),
      30_000,
    );
    // A few more sweeps of both processes: nothing may arrive twice late either.
    await sleep(3_500);

    const ids = ours();
    assert.deepEqual(
      ids.map(kindOf).sort(),
      ['approvedCustomerNotified', 'associationOfficial', 'reviewStarted'],
      `partner messages: ${ids.join(', ')}`,
    );
    assert.equal(new Set(ids).size, ids.length, 'each cporMessageId once');
    const conversations = new Set(
      connector.received.filter((r) => ids.includes(String(messageIdOf(r.activity)))).map((r) => r.conversationId),
    );
    assert.deepEqual(
      [...conversations],
      [partner.conversationId],
      'to the chat the partner filed from (its stored reference)',
    );
    const consentMails = bots.flatMap((bot) => {
      const outbox = path.join(bot.dataDir, 'outbox');
      return existsSync(outbox) ? readdirSync(outbox).filter((f) => f.endsWith('.eml')) : [];
    });
    assert.equal(consentMails.length, 1, "the customer's consent request mailed once, by one of the two");

    const final = (await claims.get(claim.partnerId, claim.id))?.value ?? assert.fail('the claim is gone');
    assert.equal(final.status, 'associated');
    assert.deepEqual(final.outbox, [], 'nothing left to deliver');
    const transitions = final.history.filter((h) => h.from !== h.to).map((h) => `${h.from ?? 'none'}→${h.to}`);
    assert.deepEqual(transitions, [
      'none→draft',
      'draft→submitted',
      'submitted→underReview',
      'underReview→approvedCustomerNotified',
      'approvedCustomerNotified→associated',
    ]);
    const { resources: holds } = await database
      .container(containerSpec('associations').id)
      .items.query<{ id: string; state: string }>({
        query: 'SELECT * FROM c WHERE c.claimId = @claimId',
        parameters: [{ name: '@claimId', value: claim.id }],
      })
      .fetchAll();
    assert.deepEqual(
      holds.map((h) => [h.id, h.state]),
      final.heldKeys.map((key) => [key, 'held']),
    );
    assert.equal(holds.length, 1, 'one workload, held once');

    const sweepsAfterApproval = taps.map(
      (tap, i) => tap.forwarded.slice(tappedAtApproval[i]).filter(isDueQuery).length,
    );
    assert.ok(
      sweepsAfterApproval.every((n) => n >= 2),
      `both processes swept while the window closed: ${sweepsAfterApproval.join(' and ')} due-claim queries`,
    );
  });
});

/** A customer domain and tenant the bot's seeded tenant directory knows, so the domain–tenant check passes. */
async function seededCustomer(): Promise<{ customerDomain: string; customerTenantId: string }> {
  const customerDomain = 'contoso.onmicrosoft.com';
  const customerTenantId = await (await loadSeededTenantDirectory()).tenantOfDomain(customerDomain);
  return { customerDomain, customerTenantId: customerTenantId ?? assert.fail('the seeded directory lost Contoso') };
}
