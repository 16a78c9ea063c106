import { closestMatch } from './closest-match';
import { describeValue, quote } from './describe-value';
import type { IssueCollector } from './issue-collector';
import { childPath } from './json-path';
import { checkString, type StringRule } from './string-rules';

/** Readers for `unknown` JSON: each returns the typed value, or undefined after reporting why not. */

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function wrongType(value: unknown, expected: string, label: string, path: string, issues: IssueCollector): undefined {
  issues.add(path, 'wrong_type', `${label} must be ${expected}, but is ${describeValue(value)}.`);
  return undefined;
}

export function readObject(value: unknown, label: string, path: string, issues: IssueCollector): JsonObject | undefined {
  return isJsonObject(value) ? value : wrongType(value, 'an object', label, path, issues);
}

export interface CountRange {
  min?: number;
  max?: number;
  /** Noun for the items in messages: "stage", "action". */
  itemNoun?: string;
}

export function readArray(
  value: unknown,
  label: string,
  path: string,
  issues: IssueCollector,
  range: CountRange = {},
): unknown[] | undefined {
  if (!Array.isArray(value)) return wrongType(value, 'an array', label, path, issues);
  const noun = range.itemNoun ?? 'item';
  const plural = (count: number): string => `${count} ${noun}${count === 1 ? '' : 's'}`;
  if (range.min !== undefined && value.length < range.min) {
    issues.add(path, 'too_few_items', `${label} has ${plural(value.length)}; at least ${plural(range.min)} ${range.min === 1 ? 'is' : 'are'} required.`);
  } else if (range.max !== undefined && value.length > range.max) {
    issues.add(path, 'too_many_items', `${label} has ${plural(value.length)}; at most ${plural(range.max)} ${range.max === 1 ? 'is' : 'are'} allowed.`);
  }
  return value;
}

export function readString(
  value: unknown,
  label: string,
  path: string,
  issues: IssueCollector,
  rule?: Omit<StringRule, 'label'>,
): string | undefined {
  if (typeof value !== 'string') return wrongType(value, 'a string', label, path, issues);
  if (rule) checkString(value, { ...rule, label }, path, issues);
  return value;
}

/** Like readString, but returns the string only when it also satisfies the rule. */
export function readValidString(
  value: unknown,
  label: string,
  path: string,
  issues: IssueCollector,
  rule: Omit<StringRule, 'label'>,
): string | undefined {
  if (typeof value !== 'string') return wrongType(value, 'a string', label, path, issues);
  return checkString(value, { ...rule, label }, path, issues) ? value : undefined;
}

export function readInteger(
  value: unknown,
  label: string,
  path: string,
  issues: IssueCollector,
  range: { min: number; max: number; unit?: string },
): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return wrongType(value, 'an integer', label, path, issues);
  }
  if (value < range.min || value > range.max) {
    const unit = range.unit ? ` ${range.unit}` : '';
    issues.add(path, 'out_of_range', `${label} is ${value}${unit}; it must be between ${range.min} and ${range.max}${unit}.`);
    return undefined;
  }
  return value;
}

export function readBoolean(value: unknown, label: string, path: string, issues: IssueCollector): boolean | undefined {
  return typeof value === 'boolean' ? value : wrongType(value, 'a boolean (true or false)', label, path, issues);
}

export function readOneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  label: string,
  path: string,
  issues: IssueCollector,
): T | undefined {
  if (typeof value !== 'string') return wrongType(value, `one of ${listValues(allowed)}`, label, path, issues);
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) {
    const suggestion = closestMatch(value, allowed);
    issues.add(
      path,
      'value_not_allowed',
      `${label} is ${quote(value)}; it must be one of ${listValues(allowed)}.` +
        (suggestion ? ` Did you mean ${quote(suggestion)}?` : ''),
    );
  }
  return match;
}

export function listValues(values: readonly string[]): string {
  return values.map((value) => quote(value)).join(', ');
}

export interface FieldSpec {
  required: readonly string[];
  optional: readonly string[];
  /** Appended to unknown-field messages when the input has this shape's typical mistake. */
  unknownFieldHint?: (field: string) => string | undefined;
}

/** Reports missing required fields and unknown fields (with a "did you mean" for typos). */
export function checkFields(
  object: JsonObject,
  spec: FieldSpec,
  label: string,
  path: string,
  issues: IssueCollector,
): void {
  for (const field of spec.required) {
    if (object[field] === undefined) {
      issues.add(childPath(path, field), 'missing_field', `${label} needs the field ${quote(field)}.`);
    }
  }
  const known = [...spec.required, ...spec.optional];
  for (const field of Object.keys(object)) {
    if (known.includes(field)) continue;
    const suggestion = closestMatch(field, known);
    const hint = spec.unknownFieldHint?.(field);
    issues.add(
      childPath(path, field),
      'unknown_field',
      `${label} has an unknown field ${quote(field)}.` +
        (suggestion ? ` Did you mean ${quote(suggestion)}?` : ` Known fields: ${listValues(known)}.`) +
        (hint ? ` ${hint}` : ''),
    );
  }
}
