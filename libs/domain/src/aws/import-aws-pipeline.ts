import type { SluiceActionTypeId } from '../action-types/action-type-definition';
import type {
  Condition,
  PipelineDeclaration,
  StageDeclaration,
} from '../pipeline-definition/pipeline-declaration';
import { assembleAction, mapAction } from './import-action';
import type { ActionMappingContext } from './action-mapping-context';
import type { AwsPipelineDeclaration, AwsStageDeclaration } from './aws-pipeline-declaration';
import { regionOfArn } from './aws-region';
import type { ImportAwsPipelineOptions } from './import-options';
import type { ImportReport } from './mapping-report';
import { MappingReportBuilder } from './mapping-report-builder';
import { readAwsPipeline } from './read-aws-pipeline';
import { inferCustomActionTypes, type CustomActionUse } from './required-custom-action-types';
import { warnAboutChangedVariables } from './variable-reference-warnings';

export interface ImportAwsPipelineResult {
  pipeline: PipelineDeclaration;
  report: ImportReport;
}

/**
 * Turns what `aws codepipeline get-pipeline` prints (or its bare `pipeline` object) into a Sluice
 * pipeline, and reports every action's new provider and every field dropped, changed or added.
 * Throws ValidationError, with paths, when the input is not a pipeline at all.
 */
export function importAwsPipeline(input: unknown, options: ImportAwsPipelineOptions = {}): ImportAwsPipelineResult {
  const { pipeline: aws, metadata, unknownFields } = readAwsPipeline(input);
  const report = new MappingReportBuilder();
  for (const field of unknownFields) report.dropped(field.path, field.value, 'Not part of a CodePipeline declaration.');
  if (metadata) {
    const polling = metadata.pollingDisabledAt ? ` AWS disabled polling for it on ${metadata.pollingDisabledAt}.` : '';
    report.dropped('$.metadata', metadata, `AWS bookkeeping (ARN, creation and update times); Sluice records its own.${polling}`);
  }
  const pipelineRegion = regionOfArn(metadata?.pipelineArn) ?? options.region;
  const customUses: CustomActionUse[] = [];
  const actionMappings: ImportReport['actions'] = [];

  const stages = aws.stages.map((stage, s) => {
    const stagePath = `$.stages[${s}]`;
    const actions = stage.actions.map((action, a) => {
      const context: ActionMappingContext = {
        action,
        path: `${stagePath}.actions[${a}]`,
        region: action.region ?? pipelineRegion,
        options,
        report,
      };
      const mapped = mapAction(context);
      const declaration = assembleAction(context, mapped);
      const mapping = {
        path: context.path,
        stage: stage.name,
        action: action.name,
        from: { ...action.actionTypeId },
        to: { ...mapped.actionTypeId },
        status: mapped.status,
        notes: mapped.notes,
      };
      actionMappings.push(mapping);
      report.action(mapping);
      if (mapped.status === 'custom') {
        customUses.push({
          id: mapped.actionTypeId as SluiceActionTypeId,
          awsConfiguration: action.configuration ?? {},
          inputArtifactCount: action.inputArtifacts?.length ?? 0,
          outputArtifactCount: action.outputArtifacts?.length ?? 0,
        });
      }
      return declaration;
    });
    return importStage(stage, stagePath, actions, report);
  });

  const pipeline: PipelineDeclaration = { name: aws.name, stages, ...pipelineSettings(aws, report) };
  warnAboutChangedVariables(pipeline, actionMappings, report);
  const requiredCustomActionTypes = inferCustomActionTypes(customUses, (message) => report.warn(message));
  return { pipeline, report: { ...report.build(), requiredCustomActionTypes } };
}

function pipelineSettings(aws: AwsPipelineDeclaration, report: MappingReportBuilder): Omit<PipelineDeclaration, 'name' | 'stages'> {
  if (aws.artifactStore) {
    const key = aws.artifactStore.encryptionKey ? ' and its KMS key' : '';
    report.dropped('$.artifactStore', aws.artifactStore, `Sluice keeps artifacts in its own content-addressed store; the S3 bucket${key} go unused.`);
  }
  if (aws.artifactStores) {
    report.dropped('$.artifactStores', aws.artifactStores, 'Sluice keeps artifacts in its own store; it has no per-region stores.');
  }
  if (aws.version !== undefined) {
    report.dropped('$.version', aws.version, 'Sluice numbers the versions it stores; the imported pipeline starts its own history.');
  }
  const pipelineType = aws.pipelineType ?? 'V1';
  if (aws.pipelineType === undefined) {
    report.added('$.pipelineType', 'V1', 'AWS treats a pipeline without a type as V1; Sluice would default to V2, which is not an upgrade to make silently.');
  }
  return {
    ...(aws.roleArn !== undefined ? { roleArn: aws.roleArn } : {}),
    ...(aws.executionMode !== undefined ? { executionMode: aws.executionMode } : {}),
    pipelineType,
    ...(aws.variables ? { variables: aws.variables } : {}),
    ...(aws.triggers ? { triggers: aws.triggers } : {}),
  };
}

function importStage(
  stage: AwsStageDeclaration,
  path: string,
  actions: StageDeclaration['actions'],
  report: MappingReportBuilder,
): StageDeclaration {
  const imported: StageDeclaration = { name: stage.name, actions };
  if (stage.blockers) imported.blockers = stage.blockers;
  if (stage.beforeEntry) imported.beforeEntry = { conditions: importConditions(stage.beforeEntry.conditions, `${path}.beforeEntry`, report) };
  if (stage.onSuccess) imported.onSuccess = { conditions: importConditions(stage.onSuccess.conditions, `${path}.onSuccess`, report) };
  if (stage.onFailure) {
    const { conditions, ...handling } = stage.onFailure;
    imported.onFailure = { ...handling, ...(conditions ? { conditions: importConditions(conditions, `${path}.onFailure`, report) } : {}) };
  }
  return imported;
}

/** Rules keep their type and configuration; like actions, they lose AWS's region and role. */
function importConditions(conditions: Condition[], path: string, report: MappingReportBuilder): Condition[] {
  return conditions.map((condition, c) => ({
    ...condition,
    ...(condition.rules
      ? {
          rules: condition.rules.map((rule, r) => {
            const { region, roleArn, ...kept } = rule;
            const rulePath = `${path}.conditions[${c}].rules[${r}]`;
            if (region !== undefined) report.dropped(`${rulePath}.region`, region, 'Sluice evaluates rules where its services run; there are no regions.');
            if (roleArn !== undefined) report.dropped(`${rulePath}.roleArn`, roleArn, 'Sluice does not assume IAM roles.');
            return kept;
          }),
        }
      : {}),
  }));
}
