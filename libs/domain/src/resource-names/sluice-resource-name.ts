import type { ErrorCode } from '../decider/error-codes';
import { quote } from '../validation/describe-value';
import { ACTION_NAME_RULE, PIPELINE_NAME_RULE, STAGE_NAME_RULE } from '../pipeline-definition/pipeline-limits';
import type { StringRule } from '../validation/string-rules';
import { accountIdProblem } from './account-id';

/** `srn:sluice:{account}:{pipeline}[/{stage}[/{action}]]`, the resource of a permission policy. */
export const RESOURCE_NAME_PREFIX = 'srn:sluice:';

export type SluiceResourceName =
  | { account: string; pipeline: string; stage?: undefined; action?: undefined }
  | { account: string; pipeline: string; stage: string; action?: undefined }
  | { account: string; pipeline: string; stage: string; action: string };

export type ParsedResourceName = { ok: true; name: SluiceResourceName } | { ok: false; problem: string };

/** The part of a resource name that is at fault. */
export type ResourceNamePart = 'account' | 'pipeline' | 'stage' | 'action';

/**
 * A resource name that cannot be formed: which part, with what value, and why. A RangeError (as before it was typed),
 * so that an edge can tell a caller's bad name (BAD_USER_INPUT naming its argument) from a fault of its own.
 */
export class ResourceNameError extends RangeError {
  override readonly name = 'ResourceNameError';
  readonly code: ErrorCode = 'INVALID_RESOURCE_NAME';
  constructor(
    readonly part: ResourceNamePart,
    readonly value: string,
    readonly problem: string,
  ) {
    super(problem);
  }
}

export function formatResourceName(name: SluiceResourceName): string {
  const fault = resourceNameFault(name);
  if (fault) throw new ResourceNameError(fault.part, fault.value, fault.problem);
  const parts = [name.pipeline, name.stage, name.action].filter((part): part is string => part !== undefined);
  return `${RESOURCE_NAME_PREFIX}${name.account}:${parts.join('/')}`;
}

export function parseResourceName(text: string): ParsedResourceName {
  if (!text.startsWith(RESOURCE_NAME_PREFIX)) {
    return { ok: false, problem: `The resource name ${quote(text)} does not start with ${quote(RESOURCE_NAME_PREFIX)}.` };
  }
  const rest = text.slice(RESOURCE_NAME_PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon < 0) return { ok: false, problem: `The resource name ${quote(text)} has no pipeline part; expected srn:sluice:{account}:{pipeline}[/{stage}[/{action}]].` };
  const account = rest.slice(0, colon);
  const path = rest.slice(colon + 1).split('/');
  if (path.length > 3) return { ok: false, problem: `The resource name ${quote(text)} has more than pipeline/stage/action after the account.` };
  const [pipeline, stage, action] = path;
  const name: SluiceResourceName =
    action !== undefined && stage !== undefined
      ? { account, pipeline, stage, action }
      : stage !== undefined
        ? { account, pipeline, stage }
        : { account, pipeline };
  const problem = resourceNameProblem(name);
  return problem ? { ok: false, problem } : { ok: true, name };
}

function resourceNameProblem(name: SluiceResourceName): string | undefined {
  return resourceNameFault(name)?.problem;
}

/** The first part of `name` that is not valid, from the account down; undefined when every part is. */
export function resourceNameFault(name: SluiceResourceName): { part: ResourceNamePart; value: string; problem: string } | undefined {
  const parts: Array<[ResourceNamePart, string | undefined, (value: string) => string | undefined]> = [
    ['account', name.account, accountIdProblem],
    ['pipeline', name.pipeline, (value) => partProblem(value, 'pipeline name', PIPELINE_NAME_RULE)],
    ['stage', name.stage, (value) => partProblem(value, 'stage name', STAGE_NAME_RULE)],
    ['action', name.action, (value) => partProblem(value, 'action name', ACTION_NAME_RULE)],
  ];
  for (const [part, value, problemOf] of parts) {
    if (value === undefined) continue;
    const problem = problemOf(value);
    if (problem) return { part, value, problem };
  }
  return undefined;
}

function partProblem(value: string, label: string, rule: Omit<StringRule, 'label'>): string | undefined {
  const length = [...value].length;
  if (length < rule.minLength || length > rule.maxLength) {
    return `The ${label} ${quote(value)} must have ${rule.minLength} to ${rule.maxLength} characters.`;
  }
  const pattern = rule.allowedCharacter;
  if (pattern && [...value].some((character) => !pattern.test(character))) {
    return `The ${label} ${quote(value)} may contain only ${rule.allowedDescription}.`;
  }
  return undefined;
}

/** The event stream of a pipeline: `pipeline-{account}.{name}` (account ids have no ".", so the first one splits). */
export const PIPELINE_STREAM_PREFIX = 'pipeline-';

export function pipelineStreamName(account: string, pipeline: string): string {
  const fault = resourceNameFault({ account, pipeline });
  if (fault) throw new ResourceNameError(fault.part, fault.value, fault.problem);
  return `${PIPELINE_STREAM_PREFIX}${account}.${pipeline}`;
}

export function parsePipelineStreamName(streamName: string): { account: string; pipeline: string } | undefined {
  if (!streamName.startsWith(PIPELINE_STREAM_PREFIX)) return undefined;
  const rest = streamName.slice(PIPELINE_STREAM_PREFIX.length);
  const dot = rest.indexOf('.');
  if (dot < 0) return undefined;
  const account = rest.slice(0, dot);
  const pipeline = rest.slice(dot + 1);
  if (accountIdProblem(account) || partProblem(pipeline, 'pipeline name', PIPELINE_NAME_RULE)) return undefined;
  return { account, pipeline };
}
