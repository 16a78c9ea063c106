import { EventStoreInputError } from '../errors';

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function childPath(path: string, key: string): string {
  return identifier.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Throws EventStoreInputError naming the first value (by its path) that JSON would lose or refuse:
 * undefined (except as an object property, which JSON omits), functions, symbols, bigints,
 * NaN/Infinity, circular references, and objects that are neither plain nor have toJSON (Map, Set).
 */
export function assertJsonData(value: unknown, path: string): void {
  check(value, path, new Set());
}

function check(value: unknown, path: string, ancestors: Set<object>): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new EventStoreInputError(path, `is ${value}, which JSON cannot hold`);
      return;
    case 'undefined':
      throw new EventStoreInputError(path, 'is undefined, which JSON cannot hold');
    case 'bigint':
      throw new EventStoreInputError(path, 'is a bigint, which JSON cannot hold (pass it as a string)');
    case 'function':
    case 'symbol':
      throw new EventStoreInputError(path, `is a ${typeof value}, which JSON cannot hold`);
    case 'object':
      checkObject(value, path, ancestors);
      return;
  }
}

function checkObject(value: object | null, path: string, ancestors: Set<object>): void {
  if (value === null) return;
  if (ancestors.has(value)) throw new EventStoreInputError(path, 'is a circular reference');
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    ancestors.add(value);
    check(toJSON.call(value, ''), path, ancestors);
    ancestors.delete(value);
    return;
  }
  ancestors.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) check(value[i], `${path}[${i}]`, ancestors);
  } else {
    const tag = Object.prototype.toString.call(value);
    if (tag !== '[object Object]') throw new EventStoreInputError(path, `is a ${tag.slice(8, -1)}, which JSON would not keep`);
    for (const key of Object.keys(value)) {
      const child = (value as Record<string, unknown>)[key];
      if (child !== undefined) check(child, childPath(path, key), ancestors);
    }
  }
  ancestors.delete(value);
}

/** JSON text of a value that passed assertJsonData. */
export function toJsonText(value: unknown, path: string): string {
  assertJsonData(value, path);
  return JSON.stringify(value);
}
