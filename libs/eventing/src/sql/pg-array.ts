/**
 * A PostgreSQL array literal of text elements (`{"a","b\"c",NULL}`), so both adapters pass
 * arrays the same way: as one text parameter cast in SQL (`$1::json[]`).
 */
export function toArrayLiteral(values: readonly (string | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const value = values[i];
    out += value === null || value === undefined ? 'NULL' : `"${value.replace(/[\\"]/g, '\\$&')}"`;
  }
  return out + '}';
}
