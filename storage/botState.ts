/**
 * Bot Framework conversation and user state (the dialog stack) in Cosmos DB, so a
 * conversation resumes where it was after a restart or on another instance. It writes
 * with If-Match on the eTag it read: two turns of the same conversation racing get a
 * 412 on the second write instead of one silently losing the other's dialog state.
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
  if (!databaseId) throw new CosmosOptionsError('cosmosDatabaseMissing', 'Cosmos DB database id for bot state is missing (set COSMOS_DATABASE)');
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
