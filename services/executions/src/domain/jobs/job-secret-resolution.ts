import type { JobSpec } from '@sluice/contracts';

/**
 * Puts the account's secrets into a job as it is handed to a worker (decision 0043): pure, given the values opened.
 * SECRETS_MANAGER environment variables (`Name` or AWS's `Name:json-key`, and the commands' `#{secrets.Name}`, which
 * job creation turned into such variables) get the value; `#{secrets.Name}` in configuration is replaced. Only names
 * of `spec.secretNames` (what the action's own declaration references) resolve. A problem names the secret and
 * where, never a value.
 */
export type SecretResolution = { ok: true; spec: JobSpec; values: string[] } | { ok: false; message: string };

const IN_TEXT = /#\{secrets\.([A-Za-z0-9@_.-]+)\}/g;

export function resolveJobSecrets(spec: JobSpec, values: ReadonlyMap<string, string>): SecretResolution {
  const allowed = new Set(spec.secretNames ?? []);
  const problems: string[] = [];
  const used: string[] = [];
  const valueOf = (name: string, where: string): string | undefined => {
    if (!allowed.has(name)) {
      problems.push(`${where} names the secret "${name}", which this action's definition does not reference`);
      return undefined;
    }
    const value = values.get(name);
    if (value === undefined) problems.push(`${where}: the secret "${name}" does not exist in this account (deleted since the definition was saved?)`);
    return value;
  };
  const environmentVariables = spec.environmentVariables.map((variable, index) => {
    if (variable.type !== 'SECRETS_MANAGER') return variable;
    const where = `environmentVariables[${index}] (${variable.name})`;
    const colon = variable.value.indexOf(':');
    const name = colon < 0 ? variable.value : variable.value.slice(0, colon);
    const value = valueOf(name, where);
    if (value === undefined) return variable;
    if (colon < 0) {
      used.push(value);
      return { ...variable, value };
    }
    const key = variable.value.slice(colon + 1);
    const picked = jsonKeyOf(value, key);
    if (typeof picked !== 'string') {
      problems.push(`${where}: ${picked.problem}`);
      return variable;
    }
    used.push(value, picked);
    return { ...variable, value: picked };
  });
  const configuration = Object.fromEntries(
    Object.entries(spec.configuration).map(([key, text]) => [
      key,
      text.replace(IN_TEXT, (whole, name: string) => {
        // Text a variable's value brought in is data: only the declaration's own references resolve.
        if (!allowed.has(name)) return whole;
        const value = valueOf(name, `configuration.${key}`);
        if (value === undefined) return whole;
        used.push(value);
        return value;
      }),
    ]),
  );
  if (problems.length > 0) return { ok: false, message: `The job could not receive its secrets: ${problems.join('; ')}.` };
  return { ok: true, spec: { ...spec, environmentVariables, configuration }, values: [...new Set(used)] };
}

/** The names a job needs opened: its SECRETS_MANAGER variables' and its configuration's, of those it may receive. */
export function secretNamesToOpen(spec: JobSpec): string[] {
  const allowed = new Set(spec.secretNames ?? []);
  const wanted = new Set<string>();
  for (const variable of spec.environmentVariables) {
    if (variable.type === 'SECRETS_MANAGER') wanted.add(variable.value.split(':')[0]!);
  }
  for (const text of Object.values(spec.configuration)) for (const match of text.matchAll(IN_TEXT)) wanted.add(match[1]!);
  return [...wanted].filter((name) => allowed.has(name)).sort();
}

/** AWS's `name:json-key`: the secret's value is a JSON object; the key's value, as text (a non-string is its JSON). */
function jsonKeyOf(secret: string, key: string): string | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secret);
  } catch {
    return { problem: `the secret is not JSON, so it has no key "${key}"` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || !Object.hasOwn(parsed, key)) return { problem: `the secret's JSON has no key "${key}"` };
  const value = (parsed as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : JSON.stringify(value);
}
