import type { GitPullRequestFilter, GitPushFilter, PipelineTriggerDeclaration } from '@sluice/domain';
import { matchPullRequest, type PullRequestEvent } from './match-pull-request';
import { matchPush, type PushEvent } from './match-push';

function trigger(push?: GitPushFilter[], pullRequest?: GitPullRequestFilter[]): PipelineTriggerDeclaration {
  return { providerType: 'CodeStarSourceConnection', gitConfiguration: { sourceActionName: 'Source', push, pullRequest } };
}

const awsExampleFiles = { includes: ['projectA/**', 'common/**/*.js'], excludes: ['**/README.md', '**/LICENSE'] };

describe('matchPush', () => {
  const cases: Array<[string, GitPushFilter[] | undefined, PushEvent, boolean]> = [
    ['a branch in includes', [{ branches: { includes: ['main'] } }], { ref: 'refs/heads/main' }, true],
    ['a branch not in includes', [{ branches: { includes: ['main'] } }], { ref: 'refs/heads/dev' }, false],
    ['** spans slashes', [{ branches: { includes: ['feature/**'] } }], { ref: 'refs/heads/feature/a/b' }, true],
    ['* stops at a slash', [{ branches: { includes: ['feature/*'] } }], { ref: 'refs/heads/feature/a/b' }, false],
    ['* within one segment', [{ branches: { includes: ['release-*'] } }], { ref: 'refs/heads/release-1.2' }, true],
    ['excludes win over includes', [{ branches: { includes: ['**'], excludes: ['main'] } }], { ref: 'refs/heads/main' }, false],
    ['excludes alone include the rest', [{ branches: { excludes: ['main'] } }], { ref: 'refs/heads/dev' }, true],
    ['excludes alone exclude their own', [{ branches: { excludes: ['main'] } }], { ref: 'refs/heads/main' }, false],
    ['a branch filter ignores tag pushes', [{ branches: { includes: ['**'] } }], { ref: 'refs/tags/v1' }, false],
    ['a tag in includes', [{ tags: { includes: ['v*'] } }], { ref: 'refs/tags/v1.0.0' }, true],
    ['a tag excluded', [{ tags: { includes: ['release-*'], excludes: ['release-v2'] } }], { ref: 'refs/tags/release-v2' }, false],
    ['a tag filter ignores branch pushes', [{ tags: { includes: ['**'] } }], { ref: 'refs/heads/main' }, false],
    ['a ref that is neither branch nor tag', [{ branches: { includes: ['**'] } }], { ref: 'refs/notes/commits' }, false],
    ['filters are ORed', [{ branches: { includes: ['main'] } }, { tags: { includes: ['v*'] } }], { ref: 'refs/tags/v2' }, true],
    ['no push filters: push never matches', undefined, { ref: 'refs/heads/main' }, false],
    [
      'file paths: one included file is enough',
      [{ branches: { includes: ['main'] }, filePaths: awsExampleFiles }],
      { ref: 'refs/heads/main', changedFiles: ['docs/x.md', 'projectA/src/a.ts'] },
      true,
    ],
    [
      'file paths: no file included',
      [{ branches: { includes: ['main'] }, filePaths: awsExampleFiles }],
      { ref: 'refs/heads/main', changedFiles: ['docs/x.md', 'projectB/a.ts'] },
      false,
    ],
    [
      'file paths: only excluded files',
      [{ branches: { includes: ['main'] }, filePaths: awsExampleFiles }],
      { ref: 'refs/heads/main', changedFiles: ['projectA/README.md', 'projectA/LICENSE'] },
      false,
    ],
    [
      'file paths: an excluded file next to an included one still matches',
      [{ branches: { includes: ['main'] }, filePaths: awsExampleFiles }],
      { ref: 'refs/heads/main', changedFiles: ['projectA/README.md', 'common/lib/x.js'] },
      true,
    ],
    [
      'file paths: **/ matches at the root',
      [{ branches: { includes: ['main'] }, filePaths: { excludes: ['**/README.md'] } }],
      { ref: 'refs/heads/main', changedFiles: ['README.md'] },
      false,
    ],
    [
      'file paths: dot files are ordinary files',
      [{ branches: { includes: ['main'] }, filePaths: { includes: ['**'] } }],
      { ref: 'refs/heads/main', changedFiles: ['.github/workflows/ci.yml'] },
      true,
    ],
    [
      'file paths: a push with no files matches nothing',
      [{ branches: { includes: ['main'] }, filePaths: { includes: ['**'] } }],
      { ref: 'refs/heads/main', changedFiles: [] },
      false,
    ],
    [
      'file paths: unknown files cannot filter a push out',
      [{ branches: { includes: ['main'] }, filePaths: { includes: ['projectA/**'] } }],
      { ref: 'refs/heads/main' },
      true,
    ],
    [
      'branches AND file paths: right files, wrong branch',
      [{ branches: { includes: ['main'] }, filePaths: { includes: ['projectA/**'] } }],
      { ref: 'refs/heads/dev', changedFiles: ['projectA/a.ts'] },
      false,
    ],
    [
      'file paths do not apply to a tag push',
      [{ tags: { includes: ['v*'] }, filePaths: { includes: ['projectA/**'] } }],
      { ref: 'refs/tags/v1', changedFiles: ['other/x'] },
      true,
    ],
    ['a leading ! is literal, not a negation', [{ branches: { includes: ['!main'] } }], { ref: 'refs/heads/dev' }, false],
  ];

  it.each(cases)('%s', (_name, filters, push, expected) => {
    expect(matchPush(trigger(filters), push)).toBe(expected);
  });
});

describe('matchPullRequest', () => {
  const pr = (overrides: Partial<PullRequestEvent>): PullRequestEvent => ({
    event: 'OPEN',
    sourceBranch: 'feature/login',
    destinationBranch: 'main',
    ...overrides,
  });
  const cases: Array<[string, GitPullRequestFilter[] | undefined, PullRequestEvent, boolean]> = [
    ['no events listed: any event', [{ branches: { includes: ['main'] } }], pr({ event: 'CLOSED' }), true],
    ['an event listed', [{ events: ['OPEN', 'UPDATED'] }], pr({ event: 'UPDATED' }), true],
    ['an event not listed', [{ events: ['CLOSED'] }], pr({ event: 'OPEN' }), false],
    ['branches filter the destination branch', [{ branches: { includes: ['main'] } }], pr({ sourceBranch: 'dev' }), true],
    ['the source branch is not what branches filter', [{ branches: { includes: ['feature/**'] } }], pr({}), false],
    ['destination excluded', [{ branches: { includes: ['**'], excludes: ['main'] } }], pr({}), false],
    ['file paths: any included file', [{ filePaths: { includes: ['src/**'] } }], pr({ changedFiles: ['a.md', 'src/a.ts'] }), true],
    ['file paths: none included', [{ filePaths: { includes: ['src/**'] } }], pr({ changedFiles: ['a.md'] }), false],
    ['filters are ORed', [{ events: ['CLOSED'] }, { branches: { includes: ['main'] } }], pr({}), true],
    ['no pullRequest filters: never matches', undefined, pr({}), false],
  ];

  it.each(cases)('%s', (_name, filters, event, expected) => {
    expect(matchPullRequest(trigger(undefined, filters), event)).toBe(expected);
  });
});
