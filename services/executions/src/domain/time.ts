/** Instants are ISO-8601 strings in events; arithmetic on them never reads the clock. */
export function addMilliseconds(instant: string, milliseconds: number): string {
  return new Date(Date.parse(instant) + milliseconds).toISOString();
}

export function addMinutes(instant: string, minutes: number): string {
  return addMilliseconds(instant, minutes * 60_000);
}

/** True when `now` is at or past `deadline`. */
export function hasPassed(deadline: string, now: string): boolean {
  return Date.parse(now) >= Date.parse(deadline);
}

export function millisecondsBetween(from: string, to: string): number {
  return Date.parse(to) - Date.parse(from);
}
