import { actionTypeKey } from '../action-types/action-type-definition';
import { PIPELINE_INVOKE } from '../action-types/built-in-action-types';
import { quote } from '../validation/describe-value';
import { IssueCollector } from '../validation/issue-collector';
import { childPath, indexPath } from '../validation/json-path';
import { checkString } from '../validation/string-rules';
import type { ActionTypeId } from './pipeline-declaration';
import { PIPELINE_NAME_RULE } from './pipeline-limits';

/** CodePipeline's SourceRevisionOverride types (StartPipelineExecution's `sourceRevisions`). */
export const SOURCE_REVISION_TYPES = ['COMMIT_ID', 'IMAGE_DIGEST', 'S3_OBJECT_VERSION_ID', 'S3_OBJECT_KEY'] as const;
export type SourceRevisionType = (typeof SOURCE_REVISION_TYPES)[number];

/** How deep a chain of invocations may go (A invokes B invokes C …): the tenth invoked execution may not invoke another. */
export const MAX_INVOKE_DEPTH = 10;

/** An Invoke/Sluice/Pipeline action's configuration, read: what the engine starts. */
export interface PipelineInvocation {
  pipelineName: string;
  variables: Array<{ name: string; value: string }>;
  sourceRevisions: Array<{ actionName: string; revisionType: SourceRevisionType; revisionValue: string }>;
  waitForResult: boolean;
}

export type InvocationReading = { ok: true; invocation: PipelineInvocation } | { ok: false; issues: Array<{ key: string; message: string }> };

export function isPipelineInvoke(id: ActionTypeId): boolean {
  return actionTypeKey(id) === actionTypeKey(PIPELINE_INVOKE.id);
}

/**
 * Reads the configuration of a pipeline invoke. The JSON of `Variables` and `SourceRevisions` is parsed as written and
 * each value resolved after (`resolveValue`), so a variable's value is data inside one field and can neither break the
 * JSON nor add an entry. `PipelineName` takes no reference at all: the target is fixed at save (decision 0052).
 */
export function readPipelineInvocation(configuration: Readonly<Record<string, string>>, resolveValue: (value: string) => string = (value) => value): InvocationReading {
  const issues: Array<{ key: string; message: string }> = [];
  const pipelineName = configuration.PipelineName ?? '';
  const nameProblem = pipelineNameProblem(pipelineName);
  if (nameProblem) issues.push({ key: 'PipelineName', message: nameProblem });
  const wait = configuration.WaitForResult ?? 'false';
  if (wait !== 'true' && wait !== 'false') issues.push({ key: 'WaitForResult', message: `must be "true" or "false", but is ${quote(wait)}.` });
  const variables = readEntries(configuration.Variables, 'Variables', issues, (entry, at) => {
    const name = stringField(entry, 'name', at, issues);
    const value = stringField(entry, 'value', at, issues);
    return name === undefined || value === undefined ? undefined : { name, value: resolveValue(value) };
  }, true);
  const sourceRevisions = readEntries(configuration.SourceRevisions, 'SourceRevisions', issues, (entry, at) => {
    const actionName = stringField(entry, 'actionName', at, issues);
    const revisionType = stringField(entry, 'revisionType', at, issues);
    const revisionValue = stringField(entry, 'revisionValue', at, issues);
    if (revisionType !== undefined && !(SOURCE_REVISION_TYPES as readonly string[]).includes(revisionType)) {
      issues.push({ key: 'SourceRevisions', message: `${at}.revisionType must be one of ${SOURCE_REVISION_TYPES.join(', ')}, but is ${quote(revisionType)}.` });
      return undefined;
    }
    if (actionName === undefined || revisionType === undefined || revisionValue === undefined) return undefined;
    return { actionName, revisionType: revisionType as SourceRevisionType, revisionValue: resolveValue(revisionValue) };
  }, false);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, invocation: { pipelineName, variables, sourceRevisions, waitForResult: wait === 'true' } };
}

function pipelineNameProblem(name: string): string | undefined {
  if (name.includes('#{')) return 'must name the pipeline to start; it may not reference variables, so the target is known when the definition is saved.';
  const issues = new IssueCollector();
  if (checkString(name, { ...PIPELINE_NAME_RULE, label: 'The pipeline name' }, '$', issues)) return undefined;
  return `is not a pipeline name: ${issues.issues.map((issue) => issue.message).join(' ')}`;
}

type Entry = Record<string, unknown>;

/** A JSON array of objects; `Variables` may also be AWS's map form, { "name": "value" }. */
function readEntries<T>(
  text: string | undefined,
  key: string,
  issues: Array<{ key: string; message: string }>,
  read: (entry: Entry, at: string) => T | undefined,
  allowMap: boolean,
): T[] {
  if (text === undefined || text.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    issues.push({ key, message: `is not JSON: ${(error as Error).message}` });
    return [];
  }
  if (allowMap && parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
    parsed = Object.entries(parsed).map(([name, value]) => ({ name, value }));
  }
  if (!Array.isArray(parsed)) {
    issues.push({ key, message: `must be a JSON array of objects${allowMap ? ' (or an object of names to values)' : ''}.` });
    return [];
  }
  return parsed.flatMap((entry, index) => {
    const at = indexPath(key, index);
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      issues.push({ key, message: `${at} must be an object.` });
      return [];
    }
    const value = read(entry as Entry, at);
    return value === undefined ? [] : [value];
  });
}

function stringField(entry: Entry, field: string, at: string, issues: Array<{ key: string; message: string }>): string | undefined {
  const value = entry[field];
  if (typeof value === 'string' && value !== '') return value;
  issues.push({ key: at.split('[')[0]!, message: `${childPath(at, field)} must be a non-empty string.` });
  return undefined;
}

/** Where a definition (CodePipeline's JSON, unvalidated) invokes another pipeline: each action's path and target name. */
export function pipelineInvokesIn(definition: unknown): Array<{ path: string; pipelineName: string }> {
  const found: Array<{ path: string; pipelineName: string }> = [];
  const stages = (definition as { stages?: unknown } | null)?.stages;
  (Array.isArray(stages) ? stages : []).forEach((stage, s) => {
    const actions = (stage as { actions?: unknown } | null)?.actions;
    (Array.isArray(actions) ? actions : []).forEach((action, a) => {
      const { actionTypeId, configuration } = (action ?? {}) as { actionTypeId?: Partial<ActionTypeId>; configuration?: Record<string, unknown> };
      if (!actionTypeId || typeof actionTypeId !== 'object' || !isPipelineInvokeLike(actionTypeId)) return;
      const pipelineName = configuration !== null && typeof configuration === 'object' ? configuration.PipelineName : undefined;
      if (typeof pipelineName === 'string' && pipelineName !== '') found.push({ path: `$.stages[${s}].actions[${a}]`, pipelineName });
    });
  });
  return found;
}

/** Sluice's invoke, or AWS's (which runs as Sluice's): both start the pipeline their PipelineName names. */
function isPipelineInvokeLike(id: Partial<ActionTypeId>): boolean {
  if (id.category !== 'Invoke' || id.version !== '1') return false;
  return (id.owner === PIPELINE_INVOKE.id.owner && id.provider === 'Pipeline') || (id.owner === 'AWS' && id.provider === 'CodePipeline');
}

/**
 * The pipelines a definition invokes, by name (for the cross-pipeline graph, authorization at save and cycle checks).
 * A PipelineName no pipeline can have (a variable reference, bad characters) is left out: the validation refuses it.
 */
export function invokedPipelineNames(definition: unknown): string[] {
  return [...new Set(pipelineInvokesIn(definition).map((invoke) => invoke.pipelineName))].filter((name) => !pipelineNameProblem(name)).sort();
}

/**
 * Checks the invokes of a definition being saved: their configuration reads, and none starts the pipeline itself.
 * Longer loops (A → B → A) need the other definitions: `invokeCyclePath`.
 */
export function checkPipelineInvokes(definition: unknown, issues: IssueCollector): void {
  const ownName = (definition as { name?: unknown } | null)?.name;
  const stages = (definition as { stages?: unknown } | null)?.stages;
  (Array.isArray(stages) ? stages : []).forEach((stage, s) => {
    const actions = (stage as { actions?: unknown } | null)?.actions;
    (Array.isArray(actions) ? actions : []).forEach((action, a) => {
      const { actionTypeId, configuration } = (action ?? {}) as { actionTypeId?: ActionTypeId; configuration?: unknown };
      if (!actionTypeId || typeof actionTypeId !== 'object' || !isPipelineInvoke(actionTypeId)) return;
      if (configuration === null || typeof configuration !== 'object' || Array.isArray(configuration)) return;
      const path = childPath(`$.stages[${s}].actions[${a}]`, 'configuration');
      const strings = Object.fromEntries(Object.entries(configuration).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
      if (strings.PipelineName === undefined) return;
      const reading = readPipelineInvocation(strings);
      if (!reading.ok) {
        // WaitForResult's "true"/"false" is the Boolean check every action type's configuration gets.
        for (const issue of reading.issues.filter((candidate) => candidate.key !== 'WaitForResult')) issues.add(childPath(path, issue.key), 'invalid_invoke_configuration', `${issue.key} ${issue.message}`);
        return;
      }
      if (reading.invocation.pipelineName === ownName) {
        issues.add(childPath(path, 'PipelineName'), 'invoke_cycle', `The pipeline ${quote(ownName)} may not invoke itself: each execution would start another without end.`);
      }
    });
  });
}

/**
 * The loop saving `name` with `invoked` would close, through the saved definitions (`invokedBy`), as the list of names
 * from `name` back to it; null when there is none.
 */
export function invokeCyclePath(name: string, invoked: readonly string[], invokedBy: (pipeline: string) => readonly string[]): string[] | null {
  const visited = new Set<string>();
  const walk = (pipeline: string, path: string[]): string[] | null => {
    if (pipeline === name) return [...path, pipeline];
    if (visited.has(pipeline)) return null;
    visited.add(pipeline);
    for (const next of invokedBy(pipeline)) {
      const found = walk(next, [...path, pipeline]);
      if (found) return found;
    }
    return null;
  };
  for (const target of invoked) {
    const found = walk(target, [name]);
    if (found) return found;
  }
  return null;
}
