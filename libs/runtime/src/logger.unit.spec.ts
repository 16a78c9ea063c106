import { createLogger, loadLogConfig, logConfigFrom, type LoggerOptions } from './logger';
import { ConfigError, type ConfigProblems } from './runtime-config';

const at = new Date('2026-11-25T03:40:00.123Z');

function capture(options: Partial<LoggerOptions> = {}) {
  const lines: string[] = [];
  const logger = createLogger({ service: 'executions', now: () => at, write: (line) => lines.push(line), ...options });
  return { logger, lines };
}

describe('createLogger', () => {
  it('writes one JSON object a line through pino: level, time, service, the fields, msg', () => {
    const { logger, lines } = capture();
    logger.info('executions service listening', { port: 4102, url: 'http://localhost:4102' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(Object.keys(JSON.parse(lines[0]!))).toEqual(['level', 'time', 'service', 'port', 'url', 'msg']);
    expect(JSON.parse(lines[0]!)).toEqual({
      time: '2026-11-25T03:40:00.123Z',
      level: 'info',
      service: 'executions',
      msg: 'executions service listening',
      port: 4102,
      url: 'http://localhost:4102',
    });
  });

  it('keeps a multi-line message on one line and an error as name, message, stack and code', () => {
    const { logger, lines } = capture();
    const error = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    logger.error('relay: publish failed\nretrying', { error, position: 12n });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry.msg).toBe('relay: publish failed\nretrying');
    expect(entry.level).toBe('error');
    expect(entry.position).toBe('12');
    expect(entry.error).toMatchObject({ name: 'Error', message: 'connect ECONNREFUSED', code: 'ECONNREFUSED' });
    expect(entry.error.stack).toContain('logger.unit.spec.ts');
  });

  it('does not lose the message when a field is a cycle or cannot be serialized', () => {
    const { logger, lines } = capture();
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    logger.warn('odd field', { cycle });
    expect(JSON.parse(lines[0]!)).toEqual({ time: at.toISOString(), level: 'warn', service: 'executions', msg: 'odd field', cycle: { self: '[Circular]' } });
    const throwing = { get value(): never { throw new Error('no value') } };
    logger.warn('odder field', { throwing });
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 'warn', msg: 'odder field', throwing: expect.stringContaining('unable to serialize') });
  });

  it('drops entries below its level', () => {
    const { logger, lines } = capture({ level: 'warn' });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['w', 'e']);
  });

  it('adds a child logger’s fields to every line, the call’s own fields winning', () => {
    const { logger, lines } = capture();
    const relay = logger.child({ component: 'relay', instance: 1 });
    relay.info('started', { instance: 2 });
    logger.line('plain line');
    expect(JSON.parse(lines[0]!)).toMatchObject({ component: 'relay', instance: 2, msg: 'started' });
    expect(JSON.parse(lines[1]!)).toEqual({ time: at.toISOString(), level: 'info', service: 'executions', msg: 'plain line' });
  });

  it('writes text for a person: time, level, service, message, key=value', () => {
    const { logger, lines } = capture({ format: 'text' });
    logger.warn('lease expired', { jobId: 'j-1', reason: 'no heartbeat', attempts: 2 });
    expect(lines).toEqual(['2026-11-25T03:40:00.123Z WARN  [executions] lease expired jobId=j-1 reason="no heartbeat" attempts=2']);
  });
});

describe('logConfigFrom', () => {
  it('defaults to JSON at info, or to the default format given', () => {
    expect(loadLogConfig({})).toEqual({ format: 'json', level: 'info' });
    expect(loadLogConfig({}, 'text')).toEqual({ format: 'text', level: 'info' });
    expect(loadLogConfig({ SLUICE_LOG_FORMAT: 'TEXT', SLUICE_LOG_LEVEL: ' debug ' })).toEqual({ format: 'text', level: 'debug' });
  });

  it('names each bad variable', () => {
    const problems: ConfigProblems = [];
    logConfigFrom({ SLUICE_LOG_FORMAT: 'yaml', SLUICE_LOG_LEVEL: 'verbose' }, problems);
    expect(problems).toEqual([
      { variable: 'SLUICE_LOG_FORMAT', reason: "'yaml' is not one of json, text" },
      { variable: 'SLUICE_LOG_LEVEL', reason: "'verbose' is not one of debug, info, warn, error" },
    ]);
    expect(() => loadLogConfig({ SLUICE_LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    expect(() => loadLogConfig({ SLUICE_LOG_LEVEL: 'loud' })).toThrow(/SLUICE_LOG_LEVEL: 'loud' is not one of/);
  });
});
