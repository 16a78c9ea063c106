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

  it('applies JMESPath and names a bad expression', () => {
    expect(applyQuery(answer, "pipelines[?version > `1`].name | [0]")).toBe('api');
    expect(() => applyQuery(answer, 'pipelines[')).toThrow(/--query/);
  });

  it('prints nothing for verbs without an answer', () => {
    expect(formatOutput(undefined, 'json', 'DeletePipeline')).toBe('');
  });
});
