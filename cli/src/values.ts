import { readFileSync } from 'node:fs';
import { badInput } from './cli-error';
import type { Parameter } from './verb';

/** `file://path` reads the file, as the AWS CLI does for any parameter; anything else is the value itself. */
export function readValue(raw: string, what: string): string {
  if (!raw.startsWith('file://')) return raw;
  const path = raw.slice('file://'.length);
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw badInput(`${what}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badInput(`${what}: not valid JSON: ${(error as Error).message}`);
  }
}

/** AWS shorthand `key=value,key2="a, b"` for a flat structure or map. */
export function parseShorthand(text: string, what: string): Record<string, string> {
  const result: Record<string, string> = {};
  let index = 0;
  while (index < text.length) {
    const equals = text.indexOf('=', index);
    if (equals === -1) throw badInput(`${what}: expected key=value, got ${JSON.stringify(text.slice(index))}`);
    const key = text.slice(index, equals).trim();
    if (!/^[A-Za-z0-9_.-]+$/.test(key)) throw badInput(`${what}: ${JSON.stringify(key)} is not a key`);
    index = equals + 1;
    let value = '';
    if (text[index] === '"' || text[index] === "'") {
      const quote = text[index];
      const end = text.indexOf(quote as string, index + 1);
      if (end === -1) throw badInput(`${what}: the quote after ${key}= is not closed`);
      value = text.slice(index + 1, end);
      index = end + 1;
      if (index < text.length && text[index] !== ',') throw badInput(`${what}: expected "," after the quoted value of ${key}`);
    } else {
      const comma = text.indexOf(',', index);
      value = text.slice(index, comma === -1 ? text.length : comma);
      index = comma === -1 ? text.length : comma;
    }
    result[key] = value;
    index += 1;
  }
  return result;
}

const looksLikeJson = (text: string): boolean => /^\s*[[{"]/.test(text);

/** One command-line value of a parameter, typed; `words` holds several for a list given as separate words. */
export function parseParameter(parameter: Parameter, words: readonly string[], option: string): unknown {
  const single = (): string => {
    if (words.length !== 1) throw badInput(`${option}: expected one value, got ${words.length}`);
    return readValue(words[0] as string, option);
  };
  switch (parameter.type) {
    case 'string': {
      const value = single();
      if (parameter.enum && !parameter.enum.includes(value)) throw badInput(`${option}: must be one of ${parameter.enum.join(', ')}, got ${JSON.stringify(value)}`);
      return value;
    }
    case 'integer': {
      const value = single().trim();
      if (!/^-?\d{1,15}$/.test(value)) throw badInput(`${option}: expected a whole number, got ${JSON.stringify(value)}`);
      return Number(value);
    }
    case 'boolean':
      return true;
    case 'structure':
    case 'map': {
      const text = single();
      return looksLikeJson(text) ? parseJson(text, option) : parseShorthand(text, option);
    }
    case 'list': {
      if (words.length === 1) {
        const text = readValue(words[0] as string, option);
        if (/^\s*\[/.test(text)) return parseJson(text, option);
      }
      return words.map((word, index) => {
        const text = readValue(word, `${option}[${index}]`);
        if (looksLikeJson(text)) return parseJson(text, `${option}[${index}]`);
        return text.includes('=') ? parseShorthand(text, `${option}[${index}]`) : text;
      });
    }
  }
}

/** Checks a member given in --cli-input-json against its declared type, naming its path. */
export function checkInputMember(parameter: Parameter, value: unknown, path: string): void {
  const fail = (expected: string) => {
    throw badInput(`${path}: expected ${expected}, got ${JSON.stringify(value)?.slice(0, 60)}`);
  };
  switch (parameter.type) {
    case 'string':
      if (typeof value !== 'string') fail('a string');
      if (parameter.enum && !parameter.enum.includes(value as string)) fail(`one of ${parameter.enum.join(', ')}`);
      return;
    case 'integer':
      if (!Number.isInteger(value)) fail('a whole number');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') fail('true or false');
      return;
    case 'list':
      if (!Array.isArray(value)) fail('a list');
      return;
    case 'structure':
    case 'map':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('an object');
  }
}
