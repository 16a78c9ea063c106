import type { JobSuccessInput } from '../application/job-worker-api';
import type { SourceRevision } from '@sluice/contracts';
import { invalidInput } from '../domain/errors';

export interface PutJobSuccessResultArgs {
  outputArtifacts?: Array<{ name: string; location: string }> | null;
  outputVariables?: Array<{ name: string; value: string }> | null;
  executionDetails?: { summary?: string | null; externalExecutionId?: string | null; externalExecutionUrl?: string | null } | null;
  sourceRevision?: SourceRevision | null;
  continuationToken?: string | null;
  /** A third-party job's client token (job.resolver.ts). */
  clientToken?: string | null;
}

/** GraphQL lists to the job API's result; output variables are a map there, so a name given twice is refused. */
export function jobSuccessInput(args: PutJobSuccessResultArgs): JobSuccessInput {
  const outputVariables: Record<string, string> = {};
  (args.outputVariables ?? []).forEach((variable, index) => {
    if (Object.hasOwn(outputVariables, variable.name)) {
      throw invalidInput(`$.outputVariables[${index}].name`, `The output variable "${variable.name}" is given twice.`);
    }
    outputVariables[variable.name] = variable.value;
  });
  return {
    outputArtifacts: args.outputArtifacts ?? [],
    outputVariables,
    executionSummary: args.executionDetails?.summary ?? null,
    externalExecutionId: args.executionDetails?.externalExecutionId ?? null,
    externalExecutionUrl: args.executionDetails?.externalExecutionUrl ?? null,
    sourceRevision: args.sourceRevision ? { ...args.sourceRevision, revisionSummary: args.sourceRevision.revisionSummary ?? null, revisionUrl: args.sourceRevision.revisionUrl ?? null } : null,
    continuationToken: args.continuationToken ?? null,
  };
}
