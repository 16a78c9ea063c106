// The graph across pipelines (decision 0054): what `pipelineGraph` answers, each pipeline's state, and the layout,
// left to right by dependency (sources → pipelines, invokers before the pipelines they invoke → environments).
import { request, requestEach } from './graphql';

export interface GraphNode {
  id: string;
  kind: 'SOURCE' | 'PIPELINE' | 'ENVIRONMENT';
  label: string;
  pipelineName: string | null;
  pipelineNames: string[];
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: 'SOURCE' | 'INVOKES' | 'DEPLOYS_TO';
  via: string[];
}

export interface PipelineGraphData {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export async function loadPipelineGraph(): Promise<PipelineGraphData> {
  const data = await request<{ pipelineGraph: PipelineGraphData }>(
    'query Graph { pipelineGraph { nodes { id kind label pipelineName pipelineNames } edges { from to kind via } } }',
  );
  return data.pipelineGraph;
}

/** What a pipeline node shows: its newest execution's status, the stage running now, approvals waiting. */
export interface NodeState {
  status: string;
  executionId: string | null;
  runningStages: string[];
  waitingApprovals: string[];
}

interface StateAnswer {
  stageStates: Array<{
    stageName: string;
    latestExecution: { status: string } | null;
    actionStates: Array<{ actionName: string; latestExecution: { status: string; token: string | null } | null }>;
  }>;
}

/** The node state of a pipeline from its newest execution and its stage states. */
export function nodeStateOf(newest: { pipelineExecutionId: string; status: string } | undefined, state: StateAnswer | null | undefined): NodeState {
  const stages = state?.stageStates ?? [];
  return {
    status: newest?.status ?? 'None',
    executionId: newest?.pipelineExecutionId ?? null,
    runningStages: stages.filter((s) => s.latestExecution?.status === 'InProgress').map((s) => s.stageName),
    waitingApprovals: stages.flatMap((s) =>
      s.actionStates.filter((a) => a.latestExecution?.status === 'InProgress' && !!a.latestExecution.token).map((a) => `${s.stageName}/${a.actionName}`),
    ),
  };
}

const STATE_FIELDS = 'stageStates { stageName latestExecution { status } actionStates { actionName latestExecution { status token } } }';

/**
 * Each pipeline's state, 25 pipelines a request (two aliased fields each). A batch refused as a whole (a principal who
 * may read some of them but not their executions) is asked again one pipeline at a time; what is still refused has no state.
 */
export async function loadNodeStates(names: readonly string[]): Promise<Map<string, NodeState>> {
  const states = new Map<string, NodeState>();
  const ask = async (batch: readonly string[]) => {
    const query = `query NodeStates(${batch.map((_, i) => `$n${i}: String!`).join(', ')}) { ${batch
      .map((_, i) => `e${i}: listPipelineExecutions(pipelineName: $n${i}, first: 1) { nodes { pipelineExecutionId status } } s${i}: getPipelineState(name: $n${i}) { ${STATE_FIELDS} }`)
      .join(' ')} }`;
    const data = await requestEach<Record<string, unknown>>(query, Object.fromEntries(batch.map((name, i) => [`n${i}`, name])));
    batch.forEach((name, i) => {
      const newest = (data[`e${i}`] as { nodes: Array<{ pipelineExecutionId: string; status: string }> } | null | undefined)?.nodes[0];
      states.set(name, nodeStateOf(newest, data[`s${i}`] as StateAnswer | null | undefined));
    });
  };
  for (let start = 0; start < names.length; start += 25) {
    const batch = names.slice(start, start + 25);
    try {
      await ask(batch);
    } catch {
      for (const name of batch) await ask([name]).catch(() => undefined);
    }
  }
  return states;
}

export interface PlacedNode extends GraphNode {
  column: number;
  row: number;
  x: number;
  y: number;
}

export interface GraphLayout {
  nodes: PlacedNode[];
  edges: Array<GraphEdge & { path: string }>;
  width: number;
  height: number;
}

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 64;
const COLUMN_GAP = 70;
const ROW_GAP = 18;

/**
 * Columns: sources first, then pipelines by how many invokes lead to them (an invoked pipeline right of its invoker;
 * a cycle is cut where it closes), environments last. Within a column, nodes keep the answer's order (by id).
 */
export function layOut(graph: PipelineGraphData): GraphLayout {
  const invokedBy = new Map<string, string[]>();
  for (const edge of graph.edges) if (edge.kind === 'INVOKES') invokedBy.set(edge.to, [...(invokedBy.get(edge.to) ?? []), edge.from]);
  const depth = new Map<string, number>();
  const depthOf = (id: string, visiting: Set<string>): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    visiting.add(id);
    const parents = (invokedBy.get(id) ?? []).filter((parent) => !visiting.has(parent));
    const value = parents.length === 0 ? 0 : 1 + Math.max(...parents.map((parent) => depthOf(parent, visiting)));
    visiting.delete(id);
    depth.set(id, value);
    return value;
  };
  const pipelines = graph.nodes.filter((n) => n.kind === 'PIPELINE');
  for (const node of pipelines) depthOf(node.id, new Set());
  const deepest = Math.max(0, ...pipelines.map((n) => depth.get(n.id) ?? 0));
  const hasSources = graph.nodes.some((n) => n.kind === 'SOURCE');
  const first = hasSources ? 1 : 0;
  const columnOf = (node: GraphNode): number =>
    node.kind === 'SOURCE' ? 0 : node.kind === 'PIPELINE' ? first + (depth.get(node.id) ?? 0) : first + deepest + 1;
  const rows = new Map<number, number>();
  const placed = graph.nodes.map((node): PlacedNode => {
    const column = columnOf(node);
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    return { ...node, column, row, x: column * (NODE_WIDTH + COLUMN_GAP), y: row * (NODE_HEIGHT + ROW_GAP) };
  });
  const byId = new Map(placed.map((node) => [node.id, node]));
  const edges = graph.edges.flatMap((edge) => {
    const from = byId.get(edge.from);
    const to = byId.get(edge.to);
    if (!from || !to) return [];
    const x1 = from.x + NODE_WIDTH;
    const y1 = from.y + NODE_HEIGHT / 2;
    const x2 = to.x;
    const y2 = to.y + NODE_HEIGHT / 2;
    const bend = Math.max(30, Math.abs(x2 - x1) / 2);
    return [{ ...edge, path: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}` }];
  });
  const columns = Math.max(1, ...placed.map((n) => n.column + 1));
  const tallest = Math.max(1, ...rows.values());
  return { nodes: placed, edges, width: columns * NODE_WIDTH + (columns - 1) * COLUMN_GAP, height: tallest * NODE_HEIGHT + (tallest - 1) * ROW_GAP };
}
