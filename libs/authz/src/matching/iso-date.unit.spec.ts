import { parseIsoDate } from './iso-date';

describe('condition dates', () => {
  it.each([
    ['2026-07-01T00:00:00Z', Date.UTC(2026, 6, 1)],
    ['2026-07-01', Date.UTC(2026, 6, 1)],
    ['2026-07-01T02:00:00+02:00', Date.UTC(2026, 6, 1)],
    ['2026-07-01T12:30Z', Date.UTC(2026, 6, 1, 12, 30)],
    ['2026-07-01T12:30:15.250Z', Date.UTC(2026, 6, 1, 12, 30, 15, 250)],
    ['2028-02-29', Date.UTC(2028, 1, 29)],
  ])('reads %s', (text, expected) => expect(parseIsoDate(text)).toBe(expected));

  it.each(['2026-02-30', '2027-02-29', '2026-13-01', '2026-07-01T24:00:00Z', '2026-07-01T09:00:00', '1751328000', 'next tuesday', '2026-7-1'])('refuses %s', (text) =>
    expect(parseIsoDate(text)).toBeUndefined(),
  );
});
