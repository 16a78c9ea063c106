import { insertRows, preferLz4Sql, updatingAllBut } from './row-statements';

describe('insertRows', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => [`id-${i}`, i % 2 === 0 ? null : `{"n":${i}}`]);

  it('writes every row once, in order, each value its own parameter numbered from $1 in each statement', () => {
    const statements = insertRows('"s".t', ['id', 'doc'], rows(3), 'ON CONFLICT DO NOTHING');
    expect(statements).toEqual([
      { text: 'INSERT INTO "s".t (id, doc) VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING', params: ['id-0', null, 'id-1', '{"n":1}'] },
      { text: 'INSERT INTO "s".t (id, doc) VALUES ($1, $2) ON CONFLICT DO NOTHING', params: ['id-2', null] },
    ]);
  });

  it('splits any number of rows into statements of 32 rows and powers of two, so few shapes are prepared', () => {
    const shapes = new Set<string>();
    for (let n = 0; n <= 100; n++) {
      const statements = insertRows('t', ['id', 'doc'], rows(n), '');
      expect(statements.flatMap((statement) => statement.params)).toEqual(rows(n).flat());
      for (const statement of statements) shapes.add(statement.text);
    }
    expect([...shapes].map((text) => text.split('), (').length).sort((a, b) => a - b)).toEqual([1, 2, 4, 8, 16, 32]);
    expect(insertRows('t', ['id'], [], '')).toEqual([]);
  });

  it('refuses a row whose values do not match the columns', () => {
    expect(() => insertRows('t', ['id', 'doc'], [['a']], '')).toThrow('A row for t has 1 values for 2 columns (id, doc).');
  });
});

describe('updatingAllBut', () => {
  it('sets every column but the key from the row given', () => {
    expect(updatingAllBut('id', ['id', 'a', 'b'])).toBe('ON CONFLICT (id) DO UPDATE SET a = EXCLUDED.a, b = EXCLUDED.b');
  });
});

describe('preferLz4Sql', () => {
  it('is one line, so the schema script keeps it one statement', () => {
    expect(preferLz4Sql('"s".t', ['a', 'b'])).not.toContain('\n');
  });
});
