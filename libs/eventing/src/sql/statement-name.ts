import { createHash } from 'node:crypto';

const names = new Map<string, string>();

/** A prepared statement's name from its text: a connection prepares each shape once (pg caches by name). */
export function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `h.${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    if (names.size < 10_000) names.set(text, name);
  }
  return name;
}
