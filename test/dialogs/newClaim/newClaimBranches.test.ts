/**
 * Every branch of the new-claim conversation, filed from "new claim" to "submitted"
 * in every locale, against the real stand-ins: the claim document in Cosmos and the
 * PoE blob in Azurite are checked at the end of each.
 */
import assert from 'node:assert/strict';
import type { Activity, RevenueAssociationDetails, SolutionArea } from '../../../claims/model';
import { LOCALES, t } from '../../../locales/i18n';
import {
  ADMIN_ID,
  Chat,
  adminCaller,
  blobBytes,
  newClaimSetting,
  onlyClaimOf,
  sha256,
  cardStrings,
  textsOf,
} from './newClaimHarness';
import {
  CONTACTS,
  CUSTOMER_DOMAIN,
  CUSTOMER_TENANT,
  SIGNED_SOW,
  TECHNICAL,
  answerSubscriptions,
  assertCard,
  attachSignedSow,
  chooseProducts,
  enterContacts,
  enterRevenue,
  poeDone,
  fillStart,
  start,
  submitFromSummary,
  assertReceipt,
  type SubscriptionAnswer,
} from './newClaimSteps';

interface Branch {
  name: string;
  area: SolutionArea;
  activity: Activity;
  revenue?: RevenueAssociationDetails;
  products: string[];
  /** Asked only when a Dynamics 365 product is chosen. */
  subscriptions?: SubscriptionAnswer[];
  technicalContact: boolean;
}

const SUB_A = 'a1b2c3d4-0000-4000-8000-00000000000a';
const SUB_B = 'A1B2C3D4-0000-4000-8000-00000000000B';

const BRANCHES: Branch[] = [
  {
    name: 'Microsoft 365 (usage)',
    area: 'microsoft365',
    activity: 'usage',
    products: ['exchangeOnline', 'microsoftTeams'],
    technicalContact: false,
  },
  {
    name: 'Business Applications, usage and/or pre-sales',
    area: 'businessApplications',
    activity: 'usageOrPresales',
    products: ['powerBI', 'powerApps'],
    technicalContact: false,
  },
  {
    name: 'Business Applications, revenue association',
    area: 'businessApplications',
    activity: 'revenueAssociation',
    revenue: {
      solutionSellerName: 'Northwind Sellers',
      customerName: 'Contoso Ltd',
      isvSolutionName: 'Contoso Field App',
    },
    products: ['powerAutomate'],
    technicalContact: false,
  },
  {
    name: 'Dynamics 365 with one subscription',
    area: 'businessApplications',
    activity: 'usageOrPresales',
    products: ['dynamics365Sales'],
    subscriptions: [{ productId: 'dynamics365Sales', multiple: false }],
    technicalContact: true,
  },
  {
    name: 'Dynamics 365 with several subscriptions',
    area: 'businessApplications',
    activity: 'usageOrPresales',
    products: ['dynamics365Sales', 'dynamics365FieldService'],
    subscriptions: [
      { productId: 'dynamics365Sales', multiple: true, ids: [SUB_A, SUB_B] },
      { productId: 'dynamics365FieldService', multiple: false },
    ],
    technicalContact: true,
  },
];

describe('NewClaimDialog branches', function () {
  this.timeout(60_000);
  const s = newClaimSetting();

  for (const locale of LOCALES) {
    for (const branch of BRANCHES) {
      it(`${locale}: files a ${branch.name} claim and submits it`, async () => {
        const chat = new Chat(s.world, adminCaller(s.org, locale));
        await start(chat);
        const answers = {
          mpnId: '7654321',
          area: branch.area,
          activity: branch.activity,
          name: `${branch.name} claim`,
        };
        const started = await fillStart(chat, answers);
        const created = branch.revenue ? await enterRevenue(chat, branch.revenue) : started;
        assert.ok(textsOf(created).includes(t(locale, 'claimName.created')));

        // The draft exists from here on, with what the first steps gathered.
        const draft = await onlyClaimOf(s.world, s.org);
        assert.equal(draft.status, 'draft');
        assert.equal(draft.mpnId, '7654321');

        await chooseProducts(chat, branch.products);
        if (branch.subscriptions) await answerSubscriptions(chat, branch.subscriptions);
        assertCard(chat, 'contacts.title');
        // The partner contact comes prefilled from the Teams profile.
        const partnerSection = JSON.stringify(chat.lastCard());
        assert.ok(partnerSection.includes('alexw@fabrikam.example'));
        assert.equal(partnerSection.includes(t(locale, 'contacts.technicalSection')), branch.technicalContact);
        await enterContacts(chat, branch.technicalContact ? { ...CONTACTS, ...TECHNICAL } : CONTACTS);
        const received = await attachSignedSow(chat);
        // The PoE card, updated in place, is the acknowledgement.
        assert.deepEqual(textsOf(received), []);
        assert.ok(cardStrings(chat.lastCard()).some((text) => text.includes('Signed SOW.pdf')));
        await poeDone(chat);
        const submitted = await submitFromSummary(chat);
        // A receipt card, no longer two lines of text (issue 12 point 3).
        assert.deepEqual(textsOf(submitted), []);
        assertReceipt(locale, submitted, { id: draft.id, name: `${branch.name} claim`, status: 'submitted' });
        assert.equal(chat.status, 'complete');
        assert.deepEqual(chat.result, { outcome: 'submitted', claimId: draft.id });

        const claim = await onlyClaimOf(s.world, s.org);
        assert.equal(claim.status, 'submitted');
        assert.deepEqual(
          {
            name: claim.name,
            mpnId: claim.mpnId,
            customerDomain: claim.customerDomain,
            customerTenantId: claim.customerTenantId,
            solutionArea: claim.solutionArea,
            activity: claim.activity,
            revenue: claim.revenue,
            productIds: claim.productIds,
            subscriptions: claim.subscriptions,
            customerContact: claim.customerContact,
            technicalContact: claim.technicalContact,
            partnerContact: claim.partnerContact,
          },
          {
            name: `${branch.name} claim`,
            mpnId: '7654321',
            customerDomain: CUSTOMER_DOMAIN,
            customerTenantId: CUSTOMER_TENANT,
            solutionArea: branch.area,
            activity: branch.activity,
            revenue: branch.revenue,
            productIds: branch.products,
            subscriptions: (branch.subscriptions ?? []).map((s) => ({
              productId: s.productId,
              multiple: s.multiple,
              subscriptionIds: (s.ids ?? []).map((id) => id.toLowerCase()),
            })),
            customerContact: {
              name: CONTACTS.customerName,
              title: CONTACTS.customerTitle,
              email: CONTACTS.customerEmail,
            },
            technicalContact: branch.technicalContact
              ? { name: TECHNICAL.technicalName, title: TECHNICAL.technicalTitle, email: TECHNICAL.technicalEmail }
              : undefined,
            partnerContact: { name: CONTACTS.partnerName, email: CONTACTS.partnerEmail },
          },
        );
        assert.deepEqual(
          claim.history.map((h) => [h.event, h.to]),
          [
            ['created', 'draft'],
            ['submit', 'submitted'],
          ],
        );
        assert.equal(claim.createdBy.id, ADMIN_ID);

        // The PoE blob holds exactly the bytes the partner attached.
        assert.equal(claim.poe.length, 1);
        const [poe] = claim.poe;
        assert.ok(poe);
        assert.deepEqual(
          { fileName: poe.fileName, kind: poe.kind, sizeBytes: poe.sizeBytes, sha256: poe.sha256 },
          { fileName: 'Signed SOW.pdf', kind: 'pdf', sizeBytes: SIGNED_SOW.length, sha256: sha256(SIGNED_SOW) },
        );
        assert.equal(sha256(await blobBytes(s.world, poe.blobName)), sha256(SIGNED_SOW));
      });
    }
  }
});
