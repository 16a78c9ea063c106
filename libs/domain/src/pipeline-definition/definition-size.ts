/**
 * Measures the JSON size of a parsed definition without walking more of it than the limit allows,
 * so a 10 MB input is refused after reading about `maxBytes` of it.
 */
export type DefinitionSize =
  | { kind: 'within_limit'; bytes: number }
  | { kind: 'too_large' }
  | { kind: 'too_deep' };

export function measureDefinition(value: unknown, maxBytes: number, maxDepth: number): DefinitionSize {
  let bytes = 0;
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const next = stack.pop();
    if (!next) break;
    const { value: current, depth } = next;
    if (typeof current === 'string') {
      bytes += stringBytes(current, maxBytes - bytes) + 2;
    } else if (typeof current === 'number' || typeof current === 'boolean' || current === null) {
      bytes += String(current).length;
    } else if (Array.isArray(current)) {
      if (depth >= maxDepth) return { kind: 'too_deep' };
      bytes += 2 + Math.max(0, current.length - 1);
      for (let index = current.length - 1; index >= 0 && bytes <= maxBytes; index--) {
        stack.push({ value: current[index], depth: depth + 1 });
      }
    } else if (typeof current === 'object') {
      if (depth >= maxDepth) return { kind: 'too_deep' };
      bytes += 2;
      for (const key in current) {
        if (bytes > maxBytes) break;
        bytes += stringBytes(key, maxBytes - bytes) + 4;
        stack.push({ value: (current as Record<string, unknown>)[key], depth: depth + 1 });
      }
    }
    if (bytes > maxBytes) return { kind: 'too_large' };
  }
  return { kind: 'within_limit', bytes };
}

/** UTF-8 length of a string, stopping early once it exceeds `budget`. */
function stringBytes(text: string, budget: number): number {
  if (text.length > budget) return text.length;
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    // JSON escapes control characters, quotes and backslashes, so they take more room than one byte.
    if (code < 0x20) bytes += 6;
    else if (code === 0x22 || code === 0x5c) bytes += 2;
    else if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      index++;
    } else bytes += 3;
  }
  return bytes;
}
