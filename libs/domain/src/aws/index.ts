export { importAwsPipeline, type ImportAwsPipelineResult } from './import-aws-pipeline';
export { exportAwsPipeline, type ExportAwsPipelineResult } from './export-aws-pipeline';
export type { ImportAwsPipelineOptions, CodeBuildProjectDetails } from './import-options';
export type {
  ActionMapping,
  ActionMappingStatus,
  ActionTypeReference,
  ExportReport,
  FieldChange,
  FieldChangeKind,
  ImportReport,
  MappingReport,
} from './mapping-report';
export type {
  AwsActionDeclaration,
  AwsActionTypeId,
  AwsArtifactStore,
  AwsEnvironmentVariable,
  AwsPipelineDeclaration,
  AwsPipelineMetadata,
  AwsStageDeclaration,
} from './aws-pipeline-declaration';
export { mapAwsOwnedActions, RUNNABLE_AWS_ACTION_TYPES, type AwsOwnedActionsMapping } from './map-aws-owned-actions';
