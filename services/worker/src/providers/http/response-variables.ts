/** CodePipeline's limits: 100 variables an action, names of letters, digits, `@`, `_` and `-`. */
export const MAX_RESPONSE_VARIABLES = 100;
const variableNamePattern = /^[A-Za-z0-9@_-]{1,128}$/;

/**
 * Output variables from a JSON object response: its top-level string, number and boolean fields
 * (nested objects, arrays and nulls are left out), the first 100 in document order.
 */
export function responseVariables(body: string): { variables: Record<string, string>; skipped: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { variables: {}, skipped: 0 };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { variables: {}, skipped: 0 };
  const variables: Record<string, string> = {};
  let skipped = 0;
  for (const [name, value] of Object.entries(parsed)) {
    if (!variableNamePattern.test(name) || !['string', 'number', 'boolean'].includes(typeof value)) continue;
    if (Object.keys(variables).length >= MAX_RESPONSE_VARIABLES) skipped += 1;
    else variables[name] = String(value);
  }
  return { variables, skipped };
}
