import type { ActionDeclaration, PipelineDeclaration } from '@sluice/domain';

/** What a node of the graph across pipelines stands for. */
export type PipelineGraphNodeKind = 'SOURCE' | 'PIPELINE' | 'ENVIRONMENT';

/**
 * Why two nodes are joined: a source feeds a pipeline, a pipeline invokes another (an `Invoke/Sluice/Pipeline` action,
 * or AWS's `Invoke/AWS/CodePipeline`), a pipeline deploys to an environment (a Deploy action's `environment`).
 */
export type PipelineGraphEdgeKind = 'SOURCE' | 'INVOKES' | 'DEPLOYS_TO';

export interface PipelineGraphNode {
  /** `pipeline:<name>`, `environment:<name>`, `source:<what identifies it>`: stable across calls. */
  id: string;
  kind: PipelineGraphNodeKind;
  label: string;
  /** The pipeline's name (PIPELINE nodes only). */
  pipelineName: string | null;
  /** The pipelines joined to this node (SOURCE and ENVIRONMENT nodes: more than one means it is shared). */
  pipelineNames: string[];
}

export interface PipelineGraphEdge {
  from: string;
  to: string;
  kind: PipelineGraphEdgeKind;
  /** The stage and action the edge comes from (`Deploy/ToProd`). */
  via: string[];
}

export interface PipelineGraph {
  nodes: PipelineGraphNode[];
  edges: PipelineGraphEdge[];
}

/** The action types whose `PipelineName` starts another pipeline. */
const INVOKE_PIPELINE_TYPES = [
  { category: 'Invoke', owner: 'Sluice', provider: 'Pipeline' },
  { category: 'Invoke', owner: 'AWS', provider: 'CodePipeline' },
];

export const isInvokePipelineAction = (action: Pick<ActionDeclaration, 'actionTypeId'>): boolean =>
  INVOKE_PIPELINE_TYPES.some((type) => type.category === action.actionTypeId.category && type.owner === action.actionTypeId.owner && type.provider === action.actionTypeId.provider);

/**
 * What a source action fetches, as a key two pipelines share when they watch the same thing: a repository and branch
 * (`RepositoryUrl`+`BranchName`, or AWS's `FullRepositoryId`/`RepositoryName`/`Owner`+`Repo` when a definition kept
 * them), an S3 object (`S3Bucket`+`S3ObjectKey`), an uploaded object (`ObjectKey`). Undefined for a source without one.
 */
export function sourceIdentity(action: ActionDeclaration): { key: string; label: string } | undefined {
  if (action.actionTypeId.category !== 'Source') return undefined;
  const config = action.configuration ?? {};
  const branch = config.BranchName ?? '';
  const repository = config.RepositoryUrl ?? config.FullRepositoryId ?? config.RepositoryName ?? (config.Owner && config.Repo ? `${config.Owner}/${config.Repo}` : undefined);
  if (repository) return { key: `git:${repository}#${branch}`, label: branch ? `${repository} (${branch})` : repository };
  if (config.S3Bucket) return { key: `s3:${config.S3Bucket}/${config.S3ObjectKey ?? ''}`, label: `s3://${config.S3Bucket}/${config.S3ObjectKey ?? ''}` };
  if (config.ObjectKey) return { key: `upload:${config.ObjectKey}`, label: `upload ${config.ObjectKey}` };
  return undefined;
}

/**
 * The graph across the given pipelines (the latest definition of each): one node per pipeline, per source and per
 * environment, and the edges between them. An invoke naming a pipeline not among `pipelines` (absent, or one the
 * caller may not read) gives no edge and no node, so nothing about it is revealed. Deterministic: nodes and edges
 * sorted by id.
 */
export function pipelineGraph(pipelines: readonly PipelineDeclaration[]): PipelineGraph {
  const names = new Set(pipelines.map((p) => p.name));
  const nodes = new Map<string, PipelineGraphNode>();
  const edges = new Map<string, PipelineGraphEdge>();
  const node = (id: string, kind: PipelineGraphNodeKind, label: string, pipelineName: string | null): PipelineGraphNode => {
    let found = nodes.get(id);
    if (!found) nodes.set(id, (found = { id, kind, label, pipelineName, pipelineNames: [] }));
    return found;
  };
  const edge = (from: string, to: string, kind: PipelineGraphEdgeKind, via: string): void => {
    const key = `${from}\u0000${to}\u0000${kind}`;
    const found = edges.get(key) ?? { from, to, kind, via: [] };
    if (!found.via.includes(via)) found.via.push(via);
    edges.set(key, found);
  };
  const join = (shared: PipelineGraphNode, pipeline: string): void => {
    if (!shared.pipelineNames.includes(pipeline)) shared.pipelineNames.push(pipeline);
  };

  for (const pipeline of pipelines) {
    const self = node(`pipeline:${pipeline.name}`, 'PIPELINE', pipeline.name, pipeline.name);
    join(self, pipeline.name);
    for (const stage of pipeline.stages) {
      for (const action of stage.actions) {
        const via = `${stage.name}/${action.name}`;
        const source = sourceIdentity(action);
        if (source) {
          const sourceNode = node(`source:${source.key}`, 'SOURCE', source.label, null);
          join(sourceNode, pipeline.name);
          edge(sourceNode.id, self.id, 'SOURCE', via);
        }
        if (isInvokePipelineAction(action)) {
          const target = action.configuration?.PipelineName;
          if (target !== undefined && names.has(target)) edge(self.id, `pipeline:${target}`, 'INVOKES', via);
        }
        if (action.actionTypeId.category === 'Deploy' && action.environment) {
          const environment = node(`environment:${action.environment}`, 'ENVIRONMENT', action.environment, null);
          join(environment, pipeline.name);
          edge(self.id, environment.id, 'DEPLOYS_TO', via);
        }
      }
    }
  }
  const byId = <T>(key: (value: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  for (const found of nodes.values()) found.pipelineNames.sort();
  return {
    nodes: [...nodes.values()].sort(byId((n) => n.id)),
    edges: [...edges.values()].sort(byId((e) => `${e.from}\u0000${e.to}\u0000${e.kind}`)),
  };
}
