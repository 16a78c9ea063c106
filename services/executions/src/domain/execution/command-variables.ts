import { actionTypeKey, BUILD_COMMANDS, DEPLOY_COMMANDS, TEST_COMMANDS, type ActionTypeId } from '@sluice/domain';
import { quotingAt, type ShellQuoting, type Span } from './shell-quoting';
import { lookUp, referencesIn, type Reference, type Resolution, type VariableScope } from './variable-resolution';

/**
 * `#{namespace.variable}` in the commands of Sluice's Commands actions. Pasting a value into a bash
 * script would run whatever shell code a value holds (a start's variable override, a commit message),
 * so a reference becomes an expansion of an environment variable holding the value instead, written
 * for the quoting at its place so that it is exactly the value, as one word: `"${variables_Env}"`
 * unquoted, `${variables_Env}` between double quotes, `'"${variables_Env}"'` between single quotes.
 * The script never holds a value, so a quoting misread by the scanner can garble text, never run it;
 * where no expansion can stand (a quoted here-document) or bash would evaluate it (arithmetic), the
 * action fails instead.
 */

/** Sluice's Commands action types: the worker runs their commands with `bash -e`. */
const SHELL_COMMANDS_ACTION_TYPES = new Set([BUILD_COMMANDS, TEST_COMMANDS, DEPLOY_COMMANDS].map((type) => actionTypeKey(type.id)));

export function runsShellCommands(actionTypeId: ActionTypeId): boolean {
  return SHELL_COMMANDS_ACTION_TYPES.has(actionTypeKey(actionTypeId));
}

export interface CommandVariable {
  name: string;
  value: string;
}

export interface ResolvedCommands {
  /** The `Commands` configuration (lines joined by `\n`), when the action has one. */
  configured: Resolution<string> | undefined;
  commands: Resolution<string[]>;
  /** One per distinct reference, in the order they first appear: what the expansions read. */
  environment: CommandVariable[];
}

/**
 * Resolves both forms of an action's commands (the worker runs the `Commands` configuration, or else the
 * `commands` array), failing with every reference that is unresolved or cannot be placed safely.
 */
export function resolveCommands(configured: string | undefined, commands: readonly string[], scope: VariableScope): ResolvedCommands {
  const names = new EnvironmentNames();
  const environment: CommandVariable[] = [];
  const resolveScript = (lines: readonly string[], locationOf: (line: number) => string): Resolution<string[]> => {
    const script = resolveReferences(lines, scope, names, environment);
    if (script.unresolved.length === 0) return { resolved: true, value: script.lines };
    return { resolved: false, unresolved: script.unresolved.map(({ line, text, reason }) => ({ location: locationOf(line), text, reason })) };
  };
  // The worker splits the configuration the same way, so line endings are `\n` from here on.
  const configuredLines = configured === undefined ? undefined : resolveScript(configured.split(/\r?\n/), () => 'configuration.Commands');
  return {
    configured: configuredLines && (configuredLines.resolved ? { resolved: true, value: configuredLines.value.join('\n') } : configuredLines),
    commands: resolveScript(commands, (line) => `commands[${line}]`),
    environment,
  };
}

/** `ns_var` as the worker names variables (`SourceVariables.CommitId` -> `SourceVariables_CommitId`), unique per reference. */
class EnvironmentNames {
  private readonly byReference = new Map<string, string>();
  private readonly taken = new Set<string>();

  /** `isNew` on the reference's first appearance, when its value joins the environment. */
  nameFor(reference: Reference): { name: string; isNew: boolean } {
    const key = `${reference.namespace}.${reference.variable}`;
    const known = this.byReference.get(key);
    if (known !== undefined) return { name: known, isNew: false };
    const base = environmentName(`${reference.namespace}_${reference.variable}`);
    let name = base;
    for (let suffix = 2; this.taken.has(name); suffix += 1) name = `${base}_${suffix}`;
    this.byReference.set(key, name);
    this.taken.add(name);
    return { name, isNew: true };
  }
}

/**
 * Names the worker sets itself after the action's variables (`SLUICE_*`, `CODEBUILD_*`), or that change
 * how bash or the dynamic loader start (`BASH_ENV`, `LD_PRELOAD`, …), get a leading `_` so a value never lands there.
 */
const RESERVED_NAME = /^(SLUICE_|CODEBUILD_|BASH_|LD_)/;

export function environmentName(text: string): string {
  const replaced = text.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(replaced) || RESERVED_NAME.test(replaced) ? `_${replaced}` : replaced;
}

interface Replacement {
  /** Where the replaced text starts: the reference's start, or the `\` or `$` before it that the replacement takes over. */
  start: number;
  end: number;
  text: string;
}

interface ScriptResolution {
  lines: string[];
  unresolved: Array<{ line: number; text: string; reason: string }>;
}

/** One script (its lines run as one `bash -e` script, so quotes may span lines): every reference replaced. */
function resolveReferences(lines: readonly string[], scope: VariableScope, names: EnvironmentNames, environment: CommandVariable[]): ScriptResolution {
  const script = lines.join('\n');
  const lineStarts = startsOf(lines);
  const lineOf = (offset: number) => lineStarts.findIndex((start, index) => offset >= start && offset <= start + lines[index]!.length);
  const references = referencesIn(script);
  const quotings = quotingAt(script, references);
  const replacements: Replacement[] = [];
  const unresolved: ScriptResolution['unresolved'] = [];

  references.forEach((reference, index) => {
    const quoting = quotings[index]!;
    const value = lookUp(reference.namespace, reference.variable, scope);
    const { name, isNew } = names.nameFor(reference);
    if (typeof value !== 'string') {
      unresolved.push({ line: lineOf(reference.start), text: reference.text, reason: value.reason });
      return;
    }
    if (isNew) environment.push({ name, value });
    const expansion = expansionFor(quoting, name);
    if ('reason' in expansion) {
      unresolved.push({ line: lineOf(reference.start), text: reference.text, reason: expansion.reason });
      return;
    }
    replacements.push({ start: reference.start - expansion.takesOver, end: reference.end, text: expansion.text });
  });
  return { lines: lines.map((line, index) => substitute(script, replacements, { start: lineStarts[index]!, end: lineStarts[index]! + line.length })), unresolved };
}

/**
 * The text standing for the value at a place with this quoting; `takesOver` characters before the
 * reference are replaced too. A `\` right before a reference would only have quoted its first
 * character: unquoted, the expansion is literal anyway so the `\` goes; quoted, it stays a `\`.
 * A `$` right before a reference stays a `$` followed by the value.
 */
function expansionFor(quoting: ShellQuoting, name: string): { text: string; takesOver: number } | { reason: string } {
  const expanded = `\${${name}}`;
  switch (quoting.kind) {
    case 'Unquoted':
      if (quoting.afterBackslash) return { text: `"${expanded}"`, takesOver: 1 };
      return quoting.afterDollar ? { text: `\\$"${expanded}"`, takesOver: 1 } : { text: `"${expanded}"`, takesOver: 0 };
    case 'DoubleQuoted':
    case 'HereDocument':
      if (quoting.afterBackslash) return { text: `\\${expanded}`, takesOver: 0 };
      return quoting.afterDollar ? { text: `\\$${expanded}`, takesOver: 1 } : { text: expanded, takesOver: 0 };
    case 'SingleQuoted':
      return { text: `'"${expanded}"'`, takesOver: 0 };
    case 'AnsiCQuoted':
      // Reopened as $'…' so the escapes after the reference keep their meaning.
      return { text: `${quoting.afterBackslash ? '\\' : ''}'"${expanded}"$'`, takesOver: 0 };
    case 'QuotedHereDocument':
      // Bash expands nothing there; pasting the value instead would bet on this scanner knowing where the body ends.
      return { reason: `the body of a here-document with a quoted delimiter (<<'${quoting.delimiter}') is never expanded: unquote the delimiter (<<${quoting.delimiter})` };
    case 'Arithmetic':
      return { reason: `inside $((…)) or ((…)) bash evaluates a value as an expression, which can run commands: check $${name} (e.g. [[ $${name} =~ ^[0-9]+$ ]]) and use it` };
  }
}

function startsOf(lines: readonly string[]): number[] {
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  return starts;
}

/** The text of `range` with the replacements inside it applied (they are sorted and do not overlap). */
function substitute(script: string, replacements: readonly Replacement[], range: Span): string {
  let text = '';
  let cursor = range.start;
  for (const replacement of replacements) {
    if (replacement.start < range.start || replacement.end > range.end) continue;
    text += script.slice(cursor, replacement.start) + replacement.text;
    cursor = replacement.end;
  }
  return text + script.slice(cursor, range.end);
}
