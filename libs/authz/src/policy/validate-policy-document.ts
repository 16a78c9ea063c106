import {
  checkFields,
  childPath,
  indexPath,
  IssueCollector,
  isJsonObject,
  type JsonObject,
  readArray,
  readObject,
  readOneOf,
  ROOT_PATH,
  type ValidationIssue,
} from '@sluice/domain';
import { type PolicyDocument, POLICY_VERSIONS } from './policy-document';
import { POLICY_LIMITS } from './policy-limits';
import { readActionPatterns } from './validate-action-patterns';
import { checkCondition } from './validate-condition';
import { readResourcePatterns } from './validate-resource-patterns';
import { checkEffect, checkOneOf, checkSid } from './validate-statement-parts';

export type PolicyValidationResult = { valid: true; policy: PolicyDocument } | { valid: false; issues: ValidationIssue[] };

const DOCUMENT_FIELDS = { required: ['Statement'], optional: ['Version', 'Id'] } as const;
const STATEMENT_FIELDS = {
  required: ['Effect'],
  optional: ['Sid', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'],
  unknownFieldHint: (field: string) =>
    field === 'Principal' || field === 'NotPrincipal'
      ? 'Principal belongs in a role\'s trust policy; an identity policy applies to whoever it is attached to.'
      : undefined,
};

/** Validates an identity (or session) policy, reporting every issue with its JSON path. */
export function validatePolicyDocument(input: unknown): PolicyValidationResult {
  const issues = new IssueCollector();
  const document = readObject(input, 'A policy document', ROOT_PATH, issues);
  if (document) {
    checkSize(document, issues);
    checkFields(document, DOCUMENT_FIELDS, 'A policy document', ROOT_PATH, issues);
    checkVersion(document, issues);
    checkDocumentId(document, issues);
    const statements = document.Statement === undefined ? undefined : readStatements(document.Statement, issues);
    const sids = new Map<string, string>();
    statements?.forEach((statement, index) => checkStatement(statement, indexPath(childPath(ROOT_PATH, 'Statement'), index), issues, sids));
  }
  return issues.count === 0 ? { valid: true, policy: input as PolicyDocument } : { valid: false, issues: issues.issues };
}

export function checkSize(document: JsonObject, issues: IssueCollector): void {
  const characters = [...JSON.stringify(document)].length;
  if (characters > POLICY_LIMITS.maxCharacters) {
    issues.add(ROOT_PATH, 'policy_too_large', `The policy has ${characters} characters (without whitespace); the maximum is ${POLICY_LIMITS.maxCharacters}. Split it into several policies.`);
  }
}

export function checkVersion(document: JsonObject, issues: IssueCollector): void {
  if (document.Version !== undefined) readOneOf(document.Version, POLICY_VERSIONS, 'Version', childPath(ROOT_PATH, 'Version'), issues);
}

export function checkDocumentId(document: JsonObject, issues: IssueCollector): void {
  if (document.Id !== undefined && typeof document.Id !== 'string') issues.add(childPath(ROOT_PATH, 'Id'), 'wrong_type', 'Id must be a string.');
}

/** `Statement` as an array of objects; the objects are returned with their index kept. */
export function readStatements(value: unknown, issues: IssueCollector): (JsonObject | undefined)[] | undefined {
  const path = childPath(ROOT_PATH, 'Statement');
  if (isJsonObject(value)) {
    issues.add(path, 'wrong_type', 'Statement must be an array of statements; wrap the single statement in [ ].');
    return undefined;
  }
  const items = readArray(value, 'Statement', path, issues, { min: 1, max: POLICY_LIMITS.maxStatements, itemNoun: 'statement' });
  return items?.map((item, index) => readObject(item, 'A statement', indexPath(path, index), issues));
}

function checkStatement(statement: JsonObject | undefined, path: string, issues: IssueCollector, sids: Map<string, string>): void {
  if (!statement) return;
  checkFields(statement, STATEMENT_FIELDS, 'A statement', path, issues);
  checkSid(statement, path, issues, sids);
  checkEffect(statement, path, issues);
  const action = checkOneOf(statement, 'Action', 'NotAction', path, issues);
  if (action === 'field') readActionPatterns(statement.Action, 'Action', childPath(path, 'Action'), issues);
  if (action === 'negated') readActionPatterns(statement.NotAction, 'NotAction', childPath(path, 'NotAction'), issues);
  const resource = checkOneOf(statement, 'Resource', 'NotResource', path, issues);
  if (resource === 'field') readResourcePatterns(statement.Resource, 'Resource', childPath(path, 'Resource'), issues);
  if (resource === 'negated') readResourcePatterns(statement.NotResource, 'NotResource', childPath(path, 'NotResource'), issues);
  if (statement.Condition !== undefined) checkCondition(statement.Condition, childPath(path, 'Condition'), issues);
}
