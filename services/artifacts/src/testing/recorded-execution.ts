import { Readable } from 'node:stream';
import { openFilesystemArtifactStore } from '@sluice/artifact-store';
import type { EventStore } from '@sluice/eventing';

/**
 * What a worker and the executions engine leave behind for one action: its output's bytes in the store the
 * service reads, and the execution events naming them. Returns the output's address.
 */
export async function recordExecutionOutput(
  events: EventStore,
  artifactsDir: string,
  options: { executionId: string; account: string; pipelineName: string; artifactName: string; bytes: Buffer },
): Promise<string> {
  const store = await openFilesystemArtifactStore({ root: artifactsDir, fsync: false });
  const { sha256 } = await store.put(Readable.from([options.bytes]));
  await store.close();
  const metadata = { account: options.account, actor: 'system', occurredAt: new Date().toISOString() };
  await events.append(`execution-${options.executionId}`, [
    {
      type: 'PipelineExecutionStarted',
      data: {
        executionId: options.executionId,
        startedBy: 'alice',
        startedAt: metadata.occurredAt,
        inputs: { pipeline: { account: options.account, name: options.pipelineName }, sourceRevisions: [], scope: { kind: 'AllStages' } },
      },
      metadata,
    },
    {
      type: 'ActionExecutionSucceeded',
      data: {
        stageName: 'Build',
        actionName: 'Compile',
        actionExecutionId: `${options.executionId}/Build/Compile/1`,
        outputArtifacts: [{ name: options.artifactName, location: sha256, producedBy: { stageName: 'Build', actionName: 'Compile' } }],
        outputVariables: {},
        summary: null,
        externalExecutionId: null,
        externalExecutionUrl: null,
        sourceRevision: null,
        finishedAt: metadata.occurredAt,
      },
      metadata,
    },
  ]);
  return sha256;
}
