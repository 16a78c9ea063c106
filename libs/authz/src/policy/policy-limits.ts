/**
 * Limits on a policy document. The size is IAM's for a managed policy: characters of the document's
 * JSON without whitespace, so indenting a document never pushes it over.
 */
export const POLICY_LIMITS = {
  maxCharacters: 6_144,
  maxStatements: 100,
  maxValuesPerConditionKey: 100,
  sidPattern: /^[A-Za-z0-9]$/u,
  sidMaxLength: 128,
} as const;
