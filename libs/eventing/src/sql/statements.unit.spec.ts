import { statements } from './statements';

describe('prepared statement names', () => {
  it('stay distinct and within PostgreSQL’s 63 bytes for any schema name up to its 63', () => {
    for (const schema of ['public', 'sluice', 'permissions_rebuild_test_0123456789abcdef', 'x'.repeat(63), `${'x'.repeat(62)}y`]) {
      const names = Object.values(statements(schema)).map((statement) => statement.name);
      expect(new Set(names).size).toBe(names.length);
      for (const name of names) expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
    }
  });

  it('differ between two long schemas with the same beginning', () => {
    expect(statements(`${'x'.repeat(40)}a`).readAll.name).not.toBe(statements(`${'x'.repeat(40)}b`).readAll.name);
  });
});
