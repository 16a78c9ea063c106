import { logLevel } from 'kafkajs';

const LEVELS: Record<string, logLevel> = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

export type KafkaLogLevelName = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

/**
 * kafkajs logs every retry and rebalance, which buries test output; it stays silent unless asked
 * (option, or SLUICE_KAFKA_LOG=error|warn|info|debug). Failures still reach callers as errors.
 */
export function kafkaLogLevel(name: string | undefined = process.env.SLUICE_KAFKA_LOG): logLevel {
  if (name === undefined || name === '') return logLevel.NOTHING;
  const level = LEVELS[name.toLowerCase()];
  if (level === undefined) {
    throw new Error(`SLUICE_KAFKA_LOG must be one of ${Object.keys(LEVELS).join(', ')}, got '${name}'`);
  }
  return level;
}
