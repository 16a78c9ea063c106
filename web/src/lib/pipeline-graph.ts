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
  const place = (node: GraphNode): PlacedNode => {
    const column = columnOf(node);
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    return { ...node, column, row, x: column * (NODE_WIDTH + COLUMN_GAP), y: row * (NODE_HEIGHT + ROW_GAP) };
  };
  // Pipelines and environments first, in the answer's order; then the sources, each level with the nearest pipeline
  // it feeds (the one in the lowest column): fewer crossings than the answer's order.
  const placedOthers = graph.nodes.filter((n) => n.kind !== 'SOURCE').map(place);
  const placedOther = new Map(placedOthers.map((node) => [node.id, node]));
  const firstFed = (source: GraphNode): number => {
    const fed = graph.edges.filter((e) => e.from === source.id).flatMap((e) => placedOther.get(e.to) ?? []);
    fed.sort((a, b) => a.column - b.column || a.row - b.row);
    return fed[0]?.row ?? Number.MAX_SAFE_INTEGER;
  };
  const sources = graph.nodes.filter((n) => n.kind === 'SOURCE');
  const placedSources = sources
    .map((node, index) => ({ node, index, fed: firstFed(node) }))
    .sort((a, b) => a.fed - b.fed || a.index - b.index)
    .map(({ node }) => place(node));
  const placedById = new Map([...placedSources, ...placedOthers].map((node) => [node.id, node]));
  const placed = graph.nodes.map((node) => placedById.get(node.id)!);
  const byId = placedById;
  const tallestColumn = Math.max(1, ...rows.values());
  const edges = graph.edges.flatMap((edge) => {
    const from = byId.get(edge.from);
    const to = byId.get(edge.to);
    if (!from || !to) return [];
    const x1 = from.x + NODE_WIDTH;
    const y1 = from.y + NODE_HEIGHT / 2;
    const x2 = to.x;
    const y2 = to.y + NODE_HEIGHT / 2;
    if (to.column - from.column <= 1) {
      const bend = Math.max(30, Math.abs(x2 - x1) / 2);
      return [{ ...edge, path: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}` }];
    }
    // Across columns between: along the gap between two rows (the one nearest the target), never behind a node.
    // The gaps below each row (the last one below the lowest row, inside the drawing's bottom margin).
    const gaps = Array.from({ length: tallestColumn }, (_, k) => (k + 1) * (NODE_HEIGHT + ROW_GAP) - ROW_GAP / 2);
    const lane = gaps.reduce((best, gap) => (Math.abs(gap - y2) < Math.abs(best - y2) ? gap : best), gaps[0]!);
    const xa = x1 + COLUMN_GAP;
    const xb = x2 - COLUMN_GAP;
    const half = COLUMN_GAP / 2;
    return [{ ...edge, path: `M${x1},${y1} C${x1 + half},${y1} ${xa - half},${lane} ${xa},${lane} L${xb},${lane} C${xb + half},${lane} ${x2 - half},${y2} ${x2},${y2}` }];
  });
  const columns = Math.max(1, ...placed.map((n) => n.column + 1));
  const tallest = tallestColumn;
  return { nodes: placed, edges, width: columns * NODE_WIDTH + (columns - 1) * COLUMN_GAP, height: tallest * (NODE_HEIGHT + ROW_GAP) };
}
