/**
 * Every contact field reaches every place a contact is asked, read, checked and shown.
 * A field added to `Contact` (and so to CONTACT_FIELDS) fails here, naming the card
 * template, reader, check or view that still drops it; saving keeps it already
 * (claims/claimEdits.ts copies contacts by spreading).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readContacts } from '../../cards/submissions';
import { renderReviewDetailCard } from '../../cards/reviewDetailCard';
import { renderSummaryCard } from '../../cards/summaryCard';
import { CONTACT_FIELDS, type Contact, type ContactField } from '../../claims/model';
import { validateContact } from '../../claims/validation';
import { buildClaim } from '../support/claimFactory';

/** The partner's own contact is asked without a job title. */
const PARTNER_OMITS: readonly ContactField[] = ['title'];
const ROLES = ['customer', 'technical', 'partner'] as const;
type Role = (typeof ROLES)[number];

const fieldsOf = (role: Role): readonly ContactField[] =>
  CONTACT_FIELDS.filter((f) => role !== 'partner' || !PARTNER_OMITS.includes(f));
const inputId = (role: Role, field: ContactField): string => `${role}${field.charAt(0).toUpperCase()}${field.slice(1)}`;
/** A value that passes every field's check and is unique to the role and field. */
const marker = (role: Role, field: ContactField): string =>
  field === 'email' ? `${role}.${field}@contoso.com` : `${role}-${field}-mark`;
const contactOf = (role: Role): Contact =>
  Object.fromEntries(fieldsOf(role).map((f) => [f, marker(role, f)])) as unknown as Contact;

describe('contact fields', () => {
  it('asks every field on the contacts card', () => {
    const template = readFileSync(path.join(__dirname, '../../cards/contacts.json'), 'utf8');
    for (const role of ROLES)
      for (const field of fieldsOf(role))
        assert.ok(template.includes(`"id": "${inputId(role, field)}"`), inputId(role, field));
  });

  it('reads every field back from the card', () => {
    const values = Object.fromEntries(
      ROLES.flatMap((role) => fieldsOf(role).map((f) => [inputId(role, f), marker(role, f)])),
    );
    const read = readContacts(values, true);
    assert.deepEqual(read, {
      customerContact: contactOf('customer'),
      technicalContact: contactOf('technical'),
      partnerContact: contactOf('partner'),
    });
  });

  it('checks every field: an over-long value is refused, naming the field', () => {
    for (const field of CONTACT_FIELDS) {
      const contact = { ...contactOf('customer'), [field]: `${'x'.repeat(2000)}@contoso.com` };
      const fields = validateContact(contact, 'customerContact', true).map((p) => p.field);
      assert.ok(fields.includes(`customerContact.${field}`), `${field}: ${fields.join(', ')}`);
    }
  });

  const claim = buildClaim({
    productIds: ['dynamics365Sales'],
    solutionArea: 'businessApplications',
    activity: 'usageOrPresales',
    customerContact: contactOf('customer'),
    technicalContact: contactOf('technical'),
    partnerContact: contactOf('partner'),
  });
  const shows = (card: unknown, what: string): void => {
    const json = JSON.stringify(card);
    for (const role of ROLES)
      for (const field of fieldsOf(role))
        assert.ok(json.includes(marker(role, field)), `${what} shows ${role} ${field}`);
  };

  it("shows every field on the partner's summary", () => {
    shows(renderSummaryCard({ claimId: claim.id, nonce: 'n', claim, problems: [] }, 'en-US'), 'summary');
  });

  it('shows every field to the reviewer', () => {
    const card = renderReviewDetailCard(
      {
        claim: { ...claim, status: 'underReview' },
        partnerName: 'Fabrikam',
        poe: [],
        linkMinutes: 15,
        conflicts: [],
        allowedEvents: [],
        commentId: 'c1',
      },
      'en-US',
    );
    shows(card, 'reviewer detail');
  });
});
