/**
 * Validates the Teams app manifest and its localization files against the JSON schemas
 * that `@microsoft/app-manifest` ships, so packaging needs no network.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';

/**
 * The newest manifest version the offline schemas cover that we target. The template's
 * `manifestVersion` and every `$schema` URL must name the same version (a test checks it).
 */
export const MANIFEST_VERSION = '1.29';

const SCHEMA_DIR = join(
  dirname(require.resolve('@microsoft/app-manifest/package.json')),
  'build',
  'json-schemas',
  'teams',
  `v${MANIFEST_VERSION}`,
);

export const MANIFEST_SCHEMA_URL = `https://developer.microsoft.com/json-schemas/teams/v${MANIFEST_VERSION}/MicrosoftTeams.schema.json`;
export const LOCALIZATION_SCHEMA_URL = `https://developer.microsoft.com/json-schemas/teams/v${MANIFEST_VERSION}/MicrosoftTeams.Localization.schema.json`;

export type SchemaCheck = (document: unknown) => string[];

function compile(schemaFile: string): SchemaCheck {
  const ajv = new Ajv04({
    allErrors: true,
    // Microsoft's schemas use keywords and unions that Ajv's strict mode rejects.
    strict: false,
    // Some patterns (e.g. `\b]` in the Localization schema) are valid only without the `u` flag.
    unicodeRegExp: false,
  });
  addFormats(ajv);
  const schema: unknown = JSON.parse(readFileSync(join(SCHEMA_DIR, schemaFile), 'utf8'));
  if (typeof schema !== 'object' || schema === null) throw new Error(`${schemaFile} is not a JSON schema`);
  const validate = ajv.compile(schema);
  return (document) => {
    if (validate(document)) return [];
    return (validate.errors ?? []).map(
      (e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'} ${JSON.stringify(e.params)}`,
    );
  };
}

let manifestCheck: SchemaCheck | undefined;
let localizationCheck: SchemaCheck | undefined;

/** Schema errors of a Teams app manifest; empty when it is valid. */
export function manifestSchemaErrors(manifest: unknown): string[] {
  manifestCheck ??= compile('MicrosoftTeams.schema.json');
  return manifestCheck(manifest);
}

/** Schema errors of a localization file (`ko.json`, `ja.json`); empty when it is valid. */
export function localizationSchemaErrors(localization: unknown): string[] {
  localizationCheck ??= compile('MicrosoftTeams.Localization.schema.json');
  return localizationCheck(localization);
}
