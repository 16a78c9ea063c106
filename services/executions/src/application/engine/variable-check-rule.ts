import { compileVariableCheckPattern, VARIABLE_CHECK_LIMITS } from '@sluice/domain';
import { resolveText } from '../../domain';
import type { RuleEvaluator, RuleOutcome } from './stage-condition-evaluator';

/** The operators AWS documents for the VariableCheck rule (rule-reference-VariableCheck). */
export const VARIABLE_CHECK_OPERATORS = ['EQ', 'NE', 'CONTAINS', 'MATCHES'] as const;
export type VariableCheckOperator = (typeof VARIABLE_CHECK_OPERATORS)[number];

export const VARIABLE_CHECK_RULE_TYPE = 'AWS/VariableCheck/1';

const isOperator = (value: string): value is VariableCheckOperator => (VARIABLE_CHECK_OPERATORS as readonly string[]).includes(value);

/**
 * CodePipeline's VariableCheck: `Variable` (text with `#{namespace.variable}` references, resolved against
 * the execution's pipeline variables and the output variables of its actions so far) compared with the
 * literal `Value` by `Operator`. A reference that does not resolve fails the rule, as it fails an action.
 * MATCHES matches the whole value, as Java's `String.matches` does (AWS's regexes are Java's), with RE2 (linear
 * time, on the engine's event loop: no user pattern can stall it); the pattern was checked when the pipeline
 * was saved, and a value over `VARIABLE_CHECK_LIMITS.valueMaxLength` fails the rule.
 */
export const variableCheckRule: RuleEvaluator = (rule, request) => {
  const configuration = rule.configuration ?? {};
  const missing = ['Variable', 'Value', 'Operator'].filter((key) => configuration[key] === undefined);
  if (missing.length > 0) return fail(`the configuration lacks ${missing.join(', ')}`);
  const { Variable: variable, Value: expected, Operator: operator } = configuration as Record<'Variable' | 'Value' | 'Operator', string>;
  if (!isOperator(operator)) return fail(`unknown Operator "${operator}" (one of ${VARIABLE_CHECK_OPERATORS.join(', ')})`);
  const resolution = resolveText(variable, `${rule.name}.configuration.Variable`, request.variables);
  if (!resolution.resolved) return fail(`unresolved ${resolution.unresolved.map((reference) => `${reference.text}: ${reference.reason}`).join('; ')}`);
  const actual = resolution.value;
  const compared = compare(actual, operator, expected);
  if (typeof compared === 'string') return fail(compared);
  const verdict = `${variable} = ${JSON.stringify(actual)}${compared ? '' : ' not'} ${operator} ${JSON.stringify(expected)}`;
  return { passed: compared, message: verdict };
};

function compare(actual: string, operator: VariableCheckOperator, expected: string): boolean | string {
  switch (operator) {
    case 'EQ':
      return actual === expected;
    case 'NE':
      return actual !== expected;
    case 'CONTAINS':
      return actual.includes(expected);
    case 'MATCHES': {
      const pattern = compileVariableCheckPattern(expected);
      if (!pattern.ok) return `Value is not a regular expression the engine can run: ${pattern.problem}`;
      if (actual.length > VARIABLE_CHECK_LIMITS.valueMaxLength) {
        return `the value of the Variable has ${actual.length} characters; MATCHES compares at most ${VARIABLE_CHECK_LIMITS.valueMaxLength}`;
      }
      return pattern.matches(actual);
    }
  }
}

const fail = (message: string): RuleOutcome => ({ passed: false, message });
