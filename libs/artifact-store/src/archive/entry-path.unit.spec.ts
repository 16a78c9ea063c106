import { UnsafeArchiveEntryError } from './archive-errors';
import { assertSafeSymlinkTarget, entrySegments } from './entry-path';

describe('entrySegments', () => {
  it.each([
    ['a/b/c.txt', ['a', 'b', 'c.txt']],
    ['./a//b/', ['a', 'b']],
    ['./', []],
    ['ünïcødé/日本語.txt', ['ünïcødé', '日本語.txt']],
    ['a..b/..c', ['a..b', '..c']],
  ])('accepts %j', (name, segments) => {
    expect(entrySegments(name)).toEqual(segments);
  });

  it.each([
    ['../x', "'..' segment"],
    ['a/../../x', "'..' segment"],
    ['a/../x', "'..' segment"],
    ['..', "'..' segment"],
    ['/etc/passwd', 'absolute path'],
    ['//server/share', 'absolute path'],
    ['C:/Windows/x', 'Windows drive'],
    ['c:x', 'Windows drive'],
    ['..\\x', 'backslash'],
    ['a\\..\\..\\x', 'backslash'],
    ['C:\\x', 'backslash'],
    ['a\0b', 'NUL'],
  ])('refuses %j', (name, reason) => {
    expect(() => entrySegments(name)).toThrow(UnsafeArchiveEntryError);
    expect(() => entrySegments(name)).toThrow(reason);
    expect(() => entrySegments(name)).toThrow(JSON.stringify(name));
  });
});

describe('assertSafeSymlinkTarget', () => {
  const noLinks = () => false;
  it.each([
    [['link'], 'a/b.txt'],
    [['a', 'link'], '../b.txt'],
    [['a', 'link'], '..'],
    [['link'], '.'],
    [['a', 'b', 'link'], '../../c/../d'],
  ])('accepts %j -> %j', (segments, target) => {
    expect(() => assertSafeSymlinkTarget(segments.join('/'), segments, target, noLinks)).not.toThrow();
  });

  it.each([
    [['link'], '..', 'points outside'],
    [['a', 'link'], '../../x', 'points outside'],
    [['a', 'link'], 'b/../../../x', 'points outside'],
    [['link'], '/etc/passwd', 'absolute path'],
    [['link'], 'C:/x', 'absolute path'],
    [['link'], '..\\x', 'backslash'],
    [['link'], '', 'empty target'],
  ])('refuses %j -> %j', (segments, target, reason) => {
    expect(() => assertSafeSymlinkTarget('the-link', segments, target, noLinks)).toThrow(reason);
  });

  it('refuses a target that goes through another symlink of the archive', () => {
    const isLink = (segments: string[]) => segments.join('/') === 'a';
    expect(() => assertSafeSymlinkTarget('b', ['b'], 'a/..', isLink)).toThrow('goes through another symlink (a)');
    expect(() => assertSafeSymlinkTarget('b', ['b'], 'a', isLink)).not.toThrow();
  });
});
