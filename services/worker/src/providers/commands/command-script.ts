import type { ProviderJob } from '../action-provider';
import { ProviderFailure } from '../provider-failure';

const exportableName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The commands to run: the `Commands` configuration (one a line) or else the action's `commands` array. */
export function commandsOf(job: ProviderJob): string[] {
  const configured = job.configuration['Commands'];
  const commands = configured !== undefined && configured.trim() !== '' ? configured.split(/\r?\n/) : (job.commands ?? []);
  if (commands.every((command) => command.trim() === '')) throw new ProviderFailure('no commands: set the Commands configuration or the action\'s "commands"', 'ConfigurationError');
  return commands;
}

/**
 * The script `bash -e` runs: the commands in one shell (a `cd` or `export` carries to the next line),
 * then, if they all succeeded, the values of the action's `outputVariables` written NUL-separated to
 * `exportsFile` (a value may hold newlines).
 */
export function commandScript(commands: string[], outputVariables: string[], exportsFile: string): string {
  for (const name of outputVariables) {
    if (!exportableName.test(name)) throw new ProviderFailure(`output variable ${JSON.stringify(name)} is not a shell variable name`, 'ConfigurationError');
  }
  const lines = [...commands];
  if (outputVariables.length > 0) {
    lines.push(
      `for __sluice_name in ${outputVariables.join(' ')}; do`,
      `  if [ -n "\${!__sluice_name+set}" ]; then printf '%s\\0%s\\0' "$__sluice_name" "\${!__sluice_name}" >> ${shellQuote(exportsFile)}; fi`,
      'done',
    );
  }
  return `${lines.join('\n')}\n`;
}

export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
