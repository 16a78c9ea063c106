import pino from 'pino';
import { ConfigError, type ConfigProblems, type Env } from './runtime-config';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'text'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** The same logger with `fields` added to every line (e.g. `{ component: 'relay' }`). */
  child(fields: LogFields): Logger;
  /** For components that take a `(line: string) => void` sink: each line logged at `info`. */
  readonly line: (line: string) => void;
}

export interface LogConfig {
  format: LogFormat;
  level: LogLevel;
}

export interface LoggerOptions extends Partial<LogConfig> {
  /** The process's service name, on every line (`pipelines`, `executions`, `worker`, `gateway`). */
  service: string;
  /** Where a finished line goes (without its newline). Default: stdout. */
  write?: (line: string) => void;
  now?: () => Date;
}

/**
 * `SLUICE_LOG_FORMAT` (json|text) and `SLUICE_LOG_LEVEL` (debug|info|warn|error, default info); a bad value is
 * added to `problems`. Separate processes default to JSON, the embedded platform to text (`defaultFormat`).
 */
export function logConfigFrom(env: Env, problems: ConfigProblems, defaultFormat: LogFormat = 'json'): LogConfig {
  const format = env.SLUICE_LOG_FORMAT?.trim().toLowerCase() || defaultFormat;
  const level = env.SLUICE_LOG_LEVEL?.trim().toLowerCase() || 'info';
  if (!(LOG_FORMATS as readonly string[]).includes(format)) {
    problems.push({ variable: 'SLUICE_LOG_FORMAT', reason: `'${env.SLUICE_LOG_FORMAT}' is not one of ${LOG_FORMATS.join(', ')}` });
  }
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    problems.push({ variable: 'SLUICE_LOG_LEVEL', reason: `'${env.SLUICE_LOG_LEVEL}' is not one of ${LOG_LEVELS.join(', ')}` });
  }
  return { format: format as LogFormat, level: level as LogLevel };
}

/** `logConfigFrom` alone: throws a `ConfigError` naming the variable. */
export function loadLogConfig(env: Env = process.env, defaultFormat: LogFormat = 'json'): LogConfig {
  const problems: ConfigProblems = [];
  const config = logConfigFrom(env, problems, defaultFormat);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** An Error as plain JSON (its own enumerable fields such as `code` kept), a bigint as its digits; everything else as it is. */
function plain(value: unknown): unknown {
  if (value instanceof Error) {
    const extra = Object.fromEntries(Object.entries(value));
    return { ...extra, name: value.name, message: value.message, ...(value.stack ? { stack: value.stack } : {}) };
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}

function textValue(value: unknown): string {
  const v = plain(value);
  if (typeof v === 'string') return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v;
  if (v && typeof v === 'object' && 'message' in v && 'name' in v) return JSON.stringify(`${String(v.name)}: ${String(v.message)}`);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** pino's JSON line as text for a person: `time LEVEL [service] msg key=value …` (the fields in pino's order). */
function textLine(json: string): string {
  const { time, level, service, msg, ...fields } = JSON.parse(json) as Record<string, unknown>;
  const rest = Object.entries(fields)
    .map(([k, v]) => ` ${k}=${textValue(v)}`)
    .join('');
  return `${String(time)} ${String(level).toUpperCase().padEnd(5)} [${String(service)}] ${String(msg)}${rest}`;
}

/**
 * One line per entry, written by pino. JSON: `{"level","time","service", …fields, "msg"}` — one object a line, for a
 * log collector (an Error as name, message, stack and its own fields; a cycle as "[Circular]", a field that cannot be serialized named so, the message kept); text:
 * `time LEVEL [service] msg key=value …`, for a person at a terminal.
 */
export function createLogger(options: LoggerOptions): Logger {
  const format = options.format ?? 'json';
  const now = options.now ?? (() => new Date());
  const finished = (line: string): string => (line.endsWith('\n') ? line.slice(0, -1) : line);
  const destination: pino.DestinationStream =
    options.write === undefined && format === 'json'
      ? pino.destination({ dest: 1, sync: true })
      : (() => {
          const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
          return { write: (chunk: string) => write(format === 'json' ? finished(chunk) : textLine(finished(chunk))) };
        })();
  const base = pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service },
      timestamp: () => `,"time":"${now().toISOString()}"`,
      formatters: {
        level: (label) => ({ level: label }),
        // An Error or a bigint as a field of its own (pino's serializers only look at `err`).
        log: (fields) => Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, plain(value)])),
      },
    },
    destination,
  );

  const make = (bound: LogFields): Logger => {
    const log = (level: LogLevel) => (msg: string, fields: LogFields = {}) => {
      if (!base.isLevelEnabled(level)) return;
      base[level]({ ...bound, ...fields }, msg);
    };
    const info = log('info');
    return { debug: log('debug'), info, warn: log('warn'), error: log('error'), child: (fields) => make({ ...bound, ...fields }), line: (line) => info(line) };
  };
  return make({});
}

