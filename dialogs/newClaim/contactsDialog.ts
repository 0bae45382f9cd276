/**
 * Contacts: the customer's contact (name, title, email), the customer's technical
 * contact when a Dynamics 365 product is claimed, and the partner's own contact,
 * prefilled from the Teams profile. Everything is required and checked here again,
 * whatever the card checked on the client, and every address against its
 * organisation's tenant (claims/contactCheck.ts).
 */
import { readContacts, renderContactsCard } from '../../cards/render';
import { productById } from '../../claims/catalog';
import type { Claim, Contact } from '../../claims/model';
import { readTypedValues } from '../../claims/typedValues';
import { validateContact } from '../../claims/validation';
import { checkContacts, withContactMarks } from '../../claims/contactCheck';
import type { CardSubmission } from '../cardPrompt';
import { proposalLines } from '../../cards/proposalNotice';
import { SectionDialog, type CardAsk, type Next, type SectionOptions, type Turn } from './sectionDialog';
import type { ClaimServices } from '../services';

export const CONTACTS_DIALOG = 'newClaim.contacts';

const needsTechnicalContact = (claim: Pick<Claim, 'productIds'>): boolean =>
  claim.productIds.some((id) => productById(id)?.dynamics365 === true);

/** Every field required: the partner's title is the one the card does not ask. */
function problemsOf(
  contacts: { customerContact?: Contact; technicalContact?: Contact; partnerContact?: Contact },
  technical: boolean,
) {
  return [
    ...validateContact(contacts.customerContact, 'customerContact', true),
    ...(technical ? validateContact(contacts.technicalContact, 'technicalContact', true) : []),
    ...validateContact(contacts.partnerContact, 'partnerContact', false),
  ];
}

/** The n-th customer signer a statement of work named, as a contact to confirm. */
function proposedContact(turn: Turn, index: number): Contact | undefined {
  const signer = turn.work.proposal?.contacts[index];
  return signer
    ? { name: signer.name, email: signer.email, ...(signer.title ? { title: signer.title } : {}) }
    : undefined;
}

export class ContactsDialog extends SectionDialog {
  constructor(services: ClaimServices) {
    super(CONTACTS_DIALOG, services, ['contacts'], { step: 'contacts', title: 'contacts.title' });
  }

  protected isComplete(turn: Turn): boolean {
    return problemsOf(turn.claim, needsTechnicalContact(turn.claim)).length === 0;
  }

  /** An email typed in the chat goes into the first empty email of the card (the customer's, then the technical contact's). */
  protected override readTyped(
    turn: Turn,
    text: string,
    _stage: string | undefined,
    form: Record<string, string> | undefined,
  ): Record<string, string> | undefined {
    const { email } = readTypedValues(text);
    if (email === undefined) return undefined;
    const technical = needsTechnicalContact(turn.claim);
    const shown = this.shown(turn, form);
    const filled: Record<string, string> = {};
    for (const [prefix, contact] of [
      ['customer', shown.customerContact],
      ['technical', technical ? shown.technicalContact : undefined],
      ['partner', shown.partnerContact],
    ] as const) {
      filled[`${prefix}Name`] = contact?.name ?? '';
      filled[`${prefix}Email`] = contact?.email ?? '';
      if (prefix !== 'partner') filled[`${prefix}Title`] = contact?.title ?? '';
    }
    const target =
      filled.customerEmail === ''
        ? 'customerEmail'
        : technical && filled.technicalEmail === ''
          ? 'technicalEmail'
          : 'customerEmail';
    return { ...filled, [target]: email };
  }

  /** What the card shows: what was typed last, else the claim, the partner prefilled from the Teams profile. */
  private shown(
    turn: Turn,
    form: Record<string, string> | undefined,
  ): { customerContact?: Contact; technicalContact?: Contact; partnerContact?: Contact } {
    const { caller } = turn.writer;
    return form
      ? readContacts(form, needsTechnicalContact(turn.claim))
      : {
          // The people who signed a statement of work for the customer, proposed until the partner answered.
          customerContact: turn.claim.customerContact ?? proposedContact(turn, 0),
          technicalContact: turn.claim.technicalContact ?? proposedContact(turn, 1),
          partnerContact: turn.claim.partnerContact ?? { name: caller.name ?? '', email: caller.email ?? '' },
        };
  }

  protected ask(turn: Turn, options: SectionOptions): CardAsk {
    const technical = needsTechnicalContact(turn.claim);
    const shown = this.shown(turn, options.form);
    return {
      verbs: ['contactsEntered'],
      card: (step) =>
        renderContactsCard(
          {
            ...step,
            needsTechnicalContact: technical,
            customer: shown.customerContact ?? {},
            technical: shown.technicalContact ?? {},
            partner: shown.partnerContact ?? {},
            problems: options.problems ?? [],
            proposal: turn.claim.customerContact ? [] : proposalLines(turn.locale, turn.work.proposal, 'contacts'),
          },
          turn.locale,
        ),
    };
  }

  protected async answer(
    turn: Turn,
    options: SectionOptions,
    _stage: string | undefined,
    submission: CardSubmission,
  ): Promise<Next> {
    const technical = needsTechnicalContact(turn.claim);
    const contacts = readContacts(submission.values, technical);
    const problems = problemsOf(contacts, technical);
    if (problems.length > 0) return this.askAgain(options, submission, problems);
    // A technical contact the card no longer shows (no Dynamics 365 product now) is dropped, not kept unseen.
    const patch = { ...contacts, technicalContact: technical ? contacts.technicalContact : undefined };
    // Each address must belong to its organisation's tenant; one the directory cannot tell about is marked for the reviewer.
    const checked = await checkContacts({ ...turn.claim, ...patch }, turn.services.tenants);
    if (checked.problems.length > 0) return this.askAgain(options, submission, checked.problems);
    return this.saveAndFinish(turn, options, submission, patch, (claim) => withContactMarks(claim, checked.unverified));
  }
}
