/** A pushed ref: a branch (`refs/heads/…`) or a tag (`refs/tags/…`); anything else is neither. */
export type GitRef = { kind: 'branch'; name: string } | { kind: 'tag'; name: string } | { kind: 'other'; name: string };

export function parseGitRef(ref: string): GitRef {
  if (ref.startsWith('refs/heads/')) return { kind: 'branch', name: ref.slice('refs/heads/'.length) };
  if (ref.startsWith('refs/tags/')) return { kind: 'tag', name: ref.slice('refs/tags/'.length) };
  return { kind: 'other', name: ref };
}
