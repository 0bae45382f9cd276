/**
 * Bot Framework user state (a user's language choice) in Cosmos DB. The storage
 * honours an item's eTag with If-Match, but BotState.saveChanges sets `eTag = '*'`
 * before every write, so through UserState the last writer wins: harmless for a
 * preference the user sets in one place. Conversation state, where two turns racing
 * must not overwrite each other, has its own storage (conversationStateStorage.ts).
 */
import { CosmosDbPartitionedStorage } from 'botbuilder-azure';
import { CosmosOptionsError, cosmosClientOptions, type CosmosConnectionOptions } from './cosmosConnection';
import { containerSpec } from './cosmosSchema';

export interface BotStateStorageOptions extends CosmosConnectionOptions {
  databaseId: string;
  /** Defaults to the schema's `botState` container (partition key `/id`, as this storage requires). */
  containerId?: string;
}

export function createBotStateStorage(options: BotStateStorageOptions): CosmosDbPartitionedStorage {
  const clientOptions = cosmosClientOptions(options);
  const databaseId = options.databaseId?.trim();
  if (!databaseId)
    throw new CosmosOptionsError(
      'cosmosDatabaseMissing',
      'Cosmos DB database id for bot state is missing (set COSMOS_DATABASE)',
    );
  return new CosmosDbPartitionedStorage({
    cosmosDbEndpoint: clientOptions.endpoint,
    authKey: clientOptions.key,
    tokenCredential: options.credential,
    databaseId,
    containerId: options.containerId ?? containerSpec('botState').id,
    // No truncation of long keys: truncating could let two long conversation ids share
    // one state document; an over-long key fails loudly instead. (Compatibility mode
    // exists for containers inherited from v3 bots; ours is new.)
    compatibilityMode: false,
    cosmosClientOptions: clientOptions,
  });
}
