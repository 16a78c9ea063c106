import { RE2JS } from 're2js';
import { quote } from '../validation/describe-value';

/**
 * The limits of a VariableCheck rule with the MATCHES operator: its pattern (checked when the pipeline is
 * saved, and again when the rule runs) and the value it is matched against (at run time: a longer value
 * fails the rule). Matching is linear in the value, so these bound what one rule can cost the engine.
 */
export const VARIABLE_CHECK_LIMITS = { patternMaxLength: 1_000, valueMaxLength: 100_000 } as const;

/** The rule type a pattern is checked for: `AWS/VariableCheck/1` (owner and version may be left out). */
export function isVariableCheckRuleType(ruleTypeId: { owner?: unknown; provider?: unknown; version?: unknown }): boolean {
  return (ruleTypeId.owner ?? 'AWS') === 'AWS' && ruleTypeId.provider === 'VariableCheck' && (ruleTypeId.version ?? '1') === '1';
}

export type VariableCheckPattern = { ok: true; matches(value: string): boolean } | { ok: false; problem: string };

// What RE2 leaves out because it needs backtracking, with the reason a reader can act on.
const UNSUPPORTED: ReadonlyArray<{ test: RegExp; what: string }> = [
  { test: /\\[1-9]|\\k</, what: 'a backreference (\\1, \\k<name>)' },
  { test: /\(\?<?[=!]/, what: 'a lookahead or lookbehind ((?=…), (?!…), (?<=…), (?<!…))' },
  { test: /\(\?>/, what: 'an atomic group ((?>…))' },
  { test: /[*+?}]\+/, what: 'a possessive quantifier (a++, a*+, a?+, a{2}+)' },
];

const cache = new Map<string, VariableCheckPattern>();
const CACHE_SIZE = 256;

/**
 * MATCHES's `Value`, compiled for RE2 (re2js: linear time, no backtracking, so no pattern can stall the
 * engine), matched against the whole value as Java's `String.matches` does (AWS's regexes are Java's). The
 * syntax Java and RE2 share works; what only backtracking can do (backreferences, lookaround, possessive
 * quantifiers, atomic groups) is refused with the reason, as is a pattern over the length limit.
 */
export function compileVariableCheckPattern(pattern: string): VariableCheckPattern {
  const known = cache.get(pattern);
  if (known) return known;
  const compiled = compile(pattern);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(pattern, compiled);
  return compiled;
}

function compile(pattern: string): VariableCheckPattern {
  const length = [...pattern].length;
  if (length > VARIABLE_CHECK_LIMITS.patternMaxLength) {
    return { ok: false, problem: `The MATCHES pattern has ${length} characters; at most ${VARIABLE_CHECK_LIMITS.patternMaxLength} are allowed.` };
  }
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(pattern);
  } catch (error) {
    const unsupported = UNSUPPORTED.find(({ test }) => test.test(pattern));
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      problem: unsupported
        ? `The MATCHES pattern ${quote(pattern)} uses ${unsupported.what}, which needs backtracking: Sluice matches in linear time (RE2 syntax), so it has none.`
        : `The MATCHES pattern ${quote(pattern)} is not a regular expression Sluice can run (RE2 syntax): ${reason}.`,
    };
  }
  return { ok: true, matches: (value) => regex.testExact(value) };
}
