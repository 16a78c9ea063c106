import { originFormTarget } from './request-target';

describe('originFormTarget', () => {
  it.each([
    ['/graphql', '/graphql', ''],
    ['/artifacts/download/abc.def?x=1', '/artifacts/download/abc.def', '?x=1'],
    ['/a/../graphql', '/graphql', ''],
    ['/%2F%2F127.0.0.1:9/x', '/%2F%2F127.0.0.1:9/x', ''],
  ])('reads %s as a path of this server', (raw, path, search) => {
    expect(originFormTarget(raw)).toEqual({ ok: true, path, search });
  });

  it.each([
    ['//127.0.0.1:9/artifacts/download/x', 'must not start with "//"'],
    ['http://127.0.0.1:9/artifacts/download/x', 'origin-form'],
    ['*', 'origin-form'],
    ['', 'no target'],
    [undefined, 'no target'],
    ['/\\127.0.0.1:9/artifacts/download/x', 'backslash'],
    ['/\\\\127.0.0.1/x', 'backslash'],
    ['/x\u0000', 'control character'],
  ])('refuses %j', (raw, problem) => {
    const target = originFormTarget(raw);
    expect(target.ok).toBe(false);
    expect(target.ok ? '' : target.problem).toContain(problem);
  });
});
