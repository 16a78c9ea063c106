import { describe, expect, it } from '@jest/globals';
import { layOut, NODE_HEIGHT, NODE_WIDTH, type GraphEdge, type GraphNode } from './pipeline-graph';

const node = (kind: GraphNode['kind'], id: string): GraphNode => ({ id, kind, label: id, pipelineName: kind === 'PIPELINE' ? id : null, pipelineNames: [] });
const edge = (kind: GraphEdge['kind'], from: string, to: string): GraphEdge => ({ from, to, kind, via: [] });

// The graph of the dashboard's browser test: a repository shared by shop-api and shop-web, release invoking shop-web.
const graph = {
  nodes: [
    node('ENVIRONMENT', 'environment:staging'),
    node('PIPELINE', 'pipeline:docs'),
    node('PIPELINE', 'pipeline:release'),
    node('PIPELINE', 'pipeline:shop-api'),
    node('PIPELINE', 'pipeline:shop-web'),
    node('SOURCE', 'source:docs'),
    node('SOURCE', 'source:release'),
    node('SOURCE', 'source:shop'),
  ],
  edges: [
    edge('SOURCE', 'source:docs', 'pipeline:docs'),
    edge('SOURCE', 'source:release', 'pipeline:release'),
    edge('SOURCE', 'source:shop', 'pipeline:shop-api'),
    edge('SOURCE', 'source:shop', 'pipeline:shop-web'),
    edge('INVOKES', 'pipeline:release', 'pipeline:shop-web'),
    edge('DEPLOYS_TO', 'pipeline:shop-api', 'environment:staging'),
    edge('DEPLOYS_TO', 'pipeline:shop-web', 'environment:staging'),
  ],
};

/** Points along an SVG path of M, C and L commands (each cubic sampled), to test where a drawn edge goes. */
function pointsOf(path: string): Array<[number, number]> {
  const tokens = path.match(/[MCL]|-?\d+(\.\d+)?/g)!;
  const points: Array<[number, number]> = [];
  let at: [number, number] = [0, 0];
  for (let i = 0; i < tokens.length; ) {
    const command = tokens[i++]!;
    const take = (): [number, number] => [Number(tokens[i++]), Number(tokens[i++])];
    if (command === 'M') points.push((at = take()));
    else if (command === 'L') {
      const to = take();
      for (let t = 0; t <= 1; t += 0.05) points.push([at[0] + (to[0] - at[0]) * t, at[1] + (to[1] - at[1]) * t]);
      at = to;
    } else {
      const [c1, c2, to] = [take(), take(), take()];
      for (let t = 0; t <= 1; t += 0.05) {
        const u = 1 - t;
        points.push([0, 1].map((k) => u ** 3 * at[k]! + 3 * u * u * t * c1[k]! + 3 * u * t * t * c2[k]! + t ** 3 * to[k]!) as [number, number]);
      }
      at = to;
    }
  }
  return points;
}

describe('the layout of the graph across pipelines', () => {
  const layout = layOut(graph);
  const placed = new Map(layout.nodes.map((n) => [n.id, n]));

  it('goes left to right: sources, invokers, the pipelines they invoke, environments', () => {
    const column = (id: string) => placed.get(id)!.column;
    expect(column('source:shop')).toBe(0);
    expect(column('pipeline:release')).toBe(1);
    expect(column('pipeline:shop-web')).toBe(2);
    expect(column('environment:staging')).toBe(3);
  });

  it('puts each source level with the first pipeline it feeds', () => {
    const sourcesByRow = layout.nodes.filter((n) => n.kind === 'SOURCE').sort((a, b) => a.row - b.row).map((n) => n.id);
    expect(sourcesByRow).toEqual(['source:docs', 'source:release', 'source:shop']);
  });

  it('draws no edge behind a node it does not join, and keeps every edge inside the drawing', () => {
    for (const drawn of layout.edges) {
      for (const [x, y] of pointsOf(drawn.path)) {
        expect(y).toBeGreaterThanOrEqual(-8);
        expect(y).toBeLessThanOrEqual(layout.height + 8);
        for (const other of layout.nodes) {
          if (other.id === drawn.from || other.id === drawn.to) continue;
          const inside = x > other.x + 1 && x < other.x + NODE_WIDTH - 1 && y > other.y + 1 && y < other.y + NODE_HEIGHT - 1;
          if (inside) throw new Error(`${drawn.from} → ${drawn.to} passes behind ${other.id} at (${x.toFixed(0)}, ${y.toFixed(0)})`);
        }
      }
    }
  });
});
