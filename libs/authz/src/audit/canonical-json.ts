/**
 * The one serialization audit hashes are computed over, RFC 8785 (JCS) for the values audit records
 * hold: object keys sorted by UTF-16 code units, no whitespace, strings and numbers as
 * `JSON.stringify` writes them, properties whose value is `undefined` left out. Anything JSON cannot
 * carry exactly (non-finite numbers, bigint, functions, Dates and other class instances) is refused,
 * because a hash over a lossy form would not detect a change to it.
 */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue | undefined };

export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${path} is ${value}, which JSON cannot hold.`);
      return JSON.stringify(value);
    case 'object':
      return Array.isArray(value) ? writeArray(value, path) : writeObject(value, path);
    case 'undefined':
    case 'bigint':
    case 'symbol':
    case 'function':
      throw new TypeError(`${path} is a ${typeof value}, which canonical JSON cannot hold.`);
  }
  throw new TypeError(`${path} is not a JSON value.`);
}

function writeArray(items: readonly unknown[], path: string): string {
  return `[${items.map((item, index) => write(item === undefined ? null : item, `${path}[${index}]`)).join(',')}]`;
}

function writeObject(object: object, path: string): string {
  // Plain objects of any realm (a structured clone, a VM context) have a prototype whose prototype is null.
  const prototype: object | null = Object.getPrototypeOf(object);
  if (prototype !== null && Object.getPrototypeOf(prototype) !== null) {
    throw new TypeError(`${path} is a ${object.constructor?.name ?? 'class'} instance; convert it to plain JSON first (e.g. a Date to an ISO string).`);
  }
  const entries = Object.entries(object).filter(([, item]) => item !== undefined);
  // Default sort compares UTF-16 code units, which is what RFC 8785 prescribes.
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${write(item, `${path}.${key}`)}`).join(',')}}`;
}
