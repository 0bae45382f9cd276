/**
 * Checks on card JSON shared by the card tests: the official parser's verdict and a
 * walk over every node with the path that led to it.
 *
 * The `adaptivecards` package renders to the DOM, but parsing and property
 * validation do not touch it, so Node needs no DOM shim as long as we never call
 * `render()`. The parser ignores properties it does not know; the hooks below turn
 * those into findings too, so a typo such as `isMultiselect` cannot slip through.
 */
import * as AC from 'adaptivecards';

/** Collections the parser reads outside the property schema. */
const COLLECTIONS: Readonly<Record<string, readonly string[]>> = {
  Container: ['items'],
  Column: ['items'],
  ColumnSet: ['columns'],
  ActionSet: ['actions'],
  RichTextBlock: ['inlines'],
  'Action.ShowCard': ['card'],
  AdaptiveCard: ['body', 'actions'],
};

export function parseFindings(content: Record<string, unknown>): string[] {
  const findings: string[] = [];
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const checkKeys = (object: AC.CardObject, source: unknown) => {
    const record = source as Record<string, unknown>;
    const type = String(record.type);
    const known = new Set<string>(['type', ...(COLLECTIONS[type] ?? [])]);
    const schema = object.getSchema();
    for (let i = 0; i < schema.getCount(); i++) known.add(schema.getItemAt(i).name);
    for (const key of Object.keys(record)) if (!known.has(key)) findings.push(`unknown property ${type}.${key}`);
  };
  context.onParseElement = checkKeys;
  context.onParseAction = checkKeys;
  const card = new AC.AdaptiveCard();
  card.parse(content, context);
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    findings.push(`parse ${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  for (const event of card.validateProperties().validationEvents) {
    findings.push(`validate ${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  return findings;
}

export interface Visit {
  value: unknown;
  key: string;
  /** The `type` of the nearest enclosing object that has one (TextBlock, Action.Submit, …). */
  owner: string;
  /** The chain of owner types from the root. */
  owners: string[];
}

/** Every value in a JSON tree with the element or action it belongs to. */
export function* walk(node: unknown, key = '', owners: string[] = []): Generator<Visit> {
  if (Array.isArray(node)) {
    for (const item of node) yield* walk(item, key, owners);
    return;
  }
  if (typeof node === 'object' && node !== null) {
    const record = node as Record<string, unknown>;
    const type = typeof record.type === 'string' ? record.type : undefined;
    const chain = type ? [...owners, type] : owners;
    for (const [k, v] of Object.entries(record)) yield* walk(v, k, chain);
    return;
  }
  yield { value: node, key, owner: owners[owners.length - 1] ?? '', owners };
}

/** Every object in a JSON tree whose `type` is `type`. */
export function* objectsOfType(node: unknown, type: string): Generator<Record<string, unknown>> {
  if (Array.isArray(node)) {
    for (const item of node) yield* objectsOfType(item, type);
  } else if (typeof node === 'object' && node !== null) {
    const record = node as Record<string, unknown>;
    if (record.type === type) yield record;
    for (const value of Object.values(record)) yield* objectsOfType(value, type);
  }
}
