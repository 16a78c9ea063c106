/**
 * IAM's wildcards: `*` matches any run of characters (including none, and across `:` and `/`),
 * `?` exactly one. Everything else is literal.
 */
export function globToRegExp(pattern: string, options: { ignoreCase: boolean }): RegExp {
  let source = '';
  for (const character of pattern) {
    if (character === '*') source += '.*';
    else if (character === '?') source += '.';
    else source += character.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, options.ignoreCase ? 'isu' : 'su');
}

export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}
