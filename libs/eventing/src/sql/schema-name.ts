import { EventStoreInputError } from '../errors';

const schemaName = /^[a-z_][a-z0-9_]{0,47}$/;

/** Schema names are spliced into SQL text, so only plain lower-case identifiers are accepted. */
export function validateSchemaName(schema: string): string {
  if (!schemaName.test(schema)) {
    throw new EventStoreInputError('schema', `must match ${schemaName.source} (lower-case letters, digits, _; at most 48), got '${schema}'`);
  }
  return schema;
}

/** The NOTIFY channel an append announces itself on. */
export const appendChannel = (schema: string): string => `${schema}.appended`;
