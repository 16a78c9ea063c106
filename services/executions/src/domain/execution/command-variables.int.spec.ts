import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveCommands } from './command-variables';
import type { VariableScope } from './variable-resolution';

/**
 * The resolved commands run through real bash, as the worker runs them (one script, the references'
 * variables in the environment), with values meant to break out: each must print exactly the value.
 */
let workDir: string;
beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'sluice-command-variables-'));
  // Files an unquoted * would match.
  for (const name of ['a-file', 'b-file']) writeFileSync(join(workDir, name), '');
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const HOSTILE_VALUES = [
  'x; echo INJECTED',
  'x && echo INJECTED',
  'x | tee INJECTED',
  '$(echo INJECTED)',
  '`echo INJECTED`',
  "'",
  "it's",
  `'; echo INJECTED; '`,
  '"',
  `"; echo INJECTED; "`,
  '\\',
  'ends with \\',
  '\\n and \\t and \\$x',
  'two\nlines',
  'ends with a newline\n',
  '\n; echo INJECTED\n',
  '$HOME',
  '${HOME}',
  "$'\\x41'",
  '*',
  '-n',
  '-e \\t',
  '',
  '  spaced   out  ',
  'tab\there',
  '}{)(][#',
  '#{variables.V}',
  'EOF',
];

/** Where the author wrote the reference, and what bash must print for the value `v`. */
const PLACES: Array<[string, string[], (v: string) => string]> = [
  ['unquoted', ["printf '[%s]' #{variables.V}"], (v) => `[${v}]`],
  ['unquoted, glued to other text', ["printf '[%s]' pre-#{variables.V}-post"], (v) => `[pre-${v}-post]`],
  ['double quoted', ['printf \'[%s]\' "deploying to #{variables.V}!"'], (v) => `[deploying to ${v}!]`],
  ['single quoted', ["printf '[%s]' 'deploying to #{variables.V}!'"], (v) => `[deploying to ${v}!]`],
  ["in $'…', escapes around it", ["printf '[%s]' $'\\t#{variables.V}\\t'"], (v) => `[\t${v}\t]`],
  ['in $"…"', ['printf \'[%s]\' $"to #{variables.V}"'], (v) => `[to ${v}]`],
  ['the three quotings glued', ['printf \'[%s]\' #{variables.V}\'#{variables.V}\'"#{variables.V}"'], (v) => `[${v}${v}${v}]`],
  ['in $(…) inside double quotes', ['printf \'[%s]\' "$(printf \'%s\' #{variables.V})"'], (v) => `[${withoutTrailingNewlines(v)}]`],
  ['in `…` inside double quotes', ["printf '[%s]' \"`printf '%s' #{variables.V}`\""], (v) => `[${withoutTrailingNewlines(v)}]`],
  ['between \\" in `…` inside double quotes', ["printf '[%s]' \"`printf '%s' \\\"#{variables.V}\\\"`\""], (v) => `[${withoutTrailingNewlines(v)}]`],
  ['after a backslash, unquoted', ["printf '[%s]' \\#{variables.V}"], (v) => `[${v}]`],
  ['after a backslash, double quoted', ['printf \'[%s]\' "\\#{variables.V}"'], (v) => `[\\${v}]`],
  ['after a backslash, single quoted', ["printf '[%s]' '\\#{variables.V}'"], (v) => `[\\${v}]`],
  ["after a backslash, in $'…'", ["printf '[%s]' $'\\#{variables.V}'"], (v) => `[\\${v}]`],
  ['after a $', ['printf \'[%s]\' $#{variables.V} "$#{variables.V}"'], (v) => `[$${v}][$${v}]`],
  ['in a single quote spanning lines', ["printf '[%s]' 'first", "#{variables.V} last'"], (v) => `[first\n${v} last]`],
  ['after a comment with an apostrophe', ["# don't break", "printf '[%s]' #{variables.V}"], (v) => `[${v}]`],
  ['as an assignment, then used', ['target=#{variables.V}', 'printf \'[%s]\' "$target"'], (v) => `[${v}]`],
  ['in a here-document', ['cat <<EOF', 'it\'s "#{variables.V}" \\#{variables.V}', 'EOF'], (v) => `it's "${v}" \\${v}\n`],
  ['a source variable', ['printf \'[%s]\' "#{SourceVariables.CommitMessage}"'], (v) => `[${v}]`],
  ['read from the environment by its name', [': #{variables.V} #{SourceVariables.CommitMessage}', 'printf \'[%s]\' "$variables_V" "$SourceVariables_CommitMessage"'], (v) => `[${v}][${v}]`],
];

function withoutTrailingNewlines(value: string): string {
  return value.replace(/\n+$/, '');
}

function scopeWith(value: string): VariableScope {
  return { executionId: 'e-1', pipelineVariables: { V: value }, namespaces: { SourceVariables: { CommitMessage: value } } };
}

/** Runs the commands (as the `commands` array or as the `Commands` configuration) the way the worker does. */
function runInBash(commands: string[], value: string, form: 'commands' | 'configuration'): { stdout: string; stderr: string; status: number | null } {
  const resolution = form === 'commands' ? resolveCommands(undefined, commands, scopeWith(value)) : resolveCommands(commands.join('\n'), [], scopeWith(value));
  const script = form === 'commands' ? resolution.commands : resolution.configured;
  if (!script?.resolved) throw new Error(`not resolved: ${JSON.stringify(script)}`);
  const lines = typeof script.value === 'string' ? script.value.split(/\r?\n/) : script.value;
  const env = { PATH: process.env['PATH'], HOME: '/home/sluice-test', ...Object.fromEntries(resolution.environment.map(({ name, value: v }) => [name, v])) };
  const result = spawnSync('bash', ['-e', '-c', `${lines.join('\n')}\n`], { env, cwd: workDir, encoding: 'utf8' });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

// The configuration form is the same script split on newlines: a sample of the values proves the split keeps them.
const SAMPLED_VALUES = ['x; echo INJECTED', '`echo INJECTED`', `'; echo INJECTED; '`, '\\', '\n; echo INJECTED\n', '$HOME', '', '#{variables.V}'];

describe.each([
  ['commands', HOSTILE_VALUES],
  ['configuration', SAMPLED_VALUES],
] as const)('a reference in %s, run by bash', (form, values) => {
  describe.each(PLACES)('%s', (_, commands, expected) => {
    it.each(values.map((value) => [JSON.stringify(value), value]))('prints exactly %s', (_, value) => {
      expect(runInBash(commands, value!, form)).toEqual({ stdout: expected(value!), stderr: '', status: 0 });
    });
  });
});

describe('the example of the docs', () => {
  it('echo "deploying to #{variables.Env}" with Env = "x; <a command>" prints the value and runs nothing', () => {
    const marker = join(workDir, 'pwned');
    const value = `x; touch ${marker}`;
    const scope = { executionId: 'e-1', pipelineVariables: { Env: value }, namespaces: {} };
    const resolution = resolveCommands(undefined, ['echo "deploying to #{variables.Env}"', 'echo deploying to #{variables.Env}'], scope);
    expect(resolution.commands).toEqual({ resolved: true, value: ['echo "deploying to ${variables_Env}"', 'echo deploying to "${variables_Env}"'] });
    const result = spawnSync('bash', ['-e', '-c', 'echo "deploying to ${variables_Env}"\necho deploying to "${variables_Env}"\n'], {
      env: { PATH: process.env['PATH'], variables_Env: value },
      encoding: 'utf8',
    });
    expect(result.stdout).toBe(`deploying to ${value}\ndeploying to ${value}\n`);
    expect(existsSync(marker)).toBe(false);
  });

  it("$'…' must be reopened as $'…': reopened as '…', the escapes after the reference would print as written", () => {
    const env = { PATH: process.env['PATH'], V: 'v' };
    const run = (script: string) => spawnSync('bash', ['-c', script], { env, encoding: 'utf8' }).stdout;
    expect(run(`printf '[%s]' $'a\\t'"\${V}"$'\\tb'`)).toBe('[a\tv\tb]');
    expect(run(`printf '[%s]' $'a\\t'"\${V}"'\\tb'`)).toBe('[a\tv\\tb]');
  });
});
