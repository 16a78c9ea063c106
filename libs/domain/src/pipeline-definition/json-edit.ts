/** Test helper: copies a JSON value and applies edits at paths, to write invalid variants of a valid definition. */

export type JsonPathSegments = ReadonlyArray<string | number>;

export type JsonEdit =
  | { set: JsonPathSegments; to: unknown }
  | { remove: JsonPathSegments }
  | { push: JsonPathSegments; value: unknown };

export function edited(base: unknown, ...edits: JsonEdit[]): unknown {
  const copy: unknown = structuredClone(base);
  for (const change of edits) {
    if ('set' in change) assign(copy, change.set, () => change.to);
    else if ('remove' in change) assign(copy, change.remove, () => undefined, true);
    else assign(copy, change.push, (current) => [...(Array.isArray(current) ? current : []), change.value]);
  }
  return copy;
}

function assign(root: unknown, path: JsonPathSegments, next: (current: unknown) => unknown, remove = false): void {
  let container: unknown = root;
  for (const segment of path.slice(0, -1)) container = child(container, segment);
  const last = path[path.length - 1];
  if (Array.isArray(container) && typeof last === 'number') {
    container[last] = next(container[last]);
  } else if (typeof container === 'object' && container !== null && typeof last === 'string') {
    const record = container as Record<string, unknown>;
    if (remove) delete record[last];
    else record[last] = next(record[last]);
  } else {
    throw new Error(`cannot edit at ${path.join('.')}`);
  }
}

function child(container: unknown, segment: string | number): unknown {
  if (Array.isArray(container) && typeof segment === 'number') return container[segment];
  if (typeof container === 'object' && container !== null && typeof segment === 'string') return (container as Record<string, unknown>)[segment];
  throw new Error(`no ${segment} here`);
}
