import { repositoryName } from './repository-name';

describe('repositoryName', () => {
  it.each([
    ['https://github.com/team/app.git', 'app'],
    ['https://bot:token@github.com/team/app', 'app'],
    ['git@github.com:team/app.git', 'app'],
    ['ssh://git@host:2222/team/app.git/', 'app'],
    ['file:///tmp/repos/service', 'service'],
    ['/srv/git/site.git/', 'site'],
    ['C:\\repos\\tool.git', 'tool'],
  ])('%s -> %s', (url, name) => {
    expect(repositoryName(url)).toBe(name);
  });
});
