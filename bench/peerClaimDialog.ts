/**
 * The peer's claim dialog: the new-claim flow as a developer following BotBuilder-Samples'
 * core-bot would write it. One ComponentDialog holding a WaterfallDialog, a step per card;
 * each step reads the previous card's submit into the details it carries as its options
 * (core-bot's BookingDialog does the same with its booking details), and prompts with the
 * next card. The cards are ours (the same templates and binders), so the partner sees and
 * sends exactly what the claims bot shows and reads.
 *
 * What it does not do, on purpose: no de-duplication of redelivered activities, no checks
 * beyond the cards' own required inputs, no claim document until the end (one create at
 * the confirmation), no role check beyond finding the organisation's locations.
 */
import { randomUUID } from 'node:crypto';
import { MessageFactory, type Activity as BotActivity, type Attachment } from 'botbuilder';
import {
  AttachmentPrompt,
  ComponentDialog,
  TextPrompt,
  WaterfallDialog,
  type DialogContext,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { Container } from '@azure/cosmos';
import type { ContainerClient } from '@azure/storage-blob';
import { productById } from '../claims/catalog';
import type { Activity, Claim, Contact, PartnerOrganisation, PoeFile, SolutionArea } from '../claims/model';
import {
  productChoicesFor,
  readAreaActivity,
  readClaimName,
  readComment,
  readContacts,
  readCustomer,
  readMpnChoice,
  readProducts,
  renderCommentsCard,
  renderContactsCard,
  renderPoeCard,
  renderProductsCard,
  renderStartCard,
  renderSubmitConfirmCard,
  renderSummaryCard,
  type CardAttachment,
} from '../cards/render';
import { FILE_DOWNLOAD_INFO } from '../dialogs/cardPrompt';

export const PEER_CLAIM_DIALOG = 'peerClaimDialog';
const CARD_PROMPT = 'cardPrompt';
const FILE_PROMPT = 'filePrompt';
const WATERFALL = 'claimWaterfall';
const LOCALE = 'en-US';
const MAX_POE_BYTES = 25 * 1024 * 1024;

/** What the dialog has gathered so far; carried as the waterfall's options, so it lives in the dialog state. */
export interface PeerClaimDetails {
  partnerId: string;
  userId: string;
  locations: { mpnId: string; name: string }[];
  mpnId?: string;
  customerDomain?: string;
  customerTenantId?: string;
  solutionArea?: SolutionArea;
  activity?: Activity;
  name?: string;
  productIds?: string[];
  customerContact?: Contact;
  technicalContact?: Contact;
  partnerContact?: Contact;
  poe: PoeFile[];
  comment?: string;
}

export interface PeerStores {
  partners: Container;
  claims: Container;
  poe: ContainerClient;
}

const submitted = (step: WaterfallStepContext): Record<string, unknown> => {
  const value: unknown = step.context.activity.value;
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
};

const card = (attachment: CardAttachment): Partial<BotActivity> => MessageFactory.attachment(attachment as Attachment);

const needsTechnicalContact = (productIds: readonly string[]): boolean =>
  productIds.some((id) => productById(id)?.dynamics365 === true);

function claimOf(details: PeerClaimDetails, at: string): Claim {
  const actor = { role: 'partnerAdmin' as const, id: details.userId };
  return {
    id: randomUUID(),
    partnerId: details.partnerId,
    type: 'claim',
    name: details.name ?? '',
    mpnId: details.mpnId ?? '',
    customerDomain: details.customerDomain ?? '',
    customerTenantId: details.customerTenantId ?? '',
    ...(details.solutionArea ? { solutionArea: details.solutionArea } : {}),
    ...(details.activity ? { activity: details.activity } : {}),
    productIds: details.productIds ?? [],
    subscriptions: [],
    ...(details.customerContact ? { customerContact: details.customerContact } : {}),
    ...(details.technicalContact ? { technicalContact: details.technicalContact } : {}),
    ...(details.partnerContact ? { partnerContact: details.partnerContact } : {}),
    poe: details.poe,
    comments: details.comment ? [{ id: randomUUID(), author: actor, text: details.comment, at }] : [],
    status: 'draft',
    history: [],
    createdBy: actor,
    createdAt: at,
    updatedAt: at,
    disputed: false,
    heldKeys: [],
    outbox: [],
  };
}

export class PeerClaimDialog extends ComponentDialog {
  constructor(private readonly stores: PeerStores) {
    super(PEER_CLAIM_DIALOG);
    // A card's submit has no text, so the text prompt takes any submit as its answer.
    this.addDialog(
      new TextPrompt(
        CARD_PROMPT,
        async (prompt) => prompt.recognized.succeeded || prompt.context.activity.value !== undefined,
      ),
    );
    this.addDialog(new AttachmentPrompt(FILE_PROMPT));
    this.addDialog(
      new WaterfallDialog<PeerClaimDetails>(WATERFALL, [
        this.startStep.bind(this),
        this.productsStep.bind(this),
        this.contactsStep.bind(this),
        this.poeStep.bind(this),
        this.storePoeStep.bind(this),
        this.commentStep.bind(this),
        this.summaryStep.bind(this),
        this.confirmStep.bind(this),
        this.submitStep.bind(this),
      ]),
    );
    this.initialDialogId = WATERFALL;
  }

  /** core-bot's CancelAndHelpDialog: "cancel" (typed or the cards' Cancel) ends the flow from any step. */
  protected override async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    const activity = inner.context.activity;
    const verb =
      typeof activity.value === 'object' && activity.value !== null ? Reflect.get(activity.value, 'verb') : undefined;
    if (activity.text?.trim().toLowerCase() === 'cancel' || verb === 'cancel') {
      await inner.context.sendActivity('Cancelled.');
      return inner.cancelAllDialogs();
    }
    return super.onContinueDialog(inner);
  }

  /** The same start card: location, customer, solution and name, read as sent (no lookup, no checks). */
  private async startStep(step: WaterfallStepContext<PeerClaimDetails>): Promise<DialogTurnResult> {
    const details = step.options;
    const { resource } = await this.stores.partners
      .item(details.partnerId, details.partnerId)
      .read<PartnerOrganisation>();
    details.locations = (resource?.locations ?? []).map(({ mpnId, name }) => ({ mpnId, name }));
    return step.prompt(CARD_PROMPT, {
      prompt: card(renderStartCard({ claimId: '', nonce: '', locations: details.locations, values: {} }, LOCALE)),
    });
  }

  private async productsStep(step: WaterfallStepContext<PeerClaimDetails>): Promise<DialogTurnResult> {
    const answers = submitted(step);
    Object.assign(step.options, readMpnChoice(answers), readCustomer(answers), readAreaActivity(answers) ?? {});
    step.options.name = readClaimName(answers).name;
    const solutionArea = step.options.solutionArea ?? 'microsoft365';
    return step.prompt(CARD_PROMPT, {
      prompt: card(
        renderProductsCard({ claimId: '', nonce: '', solutionArea, products: productChoicesFor(solutionArea) }, LOCALE),
      ),
    });
  }

  private async contactsStep(step: WaterfallStepContext<PeerClaimDetails>): Promise<DialogTurnResult> {
    step.options.productIds = readProducts(submitted(step)).productIds;
    const model = { claimId: '', nonce: '', needsTechnicalContact: needsTechnicalContact(step.options.productIds) };
    return step.prompt(CARD_PROMPT, { prompt: card(renderContactsCard(model, LOCALE)) });
  }

  private async poeStep(step: WaterfallStepContext<PeerClaimDetails>): Promise<DialogTurnResult> {
    Object.assign(step.options, readContacts(submitted(step), needsTechnicalContact(step.options.productIds ?? [])));
    return step.prompt(FILE_PROMPT, { prompt: card(this.poeCard(step.options)) });
  }

  /** Teams sends a file as a download link: fetch it and keep it in Blob storage, then show the card again with it listed. */
  private async storePoeStep(step: WaterfallStepContext<PeerClaimDetails>): Promise<DialogTurnResult> {
    const details = step.options;
    for (const attachment of step.context.activity.attachments ?? []) {
      if (attachment.contentType !== FILE_DOWNLOAD_INFO) continue;
      const content = attachment.content as { downloadUrl?: string } | undefined;
      if (!content?.downloadUrl) continue;
      const response = await fetch(content.downloadUrl);
      const bytes = Buffer.from(await response.arrayBuffer());
      const blobName = `peer/${details.partnerId}/${randomUUID()}`;
      await this.stores.poe
        .getBlockBlobClient(blobName)
        .uploadData(bytes, { blobHTTPHeaders: { blobContentType: 'application/pdf' } });
      details.poe.push({
        id: randomUUID(),
        fileName: attachment.name ?? 'file',
        kind: 'pdf',
        contentType: 'application/pdf',
        sizeBytes: bytes.length,
        sha256: '',
        blobName,
        uploadedAt: new Date().toISOString(),
        uploadedBy: { role: 'partnerAdmin', id: details.userId },
      });
    }
    return step.prompt(CARD_PROMPT, { prompt: card(this.poeCard(details)) });
  }

  private async commentStep(step: WaterfallStepContext<PeerClaimDetails>): Promise<DialogTurnResult> {
    return step.prompt(CARD_PROMPT, { prompt: card(renderCommentsCard({ claimId: '', nonce: '' }, LOCALE)) });
  }

  private async summaryStep(step: WaterfallStepContext<PeerClaimDetails>): Promise<DialogTurnResult> {
    const comment = readComment(submitted(step)).comment;
    if (comment) step.options.comment = comment;
    const details = step.options;
    const locationName = details.locations.find((l) => l.mpnId === details.mpnId)?.name;
    const summary = renderSummaryCard(
      {
        claimId: '',
        nonce: '',
        claim: claimOf(details, new Date().toISOString()),
        problems: [],
        ...(locationName ? { locationName } : {}),
      },
      LOCALE,
    );
    return step.prompt(CARD_PROMPT, { prompt: card(summary) });
  }

  private async confirmStep(step: WaterfallStepContext<PeerClaimDetails>): Promise<DialogTurnResult> {
    return step.prompt(CARD_PROMPT, { prompt: card(renderSubmitConfirmCard({ claimId: '', nonce: '' }, LOCALE)) });
  }

  /** The one claim document, written once at the end. */
  private async submitStep(step: WaterfallStepContext<PeerClaimDetails>): Promise<DialogTurnResult> {
    const at = new Date().toISOString();
    const claim: Claim = { ...claimOf(step.options, at), status: 'submitted', submittedAt: at };
    await this.stores.claims.items.create(claim);
    return step.endDialog(claim);
  }

  private poeCard(details: PeerClaimDetails): CardAttachment {
    return renderPoeCard(
      {
        claimId: '',
        nonce: '',
        files: details.poe.map((f) => ({ fileName: f.fileName, sizeBytes: f.sizeBytes })),
        maxSizeBytes: MAX_POE_BYTES,
      },
      LOCALE,
    );
  }
}
