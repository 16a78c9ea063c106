import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A real repository in `dir`, committed to with a fixed identity and the dates the test gives. */
export class GitRepository {
  /** Initialises a repository in `dir`, unless `existing`. */
  constructor(
    readonly dir: string,
    existing = false,
  ) {
    if (!existing) this.git('init', '-q', '-b', 'main');
  }

  git(...args: string[]): string {
    return this.gitAt(undefined, args);
  }

  write(path: string, content: string, executable = false): void {
    const file = join(this.dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    if (executable) chmodSync(file, 0o755);
  }

  /** Commits everything with `message` at `date` (ISO 8601); returns the commit id. */
  commit(message: string, date: string): string {
    this.git('add', '-A');
    this.gitAt(date, ['commit', '-q', '-m', message]);
    return this.git('rev-parse', 'HEAD');
  }

  private gitAt(date: string | undefined, args: string[]): string {
    const identity = { GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.com' };
    const dates = date === undefined ? {} : { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
    return execFileSync('git', args, { cwd: this.dir, encoding: 'utf8', env: { ...process.env, ...identity, ...dates } }).trim();
  }
}
