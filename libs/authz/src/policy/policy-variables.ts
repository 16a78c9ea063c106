import { quote } from '@sluice/domain';

/**
 * IAM's policy variables in `Resource`/`NotResource`: `${sluice:username}` (or IAM's own spelling
 * `${aws:username}`, so copied policies keep working) stands for the caller's user name, so one statement
 * can say "for myself only": `srn:sluice:acme:principal/${sluice:username}`. As in IAM the names compare
 * case-insensitively, `${*}`, `${?}` and `${$}` write a literal `*`, `?` and `$`, and a role session has no
 * user name: its roles must not turn a short session into the role's own long-lived credentials.
 */
export const POLICY_VARIABLES = {
  'sluice:username': 'username',
  'aws:username': 'username',
} as const satisfies Record<string, keyof PolicyVariableValues>;

/** What the variables stand for in one request; a value absent here is missing from the request. */
export interface PolicyVariableValues {
  /** The caller's user name; undefined for a role session. */
  username?: string;
}

/** One piece of a resource pattern: literal text (wildcards still active) or a variable. */
export type PatternPart = { kind: 'text'; text: string } | { kind: 'literal'; text: string } | { kind: 'variable'; name: keyof PolicyVariableValues };

const ESCAPES: Readonly<Record<string, string>> = { '*': '*', '?': '?', $: '$' };

export type ParsedPattern = { ok: true; parts: PatternPart[]; hasVariables: boolean } | { ok: false; problem: string };

/** Splits a pattern at its `${…}`; an unknown or unclosed variable is a problem naming it. */
export function parsePatternVariables(pattern: string): ParsedPattern {
  const parts: PatternPart[] = [];
  let hasVariables = false;
  let rest = pattern;
  for (;;) {
    const start = rest.indexOf('${');
    if (start < 0) break;
    if (start > 0) parts.push({ kind: 'text', text: rest.slice(0, start) });
    const end = rest.indexOf('}', start);
    if (end < 0) return { ok: false, problem: `the variable at ${quote(rest.slice(start))} has no closing "}".` };
    const name = rest.slice(start + 2, end);
    const escaped = ESCAPES[name];
    if (escaped !== undefined) parts.push({ kind: 'literal', text: escaped });
    else {
      const variable = Object.entries(POLICY_VARIABLES).find(([known]) => known === name.toLowerCase())?.[1];
      if (!variable) return { ok: false, problem: `${quote(`\${${name}}`)} is not a policy variable; use \${sluice:username} (or \${aws:username}), or \${*}, \${?}, \${$} for the characters themselves.` };
      parts.push({ kind: 'variable', name: variable });
      hasVariables = true;
    }
    rest = rest.slice(end + 1);
  }
  if (rest !== '') parts.push({ kind: 'text', text: rest });
  return { ok: true, parts, hasVariables };
}

/**
 * The pattern with its variables replaced, `*` and `?` of a substituted value or an escape matching only
 * themselves (they are returned as `literal` parts); undefined when a variable has no value in the request.
 */
export function substituteVariables(parts: readonly PatternPart[], values: PolicyVariableValues): PatternPart[] | undefined {
  const substituted: PatternPart[] = [];
  for (const part of parts) {
    if (part.kind !== 'variable') substituted.push(part);
    else {
      const value = values[part.name];
      if (value === undefined) return undefined;
      substituted.push({ kind: 'literal', text: value });
    }
  }
  return substituted;
}

/** A stand-in for validation: each variable as a name character, each escape as its character. */
export function patternForValidation(parts: readonly PatternPart[]): string {
  return parts.map((part) => (part.kind === 'variable' ? 'x' : part.text)).join('');
}
