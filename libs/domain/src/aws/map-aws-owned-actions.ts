import type { ValidationIssue } from '../validation/validation-issue';
import type { ActionMappingContext } from './action-mapping-context';
import type { AwsActionDeclaration } from './aws-pipeline-declaration';
import { assembleAction, mapAction } from './import-action';
import { MappingReportBuilder } from './mapping-report-builder';

/** AWS-owned action types a definition may use as given: Sluice runs them with the provider the import mapping picks (decision 0006). */
export const RUNNABLE_AWS_ACTION_TYPES: readonly string[] = [
  'Source/AWS/CodeCommit',
  'Source/AWS/CodeStarSourceConnection',
  'Source/ThirdParty/GitHub',
  'Source/AWS/S3',
  'Build/AWS/CodeBuild',
  'Test/AWS/CodeBuild',
  'Compute/AWS/Commands',
  'Deploy/AWS/S3',
  'Invoke/AWS/Lambda',
  'Invoke/AWS/CodePipeline',
];

/** `Approval/AWS/Manual` is a Sluice built-in under its AWS id; it needs no mapping. */
const BUILT_IN_AWS_TYPES = new Set(['Approval/AWS/Manual']);
const AWS_OWNERS = new Set(['AWS', 'ThirdParty']);

export type AwsOwnedActionsMapping =
  /** No action is AWS-owned: the definition is validated and run as given. */
  | { kind: 'none' }
  /** `runnable` is the definition with every AWS-owned action replaced by its Sluice provider; everything else is untouched. */
  | { kind: 'mapped'; runnable: Record<string, unknown> }
  /** Some AWS-owned type has no Sluice provider: `issues` say where; `runnable` maps the others, to check the rest. */
  | { kind: 'refused'; issues: ValidationIssue[]; runnable: Record<string, unknown> };

/**
 * The runnable form of a definition that uses AWS-owned action types. Only well-formed
 * AWS-owned actions are touched; anything malformed is left for `validatePipelineDeclaration` to report
 * with its own paths. An AWS-owned type without a Sluice mapping is refused at its `actionTypeId`.
 */
export function mapAwsOwnedActions(input: unknown): AwsOwnedActionsMapping {
  if (!isObject(input) || !Array.isArray(input.stages)) return { kind: 'none' };
  const issues: ValidationIssue[] = [];
  let mappedAny = false;
  const report = new MappingReportBuilder();
  const stages = input.stages.map((stage: unknown, s: number) => {
    if (!isObject(stage) || !Array.isArray(stage.actions)) return stage;
    const actions = stage.actions.map((action: unknown, a: number) => {
      const path = `$.stages[${s}].actions[${a}]`;
      const key = awsOwnedTypeKey(action);
      if (key === undefined || BUILT_IN_AWS_TYPES.has(key)) return action;
      // A ThirdParty type Sluice does not map is a partner's, registered in the account and worked through the
      // third-party job calls: the account's registry checks it as it checks a Custom type.
      if (key.split('/')[1] === 'ThirdParty' && !RUNNABLE_AWS_ACTION_TYPES.includes(key)) return action;
      if (!RUNNABLE_AWS_ACTION_TYPES.includes(key)) {
        issues.push({
          path: `${path}.actionTypeId`,
          code: 'unmapped_aws_action_type',
          message: `The AWS action type ${key} has no Sluice provider. AWS-owned types Sluice runs: ${RUNNABLE_AWS_ACTION_TYPES.join(', ')} (and Approval/AWS/Manual).`,
        });
        return action;
      }
      mappedAny = true;
      const aws = action as AwsActionDeclaration;
      const region = typeof aws.region === 'string' ? aws.region : undefined;
      const context: ActionMappingContext = { action: aws, path, region, options: {}, report };
      return assembleAction(context, mapAction(context));
    });
    return { ...stage, actions };
  });
  if (issues.length > 0) return { kind: 'refused', issues, runnable: { ...input, stages } };
  return mappedAny ? { kind: 'mapped', runnable: { ...input, stages } } : { kind: 'none' };
}

/** `category/owner/provider` of a well-formed action owned by AWS or ThirdParty, else undefined. */
function awsOwnedTypeKey(action: unknown): string | undefined {
  if (!isObject(action) || typeof action.name !== 'string' || !isObject(action.actionTypeId)) return undefined;
  const { category, owner, provider, version } = action.actionTypeId;
  if (typeof category !== 'string' || typeof owner !== 'string' || typeof provider !== 'string' || typeof version !== 'string') return undefined;
  if (!AWS_OWNERS.has(owner)) return undefined;
  if (action.configuration !== undefined && !isStringRecord(action.configuration)) return undefined;
  return `${category}/${owner}/${provider}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringRecord(value: unknown): boolean {
  return isObject(value) && Object.values(value).every((entry) => typeof entry === 'string');
}
