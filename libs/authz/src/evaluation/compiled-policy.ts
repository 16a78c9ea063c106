import { ValidationError, type ValidationIssue } from '@sluice/domain';
import { SLUICE_ACTION_NAMES } from '../actions/action-catalogue';
import { globToRegExp, hasWildcard } from '../matching/glob';
import { asList, type Effect, type PolicyDocument, type PolicyStatement } from '../policy/policy-document';
import { parsePatternVariables, type PatternPart, type PolicyVariableValues, substituteVariables } from '../policy/policy-variables';
import { validatePolicyDocument } from '../policy/validate-policy-document';
import { type CompiledCondition, compileConditions } from './condition-evaluation';

export type Matcher = (text: string) => boolean;
/** A matcher whose patterns may hold policy variables, substituted with the request's values. */
export type ResourceMatcher = (resource: string, variables: PolicyVariableValues) => boolean;

export interface CompiledStatement {
  index: number;
  sid?: string;
  effect: Effect;
  /** Whether the statement's Resource/NotResource covers the resource, NotResource already inverted. */
  appliesToResource: ResourceMatcher;
  conditions: readonly CompiledCondition[];
}

/** The statements that apply to each catalogue action, in document order: the catalogue is finite, so Action/NotAction is matched once, here. */
type StatementsByAction = ReadonlyMap<string, readonly CompiledStatement[]>;

type Compiled = { ok: true; byAction: StatementsByAction } | { ok: false; issues: readonly ValidationIssue[] };

// Compiling (validation included) happens once per document object, so a principal with many
// policies pays only for matching resources and conditions on each request. Documents are treated as immutable.
const cache = new WeakMap<PolicyDocument, Compiled>();

const NONE: readonly CompiledStatement[] = [];

/** The statements of a policy that apply to `action` (catalogue spelling), ready to match; throws a ValidationError naming the policy when it is not valid. */
export function statementsForAction(document: PolicyDocument, policyName: string, action: string): readonly CompiledStatement[] {
  let compiled = cache.get(document);
  if (!compiled) {
    compiled = compile(document);
    cache.set(document, compiled);
  }
  if (!compiled.ok) throw new ValidationError(compiled.issues, `The policy "${policyName}" is not valid`);
  return compiled.byAction.get(action) ?? NONE;
}

function compile(document: PolicyDocument): Compiled {
  const validation = validatePolicyDocument(document);
  if (!validation.valid) return { ok: false, issues: validation.issues };
  const byAction = new Map<string, CompiledStatement[]>();
  document.Statement.forEach((statement, index) => {
    const compiled = compileStatement(statement, index);
    const actions = statement.Action !== undefined ? { patterns: asList(statement.Action), negated: false } : { patterns: asList(statement.NotAction), negated: true };
    const appliesToAction = negatable(anyOf(actions.patterns, { ignoreCase: true }), actions.negated);
    for (const action of SLUICE_ACTION_NAMES.filter(appliesToAction)) {
      const statements = byAction.get(action);
      if (statements) statements.push(compiled);
      else byAction.set(action, [compiled]);
    }
  });
  return { ok: true, byAction };
}

function compileStatement(statement: PolicyStatement, index: number): CompiledStatement {
  const resources =
    statement.Resource !== undefined ? { patterns: asList(statement.Resource), negated: false } : { patterns: asList(statement.NotResource), negated: true };
  return {
    index,
    sid: statement.Sid,
    effect: statement.Effect,
    appliesToResource: resourceMatcher(resources.patterns, resources.negated, statement.Effect),
    conditions: compileConditions(statement.Condition),
  };
}

/**
 * Patterns without variables are matched as compiled once; a pattern with `${sluice:username}` is
 * substituted per request. A variable the request lacks (a role session has no user name) fails closed:
 * an Allow does not apply, a Deny does.
 */
function resourceMatcher(patterns: readonly string[], negated: boolean, effect: Effect): ResourceMatcher {
  const parsed = patterns.map((pattern) => ({ pattern, variables: parsePatternVariables(pattern) }));
  const plain = parsed.filter(({ variables }) => !variables.ok || variables.parts.every((part) => part.kind === 'text')).map(({ pattern }) => pattern);
  const withVariables = parsed.flatMap(({ variables }) => (variables.ok && variables.parts.some((part) => part.kind !== 'text') ? [variables.parts] : []));
  const plainMatcher = anyOf(plain, { ignoreCase: false });
  if (withVariables.length === 0) {
    const fixed = negatable(plainMatcher, negated);
    return (resource) => fixed(resource);
  }
  return (resource, variables) => {
    let matched = plainMatcher(resource);
    for (const parts of withVariables) {
      if (matched) break;
      const substituted = substituteVariables(parts, variables);
      if (!substituted) return effect === 'Deny';
      matched = partsToRegExp(substituted).test(resource);
    }
    return negated ? !matched : matched;
  };
}

/** IAM's wildcards in `text` parts; `literal` parts (substituted values, escapes) match only themselves. Variables are substituted before. */
function partsToRegExp(parts: readonly PatternPart[]): RegExp {
  let source = '';
  for (const part of parts) {
    if (part.kind === 'text') source += globToRegExp(part.text, { ignoreCase: false }).source.slice(1, -1);
    else if (part.kind === 'literal') source += part.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'su');
}

function negatable(matcher: Matcher, negated: boolean): Matcher {
  return negated ? (text) => !matcher(text) : matcher;
}

/** Matches when any pattern matches; actions compare case-insensitively, resources exactly, as in IAM. */
export function anyOf(patterns: readonly string[], options: { ignoreCase: boolean }): Matcher {
  if (patterns.includes('*')) return () => true;
  const literals = new Set(patterns.filter((pattern) => !hasWildcard(pattern)).map((pattern) => (options.ignoreCase ? pattern.toLowerCase() : pattern)));
  const globs = patterns.filter(hasWildcard).map((pattern) => globToRegExp(pattern, options));
  return (text) => {
    if (literals.has(options.ignoreCase ? text.toLowerCase() : text)) return true;
    return globs.some((glob) => glob.test(text));
  };
}
