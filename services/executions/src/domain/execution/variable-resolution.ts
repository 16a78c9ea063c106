/**
 * `#{namespace.variable}` resolution, done when an action's job is created: the values are those of
 * this execution (its pipeline variables as resolved at start, the outputs of actions that ran before).
 */
export const PIPELINE_VARIABLES_NAMESPACE = 'variables';
export const CODEPIPELINE_NAMESPACE = 'codepipeline';
/** `#{secrets.Name}` stays as written here: its value is put in only when the job is handed to a worker (decision 0043). */
export const SECRETS_NAMESPACE = 'secrets';

// The same reference grammar as @sluice/domain's validation; text like `#{x}` without a dot is left alone.
const REFERENCE = /#\{([A-Za-z0-9@_-]+)\.([A-Za-z0-9@_.-]+)\}/g;

export interface VariableScope {
  executionId: string;
  pipelineVariables: Record<string, string>;
  namespaces: Record<string, Record<string, string>>;
}

export interface UnresolvedReference {
  /** Where, in the action, e.g. `configuration.Image`, `commands[2]`. */
  location: string;
  text: string;
  reason: string;
}

export type Resolution<T> = { resolved: true; value: T } | { resolved: false; unresolved: UnresolvedReference[] };

/** One `#{namespace.variable}` in a text, at [start, end). */
export interface Reference {
  start: number;
  end: number;
  text: string;
  namespace: string;
  variable: string;
}

export function referencesIn(text: string): Reference[] {
  return [...text.matchAll(REFERENCE)].map((match) => ({
    start: match.index,
    end: match.index + match[0].length,
    text: match[0],
    namespace: match[1]!,
    variable: match[2]!,
  }));
}

export function resolveText(text: string, location: string, scope: VariableScope): Resolution<string> {
  const unresolved: UnresolvedReference[] = [];
  const value = text.replace(REFERENCE, (whole: string, namespace: string, variable: string) => {
    const found = lookUp(namespace, variable, scope);
    if (typeof found === 'string') return found;
    unresolved.push({ location, text: whole, reason: found.reason });
    return whole;
  });
  return unresolved.length === 0 ? { resolved: true, value } : { resolved: false, unresolved };
}

/** Resolves every value of a record of texts; fails with every unresolved reference, not only the first. */
export function resolveRecord(values: Record<string, string>, location: string, scope: VariableScope): Resolution<Record<string, string>> {
  const keys = Object.keys(values);
  return collect(
    keys.map((key) => resolveText(values[key]!, `${location}.${key}`, scope)),
    (resolvedValues) => Object.fromEntries(keys.map((key, index) => [key, resolvedValues[index]!])),
  );
}

export function resolveList(values: readonly string[], location: string, scope: VariableScope): Resolution<string[]> {
  return collect(
    values.map((text, index) => resolveText(text, `${location}[${index}]`, scope)),
    (resolvedValues) => resolvedValues,
  );
}

export function describeUnresolved(unresolved: readonly UnresolvedReference[]): string {
  return unresolved.map((reference) => `${reference.text} in ${reference.location}: ${reference.reason}`).join('; ');
}

function collect<T>(resolutions: Resolution<string>[], build: (values: string[]) => T): Resolution<T> {
  const unresolved = resolutions.flatMap((resolution) => (resolution.resolved ? [] : resolution.unresolved));
  if (unresolved.length > 0) return { resolved: false, unresolved };
  return { resolved: true, value: build(resolutions.map((resolution) => (resolution.resolved ? resolution.value : ''))) };
}

/** The value of one reference in this execution, or why there is none. */
export function lookUp(namespace: string, variable: string, scope: VariableScope): string | { reason: string } {
  if (namespace === SECRETS_NAMESPACE) return `#{${SECRETS_NAMESPACE}.${variable}}`;
  if (namespace === CODEPIPELINE_NAMESPACE) {
    return variable === 'PipelineExecutionId' ? scope.executionId : { reason: `"codepipeline" has no variable "${variable}"` };
  }
  if (namespace === PIPELINE_VARIABLES_NAMESPACE) {
    return scope.pipelineVariables[variable] ?? { reason: `the pipeline has no variable "${variable}"` };
  }
  const values = scope.namespaces[namespace];
  if (!values) return { reason: `no action with the namespace "${namespace}" has succeeded in this execution` };
  return values[variable] ?? { reason: `the namespace "${namespace}" has no variable "${variable}"` };
}
