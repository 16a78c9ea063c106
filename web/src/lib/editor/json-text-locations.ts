// Where each value of a JSON text is, by the JSONPath the server's validator names it with, and where a syntax
// error is (line and column). JSON.parse gives neither, so this is a small strict JSON scanner.
import { childPath, indexPath, ROOT_PATH } from '@sluice/domain/browser';

/** A range of the text, as offsets into it (start inclusive, end exclusive). */
export interface TextRange {
  start: number;
  end: number;
}

export interface JsonSyntaxError {
  message: string;
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  column: number;
}

export type ParsedJsonText =
  | { ok: true; value: unknown; locations: ReadonlyMap<string, TextRange> }
  | { ok: false; error: JsonSyntaxError };

class SyntaxProblem extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Line and column (both 1-based) of an offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset && index < text.length; index++) {
    if (text[index] === '\n') {
      line++;
      lineStart = index + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Parses JSON text (as JSON.parse does) and records the range of every value by its path. */
export function parseJsonText(text: string): ParsedJsonText {
  const locations = new Map<string, TextRange>();
  let at = 0;

  const describe = (): string => (at >= text.length ? 'the end of the text' : `${JSON.stringify(text[at])}`);
  const fail = (expected: string): never => {
    throw new SyntaxProblem(`Expected ${expected} but found ${describe()}`, at);
  };
  const skipWhitespace = () => {
    while (at < text.length && (text[at] === ' ' || text[at] === '\t' || text[at] === '\n' || text[at] === '\r')) at++;
  };

  const readString = (): string => {
    const start = at;
    at++; // the opening quote
    while (at < text.length && text[at] !== '"') {
      const code = text.charCodeAt(at);
      if (code < 0x20) throw new SyntaxProblem('A control character (such as a line break) must be escaped inside a string', at);
      if (text[at] === '\\') {
        const escape = text[at + 1];
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) throw new SyntaxProblem('\\u must be followed by four hexadecimal digits', at);
          at += 6;
        } else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) {
          at += 2;
        } else {
          throw new SyntaxProblem(`Unknown escape \\${escape ?? ''} in a string`, at);
        }
      } else {
        at++;
      }
    }
    if (at >= text.length) throw new SyntaxProblem('This string is never closed (a " is missing)', start);
    at++;
    return JSON.parse(text.slice(start, at)) as string;
  };

  const readNumber = () => {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(at, at + 400));
    if (!match || match[0] === '' || match[0] === '-') fail('a value');
    at += match![0].length;
  };

  const readValue = (path: string) => {
    skipWhitespace();
    const start = at;
    const char = text[at];
    if (char === '{') readObject(path);
    else if (char === '[') readArray(path);
    else if (char === '"') readString();
    else if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) readNumber();
    else {
      const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, at));
      if (!literal) fail('a value (an object, array, string, number, true, false or null)');
      at += literal!.length;
    }
    locations.set(path, { start, end: at });
  };

  const readObject = (path: string) => {
    at++;
    skipWhitespace();
    if (text[at] === '}') return void at++;
    for (;;) {
      skipWhitespace();
      if (text[at] !== '"') fail('a property name in double quotes');
      const key = readString();
      skipWhitespace();
      if (text[at] !== ':') fail('":" after the property name');
      at++;
      readValue(childPath(path, key));
      skipWhitespace();
      if (text[at] === ',') {
        at++;
        continue;
      }
      if (text[at] === '}') return void at++;
      fail('"," or "}"');
    }
  };

  const readArray = (path: string) => {
    at++;
    skipWhitespace();
    if (text[at] === ']') return void at++;
    for (let index = 0; ; index++) {
      readValue(indexPath(path, index));
      skipWhitespace();
      if (text[at] === ',') {
        at++;
        continue;
      }
      if (text[at] === ']') return void at++;
      fail('"," or "]"');
    }
  };

  try {
    readValue(ROOT_PATH);
    skipWhitespace();
    if (at < text.length) fail('the end of the text after the value');
  } catch (problem) {
    if (!(problem instanceof SyntaxProblem)) throw problem;
    return { ok: false, error: { message: problem.message, offset: problem.offset, ...lineAndColumn(text, problem.offset) } };
  }
  return { ok: true, value: JSON.parse(text) as unknown, locations };
}

// The last segment of a path as childPath/indexPath write it: `.key`, `[3]` or `["odd key"]`.
const LAST_SEGMENT = /(\.[A-Za-z_$][A-Za-z0-9_$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])$/;

/**
 * The range of the value at `path`, or of its nearest located ancestor (an issue about a missing field
 * names the field; the object that lacks it is what the cursor can go to).
 */
export function locatePath(locations: ReadonlyMap<string, TextRange>, path: string): TextRange | undefined {
  let current = path;
  for (;;) {
    const found = locations.get(current);
    if (found) return found;
    const segment = LAST_SEGMENT.exec(current);
    if (!segment || current === ROOT_PATH) return undefined;
    current = current.slice(0, current.length - segment[0].length);
  }
}
