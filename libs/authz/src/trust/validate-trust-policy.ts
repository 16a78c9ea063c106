import { checkFields, childPath, indexPath, IssueCollector, type JsonObject, quote, readObject, ROOT_PATH, type ValidationIssue } from '@sluice/domain';
import { checkDocumentId, checkSize, checkVersion, readStatements } from '../policy/validate-policy-document';
import { readPatternList } from '../policy/validate-action-patterns';
import { checkCondition } from '../policy/validate-condition';
import { checkEffect, checkSid } from '../policy/validate-statement-parts';
import { parseTrustedPrincipal } from './principal-name';
import { ASSUME_ROLE_ACTION, type TrustPolicyDocument } from './trust-policy';

export type TrustPolicyValidationResult = { valid: true; policy: TrustPolicyDocument } | { valid: false; issues: ValidationIssue[] };

const STATEMENT_FIELDS = {
  required: ['Effect', 'Principal', 'Action'],
  optional: ['Sid', 'Condition'],
  unknownFieldHint: (field: string) =>
    field === 'Resource' || field === 'NotResource' ? 'A trust policy is about the role it belongs to, so it has no Resource.' : undefined,
};

export function validateTrustPolicy(input: unknown): TrustPolicyValidationResult {
  const issues = new IssueCollector();
  const document = readObject(input, 'A trust policy', ROOT_PATH, issues);
  if (document) {
    checkSize(document, issues);
    checkFields(document, { required: ['Statement'], optional: ['Version', 'Id'] }, 'A trust policy', ROOT_PATH, issues);
    checkVersion(document, issues);
    checkDocumentId(document, issues);
    const statements = document.Statement === undefined ? undefined : readStatements(document.Statement, issues);
    const sids = new Map<string, string>();
    statements?.forEach((statement, index) => {
      if (statement) checkTrustStatement(statement, indexPath(childPath(ROOT_PATH, 'Statement'), index), issues, sids);
    });
  }
  return issues.count === 0 ? { valid: true, policy: input as TrustPolicyDocument } : { valid: false, issues: issues.issues };
}

function checkTrustStatement(statement: JsonObject, path: string, issues: IssueCollector, sids: Map<string, string>): void {
  checkFields(statement, STATEMENT_FIELDS, 'A trust policy statement', path, issues);
  checkSid(statement, path, issues, sids);
  checkEffect(statement, path, issues);
  if (statement.Principal !== undefined) checkPrincipal(statement.Principal, childPath(path, 'Principal'), issues);
  if (statement.Action !== undefined) {
    readPatternList(statement.Action, 'Action', childPath(path, 'Action'), issues, (action, label, actionPath) => {
      if (action.toLowerCase() !== ASSUME_ROLE_ACTION.toLowerCase()) {
        issues.add(actionPath, 'unknown_action', `${label} ${quote(action)} cannot be granted by a trust policy; its only action is "${ASSUME_ROLE_ACTION}".`);
      }
    });
  }
  if (statement.Condition !== undefined) checkCondition(statement.Condition, childPath(path, 'Condition'), issues);
}

function checkPrincipal(value: unknown, path: string, issues: IssueCollector): void {
  const principal = readObject(value, 'Principal', path, issues);
  if (!principal) return;
  checkFields(principal, { required: ['Sluice'], optional: [] }, 'Principal', path, issues);
  if (principal.Sluice === undefined) return;
  readPatternList(principal.Sluice, 'Principal', childPath(path, 'Sluice'), issues, (text, _label, itemPath) => {
    const parsed = parseTrustedPrincipal(text);
    if (!parsed.ok) issues.add(itemPath, 'invalid_principal', `The principal ${quote(text)} is not valid: ${parsed.problem}`);
  });
}
