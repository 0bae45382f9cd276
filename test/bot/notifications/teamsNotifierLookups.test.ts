import assert from 'node:assert/strict';
import type { StoredConversationReference } from '../../../claims/ports';
import type { OutboxMessage } from '../../../claims/model';
import { TeamsNotifier } from '../../../bot/notifications/teamsNotifier';
import { buildClaim, DEMO_ADMIN, DEMO_PARTNER } from '../../support/claimFactory';

/** The reference store port, counting its lookups. */
class CountingReferences {
  gets = 0;
  emailLookups = 0;
  constructor(private readonly refs: StoredConversationReference[]) {}
  async get(tenantId: string, aadObjectId: string) {
    this.gets += 1;
    return this.refs.find((r) => r.tenantId === tenantId && r.aadObjectId === aadObjectId);
  }
  async findByEmail(email: string, tenantId?: string) {
    this.emailLookups += 1;
    return this.refs.find((r) => r.email === email.toLowerCase() && r.tenantId === tenantId && !r.dead);
  }
}

const referenceOf = (aadObjectId: string, email: string, dead = false): StoredConversationReference => ({
  tenantId: DEMO_PARTNER,
  aadObjectId,
  email,
  locale: 'en-US',
  reference: { serviceUrl: 'https://smba.trafficmanager.net/amer/', conversation: { id: `a:${aadObjectId}` } },
  updatedAt: '2025-03-03T09:00:00.000Z',
  dead,
});

const message: OutboxMessage = {
  id: '5.associationOfficial',
  kind: 'associationOfficial',
  createdAt: '2025-03-10T09:00:00.000Z',
  attempts: 0,
  nextAttemptAt: '2025-03-10T09:00:00.000Z',
  payload: { associatedAt: '2025-03-10T09:00:00.000Z' },
};

function notifierWith(references: CountingReferences) {
  const sentTo: string[] = [];
  const notifier = new TeamsNotifier({
    references,
    timeZone: 'UTC',
    sender: {
      usable: (ref) => !ref.dead,
      send: async (ref) => {
        sentTo.push(ref.aadObjectId);
        return 'sent';
      },
    },
  });
  return { notifier, sentTo };
}

describe('TeamsNotifier: who the partner notification reaches, and the lookups it takes', () => {
  it('does not look the partner contact up by email when the filer it found is that contact (Teams profile prefill)', async () => {
    const references = new CountingReferences([referenceOf(DEMO_ADMIN.id, 'alexw@example.com')]);
    const { notifier, sentTo } = notifierWith(references);
    const claim = buildClaim({
      status: 'associated',
      partnerContact: { name: 'Alex Wilber', email: 'AlexW@Example.com ' },
    });
    assert.equal(await notifier.deliver(claim, message), 'sent');
    assert.deepEqual(sentTo, [DEMO_ADMIN.id]);
    assert.equal(references.emailLookups, 0);
  });

  it('still finds a partner contact who is someone else, and tells both once', async () => {
    const references = new CountingReferences([
      referenceOf(DEMO_ADMIN.id, 'alexw@example.com'),
      referenceOf('aad-pat', 'pat@example.com'),
    ]);
    const { notifier, sentTo } = notifierWith(references);
    const claim = buildClaim({
      status: 'associated',
      partnerContact: { name: 'Pat Partner', email: 'pat@example.com' },
    });
    assert.equal(await notifier.deliver(claim, message), 'sent');
    assert.deepEqual(sentTo.sort(), [DEMO_ADMIN.id, 'aad-pat'].sort());
    assert.equal(references.emailLookups, 1);
  });

  it("looks the contact up when the filer's reference with that address is dead: another live chat may have it", async () => {
    const references = new CountingReferences([referenceOf(DEMO_ADMIN.id, 'alexw@example.com', true)]);
    const { notifier, sentTo } = notifierWith(references);
    const claim = buildClaim({
      status: 'associated',
      partnerContact: { name: 'Alex Wilber', email: 'alexw@example.com' },
    });
    assert.equal(await notifier.deliver(claim, message), 'dead');
    assert.deepEqual(sentTo, []);
    assert.equal(references.emailLookups, 1);
  });
});
