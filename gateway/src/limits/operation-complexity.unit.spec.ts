import { buildSchema, getIntrospectionQuery, parse } from 'graphql';
import { complexityRefusal, measureOf, queryBytesRefusal, QUERY_TOO_COMPLEX } from './operation-complexity';
import { DEFAULT_GATEWAY_LIMITS } from './limits-config';

const limits = DEFAULT_GATEWAY_LIMITS.graphql;
const refusalOf = (query: string, options: Parameters<typeof complexityRefusal>[2] = {}) => complexityRefusal(parse(query), limits, options);

const schema = buildSchema(`
  type Query {
    listPipelineExecutions(pipelineName: String!, first: Int = 100): Connection!
    actionLogs(first: Int): Logs!
    getPipeline(name: String!): Pipeline
  }
  type Connection { nodes: [Execution!]! }
  type Execution { id: ID! status: String! }
  type Logs { entries: [Entry!]! }
  type Entry { cursor: String stageName: String actionName: String actionExecutionId: String stream: String chunk: String at: String }
  type Pipeline { name: String! state: State }
  type State { stages: [Stage!]! }
  type Stage { name: String! actions: [Action!]! }
  type Action { name: String! latest: Latest }
  type Latest { status: String summary: String }
`);

describe('the GraphQL limits', () => {
  it('let the queries Sluice itself sends through: introspection, the dashboard, a worker acknowledging 100 jobs', () => {
    expect(refusalOf(getIntrospectionQuery())).toBeUndefined();
    expect(measureOf(parse(getIntrospectionQuery()))).toMatchObject({ depth: 1, rootFields: 1 });
    const logs = 'query($id: ID!) { actionLogs(pipelineExecutionId: $id, first: 5000) { entries { cursor stageName actionName actionExecutionId stream chunk at } endCursor hasNextPage } }';
    expect(refusalOf(logs)).toBeUndefined();
    expect(measureOf(parse(logs)).cost).toBe(1 + 5000 * 10);
    const acks = `mutation { ${Array.from({ length: 100 }, (_, i) => `a${i}: acknowledgeJob(jobId: "j${i}", nonce: "n") { status }`).join(' ')} }`;
    expect(refusalOf(acks)).toBeUndefined();
    const view = '{ getPipeline(name: "web") { name state { stages { name actions { name latest { status summary } } } } } }';
    expect(measureOf(parse(view)).depth).toBe(6);
  });

  it('refuses 20,000 aliases at the first alias over the limit, naming the limit and its variable', () => {
    const query = `{ ${Array.from({ length: 20_000 }, (_, i) => `a${i}: getPipeline(name: "web") { name }`).join(' ')} }`;
    const document = parse(query);
    const started = performance.now();
    const refusal = complexityRefusal(document, limits);
    expect(performance.now() - started).toBeLessThan(50);
    expect(refusal?.extensions).toMatchObject({ code: QUERY_TOO_COMPLEX, limit: 'maxAliases', value: 101, max: 100, http: { status: 400 } });
    expect(refusal?.message).toBe('Query too complex: 101 aliased fields, over the limit of 100 (SLUICE_GRAPHQL_MAX_ALIASES). Ask for less in one request.');
    // And before that, it is larger than the query size limit: refused before it is even parsed.
    expect(queryBytesRefusal(query, limits)?.extensions).toMatchObject({ code: QUERY_TOO_COMPLEX, limit: 'maxQueryBytes', max: 131072 });
  });

  it('counts aliases in fragments, also unused ones (validation reads them all), and each use of a fragment', () => {
    const fragment = Array.from({ length: 60 }, (_, i) => `x${i}: name`).join(' ');
    expect(refusalOf(`{ getPipeline(name: "a") { ...F } } fragment F on Pipeline { ${fragment} }`)).toBeUndefined();
    expect(refusalOf(`{ getPipeline(name: "a") { ...F } } fragment F on Pipeline { ${fragment} } fragment G on Pipeline { ${fragment} }`)?.extensions.limit).toBe('maxAliases');
    expect(refusalOf(`{ a: getPipeline(name: "a") { ...F } b: getPipeline(name: "b") { ...F } } fragment F on Pipeline { ${fragment} }`)?.extensions.limit).toBe('maxAliases');
  });

  it('refuses depth, root fields and cost over their limits', () => {
    const deep = `{ ${'a { '.repeat(12)}b${' }'.repeat(12)} }`;
    expect(refusalOf(deep)?.extensions).toMatchObject({ limit: 'maxDepth', value: 13, max: 12 });
    expect(refusalOf(`{ ${'getPipeline(name: "a") { name } '.repeat(101)} }`)?.extensions).toMatchObject({ limit: 'maxRootFields', value: 101 });
    const logs = (alias: string) => `${alias}: actionLogs(first: 5000) { entries { cursor stageName actionName actionExecutionId stream chunk at } }`;
    expect(refusalOf(`{ ${logs('a')} }`)).toBeUndefined();
    expect(refusalOf(`{ ${logs('a')} ${logs('b')} ${logs('c')} }`)?.extensions).toMatchObject({ limit: 'maxCost', max: 100_000 });
  });

  it('multiplies by page sizes given as variables, or declared as defaults in the schema', () => {
    const query = 'query($n: Int) { listPipelineExecutions(pipelineName: "web", first: $n) { nodes { id status } } }';
    expect(measureOf(parse(query), { variables: { n: 1000 } }).cost).toBe(1 + 1000 * 3);
    expect(measureOf(parse('{ listPipelineExecutions(pipelineName: "web") { nodes { id status } } }'), { schema }).cost).toBe(1 + 100 * 3);
    expect(measureOf(parse('query($n: Int = 7) { listPipelineExecutions(pipelineName: "web", first: $n) { nodes { id } } }'), { schema }).cost).toBe(1 + 7 * 2);
    expect(measureOf(parse('{ listPipelineExecutions(pipelineName: "web", first: 0) { nodes { id } } }')).cost).toBe(3);
    const nested = '{ a: listPipelineExecutions(pipelineName: "web", first: 1000000) { nodes { b: listPipelineExecutions(pipelineName: "x", first: 1000000) { nodes { id } } } } }';
    expect(refusalOf(nested)?.extensions.limit).toBe('maxCost');
  });

  it('stops a fragment bomb early: each spread twice, 40 levels deep, costs bounded work', () => {
    const fragments = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Pipeline { ...F${i + 1} ...F${i + 1} }`).join('\n');
    const query = `{ getPipeline(name: "a") { ...F0 } }\n${fragments}\nfragment F40 on Pipeline { name }`;
    // The work is this process's CPU time, not the wall clock: other suites share the cores, and the bound is on work.
    // ~0.25 s on a quiet machine; a walk that did not stop at the cost limit would visit 2^40 spreads (hours), so 5 s
    // still tells the two apart, where 1 s failed once on a loaded CI machine (1.003 s: the jest worker's own threads
    // count in the process's CPU time too).
    refusalOf(`{ getPipeline(name: "a") { name } }`);
    const before = process.cpuUsage();
    expect(refusalOf(query)?.extensions.limit).toBe('maxCost');
    const used = process.cpuUsage(before);
    expect((used.user + used.system) / 1_000).toBeLessThan(5_000);
  });

  it('does not loop on a fragment cycle (validation reports it)', () => {
    expect(refusalOf('{ getPipeline(name: "a") { ...A } } fragment A on Pipeline { name ...B } fragment B on Pipeline { ...A }')).toBeUndefined();
  });

  it('measures the query size in UTF-8 bytes', () => {
    expect(queryBytesRefusal('{ a }', { maxQueryBytes: 64 })).toBeUndefined();
    expect(queryBytesRefusal(`{ a(x: "${'é'.repeat(40)}") }`, { maxQueryBytes: 64 })?.extensions).toMatchObject({ limit: 'maxQueryBytes', value: 92, max: 64 });
  });
});
