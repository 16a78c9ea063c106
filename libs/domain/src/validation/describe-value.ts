/** Human wording for values and characters, used to write messages that name what was found. */

const MAX_SHOWN_STRING = 60;

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  switch (typeof value) {
    case 'string':
      return `the string ${quote(value)}`;
    case 'number':
      return Number.isFinite(value) ? `the number ${value}` : `the non-finite number ${value}`;
    case 'boolean':
      return `the boolean ${value}`;
    case 'object':
      return 'an object';
    case 'undefined':
      return 'undefined';
    case 'bigint':
      return `the bigint ${value}`;
    case 'symbol':
    case 'function':
      return `a ${typeof value}, which is not JSON`;
  }
  return 'a value that is not JSON';
}

/** A string shown in a message: JSON-quoted (so control characters are visible) and shortened. */
export function quote(text: string): string {
  const codePoints = [...text];
  const shown = codePoints.length > MAX_SHOWN_STRING ? `${codePoints.slice(0, MAX_SHOWN_STRING).join('')}…` : text;
  return JSON.stringify(shown);
}

const C0_NAMES = [
  'NULL', 'START OF HEADING', 'START OF TEXT', 'END OF TEXT', 'END OF TRANSMISSION', 'ENQUIRY',
  'ACKNOWLEDGE', 'BELL', 'BACKSPACE', 'TAB', 'LINE FEED', 'LINE TABULATION', 'FORM FEED',
  'CARRIAGE RETURN', 'SHIFT OUT', 'SHIFT IN', 'DATA LINK ESCAPE', 'DEVICE CONTROL ONE',
  'DEVICE CONTROL TWO', 'DEVICE CONTROL THREE', 'DEVICE CONTROL FOUR', 'NEGATIVE ACKNOWLEDGE',
  'SYNCHRONOUS IDLE', 'END OF TRANSMISSION BLOCK', 'CANCEL', 'END OF MEDIUM', 'SUBSTITUTE', 'ESCAPE',
  'FILE SEPARATOR', 'GROUP SEPARATOR', 'RECORD SEPARATOR', 'UNIT SEPARATOR',
];

const NAMED_CHARACTERS: Readonly<Record<number, string>> = {
  0x20: 'SPACE',
  0x7f: 'DELETE',
  0xa0: 'NO-BREAK SPACE',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE (byte order mark)',
};

export function codePointLabel(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** E.g. `the control character U+0007 (BELL)`, `the invisible character U+200B (ZERO WIDTH SPACE)`, `"é" (U+00E9)`. */
export function describeCharacter(character: string): string {
  const codePoint = character.codePointAt(0) ?? 0;
  const label = codePointLabel(codePoint);
  const name = codePoint < C0_NAMES.length ? C0_NAMES[codePoint] : NAMED_CHARACTERS[codePoint];
  if (/\p{Cc}/u.test(character)) return `the control character ${label}${name ? ` (${name})` : ''}`;
  if (/\p{Cf}/u.test(character)) return `the invisible formatting character ${label}${name ? ` (${name})` : ''}`;
  if (/\p{Zs}|\p{Zl}|\p{Zp}/u.test(character)) return `the space character ${label}${name ? ` (${name})` : ''}`;
  if (/\p{Cs}/u.test(character)) return `the unpaired surrogate ${label}`;
  return `${JSON.stringify(character)} (${label})`;
}
