/**
 * Whether `refs/heads/{branch}` is a valid ref name, by git's own rules (`git check-ref-format`), checked without
 * starting a git process: no component that starts with '.' or ends with '.lock', no '..', no control character,
 * space, '~', '^', ':', '?', '*', '[' or '\\', no '@{', no empty component ('//', a leading or trailing '/'),
 * no trailing '.'. A branch may not start with '-' either (git would read it as an option).
 */
export function isValidBranchName(branch: string): boolean {
  if (branch === '' || branch.startsWith('-') || branch.endsWith('.') || branch.includes('..') || branch.includes('@{')) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(branch)) return false;
  return branch.split('/').every((component) => component !== '' && !component.startsWith('.') && !component.endsWith('.lock'));
}
