import type { RuleEvaluator, RuleOutcome } from './stage-condition-evaluator';

export const DEPLOYMENT_WINDOW_RULE_TYPE = 'AWS/DeploymentWindow/1';

/**
 * CodePipeline's DeploymentWindow rule (rule-reference-DeploymentWindow): passes while the current minute is one
 * `Cron` allows, read in `TimeZone` (an IANA zone, default UTC). The expression is AWS's: seconds (only `*`),
 * minutes, hours, day-of-month, month (1-12 or JAN-DEC), day-of-week (1-7 or SUN-SAT, 1 = Sunday), and an optional
 * year; `*`, `?`, ranges, lists and `/` steps everywhere, `L` in day-of-month (the month's last day), `nL` (the
 * month's last such weekday) and `n#k` (its k-th) in day-of-week. `W` and `L-n` are refused, naming them.
 */
export function deploymentWindowRule(now: () => Date = () => new Date()): RuleEvaluator {
  return (rule) => {
    const configuration = rule.configuration ?? {};
    const cron = configuration['Cron'];
    if (cron === undefined) return fail('the configuration lacks Cron');
    const timeZone = configuration['TimeZone'] ?? 'UTC';
    const parsed = parseWindowCron(cron);
    if (!parsed.ok) return fail(`Cron ${JSON.stringify(cron)}: ${parsed.problem}`);
    const local = localTime(now(), timeZone);
    if (!local) return fail(`TimeZone ${JSON.stringify(timeZone)} is not a time zone (an IANA name such as Europe/Paris, or UTC)`);
    const open = parsed.matches(local);
    const at = `${local.year}-${pad(local.month)}-${pad(local.day)} ${pad(local.hour)}:${pad(local.minute)} ${timeZone}`;
    return { passed: open, message: open ? `${at} is inside the window ${cron}` : `${at} is outside the window ${cron}` };
  };
}

const fail = (message: string): RuleOutcome => ({ passed: false, message });
const pad = (n: number): string => String(n).padStart(2, '0');

/** A wall-clock time in a zone, with the day of the week (1 = Sunday, as AWS counts). */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
  /** Days in this month. */
  daysInMonth: number;
}

const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

export function localTime(instant: Date, timeZone: string): LocalTime | undefined {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
  } catch {
    return undefined;
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((part) => [part.type, part.value]));
  const year = Number(parts.year);
  const month = Number(parts.month);
  return {
    year,
    month,
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: WEEKDAYS.indexOf(String(parts.weekday).toUpperCase().slice(0, 3)) + 1,
    daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate(),
  };
}

type Parsed = { ok: true; matches: (time: LocalTime) => boolean } | { ok: false; problem: string };

/** One field's allowed values, from `*`, `?`, `a`, `a-b`, `a/s`, `a-b/s`, lists of those; names through `names`. */
function numbers(field: string, label: string, min: number, max: number, names: string[] = [], nameBase = 1): Set<number> | string {
  const values = new Set<number>();
  const value = (text: string): number | undefined => {
    const named = names.indexOf(text.toUpperCase());
    if (named >= 0) return named + nameBase;
    return /^\d+$/.test(text) ? Number(text) : undefined;
  };
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : /^\d+$/.test(stepText) && Number(stepText) > 0 ? Number(stepText) : undefined;
    if (step === undefined) return `${label}: '${part}' has a step that is not a positive whole number`;
    let low: number | undefined;
    let high: number | undefined;
    if (range === '*' || range === '?') [low, high] = [min, max];
    else if (range.includes('-')) [low, high] = range.split('-').map(value) as [number | undefined, number | undefined];
    else [low, high] = [value(range), stepText === undefined ? value(range) : max];
    if (low === undefined || high === undefined || low < min || high > max || low > high) return `${label}: '${part}' is not within ${min}-${max}`;
    for (let n = low; n <= high; n += step) values.add(n);
  }
  return values;
}

export function parseWindowCron(expression: string): Parsed {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 6 && fields.length !== 7) return { ok: false, problem: `has ${fields.length} fields; it needs 6 (seconds minutes hours day-of-month month day-of-week) and an optional year` };
  const [seconds, minutes, hours, dayOfMonth, month, dayOfWeek, year = '*'] = fields as [string, string, string, string, string, string, string?];
  if (seconds !== '*') return { ok: false, problem: `seconds must be '*' (a window is whole minutes), got '${seconds}'` };
  for (const [text, label] of [
    [dayOfMonth, 'day-of-month'],
    [dayOfWeek, 'day-of-week'],
  ] as const) {
    if (/W|L-/.test(text)) return { ok: false, problem: `${label}: '${text}' uses W or L-n, which Sluice does not support` };
  }
  if (dayOfMonth !== '?' && dayOfWeek !== '?' && dayOfMonth !== '*' && dayOfWeek !== '*') return { ok: false, problem: `day-of-month and day-of-week are both set; put '?' in one of them` };
  const minuteSet = numbers(minutes, 'minutes', 0, 59);
  const hourSet = numbers(hours, 'hours', 0, 23);
  const monthSet = numbers(month, 'month', 1, 12, MONTHS);
  const yearSet = numbers(year, 'year', 1970, 2199);
  for (const set of [minuteSet, hourSet, monthSet, yearSet]) if (typeof set === 'string') return { ok: false, problem: set };

  let dayMatches: (time: LocalTime) => boolean;
  if (dayOfMonth === 'L') {
    dayMatches = (time) => time.day === time.daysInMonth;
  } else if (dayOfMonth !== '?' && dayOfMonth !== '*') {
    const days = numbers(dayOfMonth, 'day-of-month', 1, 31);
    if (typeof days === 'string') return { ok: false, problem: days };
    dayMatches = (time) => days.has(time.day);
  } else if (/^([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)L$/i.test(dayOfWeek) || dayOfWeek.toUpperCase() === 'L') {
    const weekday = dayOfWeek.toUpperCase() === 'L' ? 7 : (numbers(dayOfWeek.slice(0, -1), 'day-of-week', 1, 7, WEEKDAYS) as Set<number>).values().next().value!;
    dayMatches = dayOfWeek.toUpperCase() === 'L' ? (time) => time.weekday === 7 : (time) => time.weekday === weekday && time.day + 7 > time.daysInMonth;
  } else if (/^[^#]+#[1-5]$/.test(dayOfWeek)) {
    const [weekdayText, nth] = dayOfWeek.split('#') as [string, string];
    const weekday = numbers(weekdayText, 'day-of-week', 1, 7, WEEKDAYS);
    if (typeof weekday === 'string' || weekday.size !== 1) return { ok: false, problem: `day-of-week: '${dayOfWeek}' is not one weekday and its number in the month` };
    const day = weekday.values().next().value!;
    dayMatches = (time) => time.weekday === day && Math.ceil(time.day / 7) === Number(nth);
  } else {
    const weekdays = numbers(dayOfWeek, 'day-of-week', 1, 7, WEEKDAYS);
    if (typeof weekdays === 'string') return { ok: false, problem: weekdays };
    dayMatches = (time) => weekdays.has(time.weekday);
  }
  const [m, h, mo, y] = [minuteSet, hourSet, monthSet, yearSet] as Set<number>[];
  return { ok: true, matches: (time) => m!.has(time.minute) && h!.has(time.hour) && mo!.has(time.month) && y!.has(time.year) && dayMatches(time) };
}
