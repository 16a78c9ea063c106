import { importAwsPipeline, type ActionTypeDefinition, type ImportReport, type PipelineDeclaration } from '@sluice/domain';
import type { Caller } from './caller';
import type { CustomActionTypeCommandHandlers } from './custom-action-type-command-handlers';
import type { AccountActionTypes, PipelineCommandHandlers } from './pipeline-command-handlers';

export interface ImportedPipeline {
  pipeline: PipelineDeclaration;
  report: ImportReport;
  /** The name of the pipeline created, when asked to create it. */
  created: string | undefined;
}

/** CodePipeline's CreateCustomActionType request for an action type the import needs. */
function createCustomActionTypeInput(type: ActionTypeDefinition): Record<string, unknown> {
  return {
    category: type.id.category,
    provider: type.id.provider,
    version: type.id.version,
    ...(type.settings ? { settings: type.settings } : {}),
    configurationProperties: type.actionConfigurationProperties,
    inputArtifactDetails: type.inputArtifactDetails,
    outputArtifactDetails: type.outputArtifactDetails,
  };
}

/**
 * Translates `aws codepipeline get-pipeline` output; with `create`, registers the custom action
 * types it needs that the account lacks, then creates the pipeline.
 */
export class ImportAwsPipelineHandler {
  constructor(
    private readonly pipelines: PipelineCommandHandlers,
    private readonly customActionTypes: CustomActionTypeCommandHandlers,
    private readonly actionTypes: AccountActionTypes,
  ) {}

  async importAwsPipeline(caller: Caller, input: unknown, create: boolean): Promise<ImportedPipeline> {
    const { pipeline, report } = importAwsPipeline(input);
    if (!create) return { pipeline, report, created: undefined };
    const registry = this.actionTypes(caller.account);
    for (const type of report.requiredCustomActionTypes) {
      if (!registry.find(type.id)) await this.customActionTypes.createCustomActionType(caller, createCustomActionTypeInput(type));
    }
    const created = await this.pipelines.createPipeline(caller, pipeline, []);
    return { pipeline, report, created };
  }
}
