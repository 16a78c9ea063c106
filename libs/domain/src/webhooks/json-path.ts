/**
 * The JSONPath of CodePipeline's webhook filters, the subset Sluice evaluates: `$` then `.name`, `['name']`,
 * `["name"]` and `[index]` steps (`$.ref`, `$.repository.name`, `$.commits[0].id`). Wildcards, slices, filters
 * and recursive descent select many values, which `matchEquals` cannot compare against: they are refused when the
 * webhook is put, never guessed at delivery.
 */
export type JsonPathStep = { kind: 'member'; name: string } | { kind: 'index'; index: number };

export const MAX_JSON_PATH_LENGTH = 150;

const STEP = /^(?:\.([A-Za-z_$][A-Za-z0-9_$-]*)|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]|\[(\d{1,9})\])/;

/** The steps of `path`, or why it is not a path Sluice evaluates. */
export function parseJsonPath(path: string): { ok: true; steps: JsonPathStep[] } | { ok: false; problem: string } {
  if (path.length === 0 || path.length > MAX_JSON_PATH_LENGTH) return { ok: false, problem: `a JSONPath has 1 to ${MAX_JSON_PATH_LENGTH} characters` };
  if (!path.startsWith('$')) return { ok: false, problem: `'${path}' does not start with '$'` };
  const steps: JsonPathStep[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    const match = STEP.exec(rest);
    if (!match) {
      return { ok: false, problem: `'${path}' has '${rest}' where a .name, ['name'] or [index] step was expected (wildcards, slices, filters and '..' select several values and are not supported)` };
    }
    const [whole, dotted, single, double, index] = match;
    if (index !== undefined) steps.push({ kind: 'index', index: Number(index) });
    else steps.push({ kind: 'member', name: (dotted ?? single ?? double ?? '').replace(/\\(.)/g, '$1') });
    rest = rest.slice(whole.length);
  }
  return { ok: true, steps };
}

/** The scalar at `steps` in `document` as a string (as CodePipeline compares it), or undefined when there is none. */
export function selectJsonPath(document: unknown, steps: readonly JsonPathStep[]): string | undefined {
  let current: unknown = document;
  for (const step of steps) {
    if (step.kind === 'index') {
      if (!Array.isArray(current) || step.index >= current.length) return undefined;
      current = current[step.index];
    } else {
      if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.hasOwn(current, step.name)) return undefined;
      current = (current as Record<string, unknown>)[step.name];
    }
  }
  return typeof current === 'string' || typeof current === 'number' || typeof current === 'boolean' ? String(current) : undefined;
}
