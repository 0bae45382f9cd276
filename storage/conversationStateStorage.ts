/**
 * Conversation state (the dialog stack) in Cosmos DB with optimistic concurrency that
 * holds through the SDK's BotState: botbuilder 4.23's `saveChanges` sets `eTag = '*'`
 * before every write, so `CosmosDbPartitionedStorage` never sends If-Match and two
 * turns of one conversation racing silently overwrite each other. Here the eTag a
 * turn read travels on the state object itself (a symbol the SDK neither hashes nor
 * serialises), and the write is a replace with If-Match on it, or a create when the
 * turn found no state: the turn that lost the race gets StateConflict, never a silent
 * overwrite. A turn that cleared its state on purpose writes unconditionally.
 *
 * Documents keep `CosmosDbPartitionedStorage`'s shape (`id` escaped, `realId`,
 * `document`), so conversations saved before this storage resume where they were.
 */
import type { Container } from '@azure/cosmos';
import type { Storage, StoreItems } from 'botbuilder';
import { cosmosErrorCode, unlessStatus } from './cosmosConnection';

/** The eTag the state was read with, or `null` when there was none to read. */
const READ_ETAG = Symbol('cpor.stateReadETag');

/** Another turn wrote this conversation's state since this turn read it. */
export class StateConflict extends Error {
  readonly code = 412;
  constructor(readonly key: string) {
    super(`the state under ${key} was changed by another turn since it was read`);
    this.name = 'StateConflict';
  }
}

export const isStateConflict = (e: unknown): boolean => e instanceof StateConflict;

/** What the SDK stored under a key (CosmosDbPartitionedStorage's document shape). */
interface StateDocument {
  id: string;
  realId: string;
  document: Record<string, unknown>;
  _etag?: string;
}

const ILLEGAL = new Map(
  ['\\', '?', '/', '#', '\t', '\n', '\r', '*'].map((c) => [c, `*${c.charCodeAt(0).toString(16)}`]),
);

/** CosmosDbPartitionedStorage's key escaping (without truncation: long keys fail loudly instead). */
export function escapeStateKey(key: string): string {
  if (!key) throw new Error('a state key is required');
  return [...key].map((c) => ILLEGAL.get(c) ?? c).join('');
}

function readETagOf(item: object): string | null | undefined {
  const tag: unknown = Reflect.get(item, READ_ETAG);
  return typeof tag === 'string' || tag === null ? tag : undefined;
}

function tagged<T extends object>(item: T, eTag: string | null): T {
  Object.defineProperty(item, READ_ETAG, { value: eTag, enumerable: false, configurable: true, writable: true });
  return item;
}

export class CosmosConversationStateStorage implements Storage {
  constructor(private readonly container: Container) {}

  /** Every key is answered: state that does not exist yet is an empty item marked "read as absent". */
  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    await Promise.all(
      keys.map(async (key) => {
        const id = escapeStateKey(key);
        try {
          const { resource } = await this.container.item(id, id).read<StateDocument>();
          items[key] = resource
            ? tagged({ ...resource.document, eTag: resource._etag }, resource._etag ?? null)
            : tagged({}, null);
        } catch (e) {
          if (cosmosErrorCode(e) !== 404) throw e;
          items[key] = tagged({}, null);
        }
      }),
    );
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    await Promise.all(
      Object.entries(changes).map(([key, item]) => this.writeOne(key, item as Record<string, unknown>)),
    );
  }

  async delete(keys: string[]): Promise<void> {
    await Promise.all(
      keys.map(async (key) => {
        const id = escapeStateKey(key);
        await this.container
          .item(id, id)
          .delete()
          .catch((e: unknown) => {
            if (cosmosErrorCode(e) !== 404) throw e;
          });
      }),
    );
  }

  /**
   * Sets one field of the stored state to `value` as the turn read it, the rest untouched
   * (the turn's own changes are not written): a patch with If-Match on the eTag `item`
   * was read with, or the document's creation when the turn found none. `item` then
   * carries the new eTag, so the turn's own write at its end still succeeds, and still
   * fails if another turn wrote in between. The de-duplication's lease on a slow turn.
   */
  async setAsRead(key: string, item: object, field: string, value: unknown): Promise<void> {
    const id = escapeStateKey(key);
    const read = readETagOf(item);
    if (read === undefined) throw new Error(`the state under ${key} was not read in this turn`);
    try {
      const { resource } =
        read === null
          ? await this.container.items.create<StateDocument>({ id, realId: key, document: { [field]: value } })
          : await this.container.item(id, id).patch<StateDocument>([{ op: 'set', path: `/document/${field}`, value }], {
              accessCondition: { type: 'IfMatch', condition: read },
            });
      tagged(item, resource?._etag ?? null);
    } catch (e) {
      const code = cosmosErrorCode(e);
      if (code === 412 || code === 409 || code === 404) throw new StateConflict(key);
      throw e;
    }
  }

  /**
   * Appends `value` to the list in one field of the stored state, whatever else another
   * turn saved there (unconditional, one patch). False when there is no stored state.
   */
  async appendStored(key: string, field: string, value: unknown): Promise<boolean> {
    const id = escapeStateKey(key);
    const item = this.container.item(id, id);
    try {
      await item.patch([{ op: 'add', path: `/document/${field}/-`, value }]);
      return true;
    } catch (e) {
      const code = cosmosErrorCode(e);
      if (code === 404) return false;
      if (code !== 400) throw e;
    }
    // 400: the stored state has no such list yet.
    return (
      (await unlessStatus([404], () => item.patch([{ op: 'set', path: `/document/${field}`, value: [value] }]))) !==
      undefined
    );
  }

  private async writeOne(key: string, item: Record<string, unknown>): Promise<void> {
    const { eTag: _ignored, ...document } = item;
    const id = escapeStateKey(key);
    const body: StateDocument = { id, realId: key, document };
    const read = readETagOf(item);
    try {
      if (read === undefined) {
        // Not read in this turn (state cleared on purpose): the turn means to replace it.
        const { resource } = await this.container.items.upsert<StateDocument>(body);
        tagged(item, resource?._etag ?? null);
      } else if (read === null) {
        const { resource } = await this.container.items.create<StateDocument>(body);
        tagged(item, resource?._etag ?? null);
      } else {
        const { resource } = await this.container
          .item(id, id)
          .replace<StateDocument>(body, { accessCondition: { type: 'IfMatch', condition: read } });
        tagged(item, resource?._etag ?? null);
      }
    } catch (e) {
      const code = cosmosErrorCode(e);
      // 412: changed since read; 409: created by another turn since read as absent; 404: deleted since read.
      if (code === 412 || code === 409 || (code === 404 && read !== undefined)) throw new StateConflict(key);
      throw e;
    }
  }
}
