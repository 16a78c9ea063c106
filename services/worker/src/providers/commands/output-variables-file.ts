import { ProviderFailure } from '../provider-failure';

/** CodePipeline's variable name rule. */
const variableNamePattern = /^[A-Za-z0-9@_-]{1,128}$/;
export const MAX_OUTPUT_VARIABLES = 100;

/**
 * The `name=value` lines a command wrote to `$SLUICE_OUTPUT_VARIABLES`. The value is everything after
 * the first `=`; blank lines and `#` comments are skipped; a later line wins.
 */
export function parseOutputVariablesFile(text: string): Record<string, string> {
  const variables: Record<string, string> = {};
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) return;
    const separator = line.indexOf('=');
    const name = separator === -1 ? '' : line.slice(0, separator).trim();
    if (!variableNamePattern.test(name)) {
      throw new ProviderFailure(`line ${index + 1} of $SLUICE_OUTPUT_VARIABLES is not name=value with a name of letters, digits, @, _ or -: ${JSON.stringify(line.slice(0, 80))}`, 'JobFailed');
    }
    variables[name] = line.slice(separator + 1);
  });
  return variables;
}

/** Pairs of NUL-terminated name and value, as the script's export block writes them. */
export function parseExportedVariables(text: string): Record<string, string> {
  const fields = text.split('\0');
  const variables: Record<string, string> = {};
  for (let index = 0; index + 1 < fields.length; index += 2) variables[fields[index] ?? ''] = fields[index + 1] ?? '';
  return variables;
}

export function assertVariableCount(variables: Record<string, string>): Record<string, string> {
  const count = Object.keys(variables).length;
  if (count > MAX_OUTPUT_VARIABLES) throw new ProviderFailure(`${count} output variables, at most ${MAX_OUTPUT_VARIABLES} are allowed`, 'JobFailed');
  return variables;
}
