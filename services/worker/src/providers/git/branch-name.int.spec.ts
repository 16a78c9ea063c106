import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { isValidBranchName } from './branch-name';

// The rule is git's: every name is also asked of `git check-ref-format`, and the two must agree.
const gitAccepts = (branch: string): boolean => {
  try {
    execFileSync('git', ['check-ref-format', `refs/heads/${branch}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

describe('isValidBranchName, as git check-ref-format', () => {
  it('agrees with git on names users write and on the traps', () => {
    const names = ['main', 'release/1.2', 'feature/x-y_z', 'a.b', 'v1.0', '@', 'x@y', 'a/b/c', 'ü-umlaut', '.hidden', 'a/.b', 'x.lock', 'a.lock/b', 'a..b', 'a//b', '/a', 'a/', 'a.', 'a b', 'a~1', 'a^', 'a:b', 'a?', 'a*', 'a[b', 'a\\b', 'a@{1}', 'tab\there', 'del\u007f', ''];
    for (const name of names) expect([name, isValidBranchName(name)]).toEqual([name, gitAccepts(name) && !name.startsWith('-')]);
  });

  it('agrees with git on generated names', () => {
    const alphabet = fc.constantFrom('a', 'B', '1', '-', '_', '.', '/', '@', '{', '}', '~', '^', ':', '?', '*', '[', '\\', ' ', 'l', 'o', 'c', 'k', 'é', '\t');
    fc.assert(
      fc.property(fc.array(alphabet, { minLength: 1, maxLength: 10 }).map((chars) => chars.join('')), (name) => isValidBranchName(name) === (gitAccepts(name) && !name.startsWith('-'))),
      { numRuns: 300 },
    );
  });
});
