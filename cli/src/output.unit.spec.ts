import { applyQuery, formatOutput } from './output';

const answer = {
  pipelines: [
    { name: 'api', version: 3, created: '2026-01-01' },
    { name: 'web', version: 1, created: '2026-01-02' },
  ],
  nextToken: 'abc',
};

describe('output', () => {
  it('prints JSON with four spaces, as the AWS CLI does', () => {
    expect(formatOutput({ a: 1 }, 'json', 'X')).toBe('{\n    "a": 1\n}\n');
  });

  it('prints text as tab-separated lines, lists under their key in capitals', () => {
    expect(formatOutput(answer, 'text', 'ListPipelines')).toBe('abc\nPIPELINES\tapi\t3\t2026-01-01\nPIPELINES\tweb\t1\t2026-01-02\n');
    expect(formatOutput(applyQuery(answer, 'pipelines[].name'), 'text', 'X')).toBe('api\tweb\n');
    expect(formatOutput('plain', 'text', 'X')).toBe('plain\n');
  });

  it('prints a table per list of objects with a column per field', () => {
    const table = formatOutput(answer, 'table', 'ListPipelines');
    expect(table).toContain('| name | version | created    |');
    expect(table).toContain('| web  | 1       | 2026-01-02 |');
    expect(table.split('\n')[0]).toBe('ListPipelines');
  });

  it('renders nested values as child tables under the row they belong to, never [object Object]', () => {
    const state = {
      pipelineName: 'web',
      stageStates: [
        { stageName: 'Build', latestExecution: { status: 'Succeeded', pipelineExecutionId: 'e1' }, actionStates: [{ actionName: 'Compile', latestExecution: { status: 'Succeeded' } }] },
        { stageName: 'Deploy', latestExecution: null, actionStates: [{ actionName: 'Ship', latestExecution: null }] },
      ],
      tags: ['a', 'b'],
    };
    const table = formatOutput(state, 'table', 'GetPipelineState');
    expect(table).not.toContain('[object Object]');
    expect(table).toContain('| tags         | a, b |');
    const lines = table.split('\n');
    const at = (text: string) => lines.findIndex((line) => line.includes(text));
    // Build's row, then Build's execution and actions, then Deploy's row: each child right under its parent.
    expect(at('| Build ')).toBeGreaterThan(0);
    expect(at('| Build ')).toBeLessThan(at('| pipelineExecutionId | e1 '));
    expect(at('| pipelineExecutionId | e1 ')).toBeLessThan(at('| Compile '));
    expect(at('| Compile ')).toBeLessThan(at('| Deploy '));
    expect(lines[at('| Compile ')]).toMatch(/^ {4}\| Compile /);
    expect(lines[at('| Deploy ')]).toMatch(/^ {2}\| Deploy +\|$/);
    expect(lines[at('| Ship ')]).toMatch(/^ {4}\| Ship +\| None +\|$/);
  });

  it('keeps every line within the width, cutting the widest cells with …', () => {
    const long = { executions: [{ id: 'x'.repeat(80), summary: 'a very long summary '.repeat(10), status: 'Failed' }] };
    for (const width of [100, 60]) {
      const lines = formatOutput(long, 'table', 'ListPipelineExecutions', width).trimEnd().split('\n');
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(width);
      expect(lines.some((line) => line.includes('…'))).toBe(true);
      expect(lines.some((line) => line.includes('| Failed |'))).toBe(true);
    }
    expect(formatOutput({ note: 'one\ntwo' }, 'table', 'X')).toContain('| note | one two |');
  });

  it('applies JMESPath and names a bad expression', () => {
    expect(applyQuery(answer, "pipelines[?version > `1`].name | [0]")).toBe('api');
    expect(() => applyQuery(answer, 'pipelines[')).toThrow(/--query/);
  });

  it('prints nothing for verbs without an answer', () => {
    expect(formatOutput(undefined, 'json', 'DeletePipeline')).toBe('');
  });
});
