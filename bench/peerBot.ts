/**
 * The peer: the claims bot a partner's developer would write instead, following
 * BotBuilder-Samples' core-bot. A DialogBot (an ActivityHandler that runs the main
 * dialog on every message and saves conversation and user state as the turn's last
 * event), a MainDialog that starts the claim dialog and says when it is done, state in
 * botbuilder-azure's CosmosDbPartitionedStorage, and the claim written to Cosmos DB once
 * at the end. Same stand-ins as the claims bot (containers of its own, so the bench
 * counts its Cosmos DB operations apart), same cards, same requests from the load
 * generator.
 */
import {
  ActivityHandler,
  ConversationState,
  UserState,
  type StatePropertyAccessor,
  type TurnContext,
} from 'botbuilder';
import {
  ComponentDialog,
  DialogSet,
  DialogTurnStatus,
  WaterfallDialog,
  type DialogState,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { BlobServiceClient } from '@azure/storage-blob';
import type { Claim } from '../claims/model';
import { createCosmosClient } from '../storage/cosmosConnection';
import { containerSpec } from '../storage/cosmosSchema';
import { cosmosStateStorage, serveBot, standInEnv } from './botServer';
import { YARDSTICK_CONTAINERS } from './context';
import { PEER_CLAIM_DIALOG, PeerClaimDialog, type PeerClaimDetails } from './peerClaimDialog';

const MAIN_WATERFALL = 'mainWaterfall';

class MainDialog extends ComponentDialog {
  constructor(claimDialog: PeerClaimDialog) {
    super('mainDialog');
    this.addDialog(claimDialog);
    this.addDialog(new WaterfallDialog(MAIN_WATERFALL, [this.actStep.bind(this), this.finalStep.bind(this)]));
    this.initialDialogId = MAIN_WATERFALL;
  }

  /** core-bot's MainDialog.run: continue the active dialog, or begin this one. */
  async run(context: TurnContext, accessor: StatePropertyAccessor<DialogState>): Promise<void> {
    const dialogSet = new DialogSet(accessor);
    dialogSet.add(this);
    const dialogContext = await dialogSet.createContext(context);
    const results = await dialogContext.continueDialog();
    if (results.status === DialogTurnStatus.empty) await dialogContext.beginDialog(this.id);
  }

  private async actStep(step: WaterfallStepContext) {
    const activity = step.context.activity;
    const details: PeerClaimDetails = {
      partnerId: activity.conversation.tenantId ?? '',
      userId: activity.from.aadObjectId ?? activity.from.id,
      locations: [],
      poe: [],
    };
    return step.beginDialog(PEER_CLAIM_DIALOG, details);
  }

  private async finalStep(step: WaterfallStepContext) {
    const claim = step.result as Claim | undefined;
    if (claim) await step.context.sendActivity(`Claim "${claim.name}" submitted.`);
    return step.endDialog();
  }
}

class DialogBot extends ActivityHandler {
  constructor(conversationState: ConversationState, userState: UserState, dialog: MainDialog) {
    super();
    const dialogState = conversationState.createProperty<DialogState>('DialogState');
    this.onMessage(async (context, next) => {
      await dialog.run(context, dialogState);
      await next();
    });
    this.onDialog(async (context, next) => {
      await conversationState.saveChanges(context, false);
      await userState.saveChanges(context, false);
      await next();
    });
  }
}

async function main(): Promise<void> {
  const env = standInEnv();
  const storage = cosmosStateStorage(YARDSTICK_CONTAINERS.peerState);
  const database = createCosmosClient({ endpoint: env.cosmosEndpoint, key: env.cosmosKey }).database(env.databaseId);
  const { container: claims } = await database.containers.createIfNotExists({
    id: YARDSTICK_CONTAINERS.peerClaims,
    partitionKey: '/partnerId',
  });
  const poe = BlobServiceClient.fromConnectionString(env.blobConnectionString).getContainerClient(env.poeContainer);
  const dialog = new MainDialog(
    new PeerClaimDialog({ partners: database.container(containerSpec('partners').id), claims, poe }),
  );
  serveBot(new DialogBot(new ConversationState(storage), new UserState(storage), dialog));
}

void main().catch((e: unknown) => {
  process.stderr.write(`peer bot failed to start: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
