// Lists read page by page, newest first, while live updates add rows: a row can come twice (a page and an update, or
// two pages when newer rows pushed it down), and is shown once.

/** The rows of `incoming` that `shown` does not hold yet, told apart by `key`. */
export function notShown<Row>(incoming: readonly Row[], shown: readonly Row[] | undefined, key: (row: Row) => string): Row[] {
  const known = new Set((shown ?? []).map(key));
  return incoming.filter((row) => !known.has(key(row)));
}
