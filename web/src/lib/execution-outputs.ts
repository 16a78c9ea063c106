// What an execution produced (artifacts, output variables) and what kind of run it is, for the execution page.
import { request } from './graphql';

export interface ArtifactRecord {
  name: string;
  sha256: string;
  stageName: string;
  actionName: string;
  size: number | null;
  contentType: string | null;
  recordedAt: string;
}

export interface ActionOutputs {
  stageName: string;
  actionName: string;
  attempt: number;
  namespace: string | null;
  outputVariables: Record<string, string>;
}

export interface ExecutionOutputs {
  executionType: string;
  pipelineVersion: number;
  rollbackTarget: string | null;
  artifacts: ArtifactRecord[];
  actions: ActionOutputs[];
}

export async function loadExecutionOutputs(pipelineName: string, executionId: string): Promise<ExecutionOutputs> {
  const data = await request<{
    getPipelineExecution: { executionType: string; pipelineVersion: number; rollbackMetadata: { rollbackTargetPipelineExecutionId: string } | null };
    listArtifacts: ArtifactRecord[];
    listActionExecutions: { nodes: Array<{ stageName: string; actionName: string; attempt: number; input: { namespace: string | null }; output: { outputVariables: Record<string, string> | null } }> };
  }>(
    `query ExecutionOutputs($name: String!, $id: ID!) {
      getPipelineExecution(pipelineName: $name, pipelineExecutionId: $id) { executionType pipelineVersion rollbackMetadata { rollbackTargetPipelineExecutionId } }
      listArtifacts(pipelineExecutionId: $id) { name sha256 stageName actionName size contentType recordedAt }
      listActionExecutions(pipelineName: $name, pipelineExecutionId: $id, first: 500) { nodes { stageName actionName attempt input { namespace } output { outputVariables } } }
    }`,
    { name: pipelineName, id: executionId },
  );
  const execution = data.getPipelineExecution;
  return {
    executionType: execution.executionType,
    pipelineVersion: execution.pipelineVersion,
    rollbackTarget: execution.rollbackMetadata?.rollbackTargetPipelineExecutionId ?? null,
    artifacts: data.listArtifacts,
    actions: data.listActionExecutions.nodes.map((a) => ({
      stageName: a.stageName,
      actionName: a.actionName,
      attempt: a.attempt,
      namespace: a.input.namespace,
      outputVariables: a.output.outputVariables ?? {},
    })),
  };
}

/** A signed link to the artifact, valid for a while on this origin; asked only when the person wants the file. */
export const artifactDownloadUrl = async (pipelineName: string, pipelineExecutionId: string, artifactName: string) =>
  (
    await request<{ artifactDownloadUrl: { url: string; expiresAt: string } }>(
      'query Download($p: String!, $id: ID!, $a: String!) { artifactDownloadUrl(pipelineName: $p, pipelineExecutionId: $id, artifactName: $a) { url expiresAt } }',
      { p: pipelineName, id: pipelineExecutionId, a: artifactName },
    )
  ).artifactDownloadUrl;

export function formatBytes(size: number | null): string {
  if (size === null) return 'unknown size';
  if (size < 1024) return `${size} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) (value /= 1024), unit++;
  return `${value.toFixed(1)} ${units[unit]}`;
}
