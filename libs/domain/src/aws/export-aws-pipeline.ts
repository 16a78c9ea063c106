import { redactUrlCredentialsIn } from '../credentials/redact-url-credentials-in';
import { hasUrlCredentials } from '../credentials/url-credentials';
import type { PipelineDeclaration } from '../pipeline-definition/pipeline-declaration';
import { ARTIFACT_BUCKET_PLACEHOLDER, ROLE_ARN_PLACEHOLDER } from './aws-placeholders';
import type { AwsPipelineDeclaration, AwsStageDeclaration } from './aws-pipeline-declaration';
import { exportAction } from './export-action';
import type { ExportReport } from './mapping-report';
import { MappingReportBuilder } from './mapping-report-builder';

export interface ExportAwsPipelineResult {
  /** Ready for `aws codepipeline create-pipeline --cli-input-json` as `{ "pipeline": ... }`, once its placeholders are filled. */
  pipeline: AwsPipelineDeclaration;
  report: ExportReport;
}

/**
 * The reverse of importAwsPipeline for what maps back; the rest stays custom, with a warning. Credentials
 * written into URLs are not exported: they show as `***`, with a warning naming where.
 */
export function exportAwsPipeline(declaration: PipelineDeclaration): ExportAwsPipelineResult {
  const report = new MappingReportBuilder();
  for (const path of urlCredentialPaths(declaration, '$')) {
    report.warn(`${path}: the credentials in the URL were not exported (shown as ***); give them to whatever clones it instead.`);
  }
  const pipeline = redactUrlCredentialsIn(declaration);
  const stages = pipeline.stages.map((stage, s): AwsStageDeclaration => ({
    ...stage,
    actions: stage.actions.map((action, a) => {
      const path = `$.stages[${s}].actions[${a}]`;
      const exported = exportAction({ action, path, report });
      report.action({
        path,
        stage: stage.name,
        action: action.name,
        from: { ...action.actionTypeId },
        to: { ...exported.action.actionTypeId },
        status: exported.status,
        notes: exported.notes,
      });
      return exported.action;
    }),
  }));

  const roleArn = pipeline.roleArn ?? ROLE_ARN_PLACEHOLDER;
  if (pipeline.roleArn === undefined) {
    report.added('$.roleArn', roleArn, 'AWS requires a service role.');
    report.warn('$.roleArn is a placeholder: put the ARN of the CodePipeline service role there.');
  }
  const artifactStore = pipeline.artifactStore ?? { type: 'S3', location: ARTIFACT_BUCKET_PLACEHOLDER };
  if (pipeline.artifactStore === undefined && pipeline.artifactStores === undefined) {
    report.added('$.artifactStore', artifactStore, 'AWS keeps artifacts in an S3 bucket.');
    report.warn('$.artifactStore.location is a placeholder: put the name of an S3 bucket in the pipeline\'s region there.');
  }
  const { stages: _stages, roleArn: _roleArn, artifactStore: _artifactStore, ...rest } = pipeline;
  return {
    pipeline: {
      ...rest,
      roleArn,
      ...(pipeline.artifactStores === undefined ? { artifactStore } : {}),
      stages,
    },
    report: report.build(),
  };
}

/** The JSON paths of the strings of `value` that hold a URL with credentials. */
function urlCredentialPaths(value: unknown, path: string): string[] {
  if (typeof value === 'string') return hasUrlCredentials(value) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((item: unknown, index) => urlCredentialPaths(item, `${path}[${index}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => urlCredentialPaths(item, `${path}.${key}`));
}
