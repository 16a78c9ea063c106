/**
 * Dates in conditions: ISO 8601 in UTC or with an offset (`2026-07-01T00:00:00Z`,
 * `2026-07-01T02:00:00+02:00`) or a plain date (`2026-07-01`, midnight UTC). A time without a zone
 * is refused: it would mean a different instant on every server.
 */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Milliseconds since the epoch, or undefined when the text is not such a date or names no real day. */
export function parseIsoDate(text: string): number | undefined {
  const match = ISO_DATE.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match;
  const time = Date.parse(hour === undefined ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(time)) return undefined;
  // Date.parse rolls 2026-02-30 over to March; a date that is not on the calendar is a typo.
  const probe = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (probe.getUTCMonth() !== Number(month) - 1 || probe.getUTCDate() !== Number(day)) return undefined;
  if (Number(hour ?? 0) > 23 || Number(minute ?? 0) > 59 || Number(second ?? 0) > 59) return undefined;
  return time;
}
