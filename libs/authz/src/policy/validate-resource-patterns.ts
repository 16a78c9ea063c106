import { describeCharacter, type IssueCollector, quote, RESOURCE_NAME_PREFIX } from '@sluice/domain';
import { ACTION_TYPE_RESOURCE_PART, PRINCIPAL_RESOURCE_PART, parseRequestResource } from '../actions/request-resource';
import { hasWildcard } from '../matching/glob';
import { parsePatternVariables, patternForValidation } from './policy-variables';
import { readPatternList } from './validate-action-patterns';

/**
 * Reads `Resource`/`NotResource`: `*`, or Sluice resource names in which `*` and `?` may stand for any part
 * and `${sluice:username}` for the caller's user name.
 */
export function readResourcePatterns(value: unknown, label: string, path: string, issues: IssueCollector): string[] | undefined {
  return readPatternList(value, label, path, issues, checkResourcePattern);
}

const SHAPE =
  'srn:sluice:{account}:{pipeline}[/{stage}[/{action}]], srn:sluice:{account}:principal/{id}, srn:sluice:{account}:actiontype/{Owner}/{Category}/{Provider}/{Version}, srn:sluice:{account}:webhook/{name}, or srn:sluice:{account}: for the account itself';
const ACCOUNT_CHARACTER = /^[a-z0-9*?-]$/u;
const NAME_CHARACTER = /^[A-Za-z0-9.@_*?-]$/u;
const PRINCIPAL_ID_CHARACTER = /^[A-Za-z0-9+=,.@_*?-]$/u;
const MAX_NAME_LENGTH = 100;
const MAX_PRINCIPAL_ID_LENGTH = 128;

function checkResourcePattern(pattern: string, label: string, path: string, issues: IssueCollector): void {
  if (pattern === '*') return;
  const problem = resourcePatternProblem(pattern);
  if (problem) issues.add(path, 'invalid_resource', `${label} ${quote(pattern)} is not a Sluice resource: ${problem}`);
}

/** Why a resource pattern can never match a Sluice resource, or undefined. */
export function resourcePatternProblem(pattern: string): string | undefined {
  const variables = parsePatternVariables(pattern);
  if (!variables.ok) return variables.problem;
  return variables.parts.some((part) => part.kind !== 'text') ? literalPatternProblem(patternForValidation(variables.parts)) : literalPatternProblem(pattern);
}

function literalPatternProblem(pattern: string): string | undefined {
  if (!pattern.startsWith(RESOURCE_NAME_PREFIX)) {
    const hint = pattern.startsWith('arn:') ? ' (an AWS ARN)' : '';
    return `it does not start with "srn:sluice:"${hint}; expected ${SHAPE}.`;
  }
  if (!hasWildcard(pattern)) {
    const parsed = parseRequestResource(pattern);
    return parsed.ok ? undefined : parsed.problem;
  }
  // With wildcards the parts cannot be told apart exactly ("*" may span ":" and "/"), so check what is literal.
  const parts = pattern.slice(RESOURCE_NAME_PREFIX.length).split(':');
  if (parts.length > 2) return `it has more than one ":" after "srn:sluice:"; expected ${SHAPE}.`;
  const [account, resourcePath] = parts;
  const badAccountCharacter = [...account].find((character) => !ACCOUNT_CHARACTER.test(character));
  if (badAccountCharacter !== undefined) {
    return `the account part ${quote(account)} contains ${describeCharacter(badAccountCharacter)}; account ids use lowercase letters, digits and "-".`;
  }
  if (account === '') return 'the account part is empty; use "*" for any account.';
  if (resourcePath === undefined || resourcePath === '') return undefined;
  // `principal/…` and `actiontype/…` patterns are those resources, or else the stages of a pipeline of that name.
  const special = resourcePath.startsWith(PRINCIPAL_RESOURCE_PART)
    ? principalPatternProblem(resourcePath.slice(PRINCIPAL_RESOURCE_PART.length))
    : resourcePath.startsWith(ACTION_TYPE_RESOURCE_PART)
      ? actionTypePatternProblem(resourcePath.slice(ACTION_TYPE_RESOURCE_PART.length))
      : null;
  if (special === undefined) return undefined;
  const pipeline = pipelinePatternProblem(resourcePath);
  return pipeline === undefined ? undefined : (special ?? pipeline);
}

/** `{pipeline}[/{stage}[/{action}]]` with wildcards. */
function pipelinePatternProblem(resourcePath: string): string | undefined {
  const segments = resourcePath.split('/');
  if (segments.length > 3) return 'it has more than pipeline/stage/action after the account.';
  for (const segment of segments) {
    if (segment === '') return 'it has an empty pipeline, stage or action name (two "/" in a row, or a "/" at an end).';
    const badCharacter = [...segment].find((character) => !NAME_CHARACTER.test(character));
    if (badCharacter !== undefined) {
      return `the name ${quote(segment)} contains ${describeCharacter(badCharacter)}; names use letters, digits, ".", "@", "-" and "_".`;
    }
    if (!hasWildcard(segment) && [...segment].length > MAX_NAME_LENGTH) return `the name ${quote(segment)} is longer than ${MAX_NAME_LENGTH} characters.`;
  }
  return undefined;
}

/** The id part of `srn:sluice:{account}:principal/{id}` with wildcards: IAM's name characters, `*` and `?`. */
function principalPatternProblem(id: string): string | undefined {
  if (id === '') return 'the principal id is empty; use "*" for every principal.';
  const badCharacter = [...id].find((character) => !PRINCIPAL_ID_CHARACTER.test(character));
  if (badCharacter !== undefined) return `the principal id ${quote(id)} contains ${describeCharacter(badCharacter)}; ids use letters, digits and + = , . @ _ -.`;
  if (!hasWildcard(id) && [...id].length > MAX_PRINCIPAL_ID_LENGTH) return `the principal id ${quote(id)} is longer than ${MAX_PRINCIPAL_ID_LENGTH} characters.`;
  return undefined;
}

const ACTION_TYPE_CHARACTER = /^[A-Za-z0-9_*?-]$/u;

/** `{Owner}/{Category}/{Provider}/{Version}` of an action-type pattern: up to four parts (a `*` may span the rest). */
function actionTypePatternProblem(id: string): string | undefined {
  const parts = id.split('/');
  if (parts.length > 4) return 'it has more than {Owner}/{Category}/{Provider}/{Version} after "actiontype/".';
  for (const part of parts) {
    if (part === '') return 'it has an empty action-type part (two "/" in a row, or a "/" at an end); use "*" for any.';
    const badCharacter = [...part].find((character) => !ACTION_TYPE_CHARACTER.test(character));
    if (badCharacter !== undefined) return `the action-type part ${quote(part)} contains ${describeCharacter(badCharacter)}; parts use letters, digits, "_" and "-".`;
  }
  if (parts.length < 4 && !parts[parts.length - 1]!.includes('*')) return 'it names fewer than {Owner}/{Category}/{Provider}/{Version} after "actiontype/" and does not end with "*".';
  return undefined;
}
