import type { PipelineDeclaration, PipelineTriggerDeclaration } from '@sluice/domain';
import { gitSourceStage } from '@sluice/testing/fixtures';
import type { TriggerablePipeline } from '../pipeline-catalog';

export interface TriggerablePipelineOptions {
  account?: string;
  triggers?: PipelineTriggerDeclaration[];
  /** More configuration of the Git source (DetectChanges, PollForSourceChanges …). */
  configuration?: Record<string, string>;
}

/** A pipeline of one Source/Git action `Checkout` (output `src`) on the main branch of `repositoryUrl`, as a catalog lists it. */
export function triggerablePipeline(name: string, repositoryUrl: string, { account = 'acme', triggers, configuration }: TriggerablePipelineOptions = {}): TriggerablePipeline {
  const declaration: PipelineDeclaration = { name, stages: [gitSourceStage({ repositoryUrl, output: 'src', configuration })], ...(triggers && { triggers }) };
  return { account, name, declaration };
}

/** Resolves once `condition` holds, checking every 20 ms; rejects after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
