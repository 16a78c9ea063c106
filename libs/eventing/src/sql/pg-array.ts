const NEEDS_ESCAPE = /[\\"]/;
const ESCAPED = /[\\"]/g;

/**
 * A PostgreSQL array literal of text elements (`{"a","b\"c",NULL}`), so both adapters pass
 * arrays the same way: as one text parameter cast in SQL (`$1::json[]`).
 */
export function toArrayLiteral(values: readonly (string | null)[]): string {
  const elements = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    // Most elements need no escape: testing first skips a replace (a new string) per element.
    elements[i] = value === null || value === undefined ? 'NULL' : NEEDS_ESCAPE.test(value) ? `"${value.replace(ESCAPED, '\\$&')}"` : `"${value}"`;
  }
  return `{${elements.join(',')}}`;
}
