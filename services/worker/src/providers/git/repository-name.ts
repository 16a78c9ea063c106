/** `app` for `https://host/team/app.git`, `git@host:team/app.git`, `/srv/git/app/` and the like. */
export function repositoryName(url: string): string {
  const withoutQuery = url.replace(/[?#].*$/, '').replace(/[/\\]+$/, '');
  const last = withoutQuery.split(/[/:\\]/).pop() ?? '';
  return last.replace(/\.git$/, '') || withoutQuery;
}
