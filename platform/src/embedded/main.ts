// `npm start`: the whole platform in one process, configured by environment variables (platform-config.ts, read once
// here). Its log stays plain lines for a person at a terminal unless SLUICE_LOG_FORMAT=json (one JSON object a line, as
// the distributed processes).
import { createLogger, runUntilSignal } from '@sluice/runtime';
import { startPlatform } from './platform';
import { loadPlatformConfig, type PlatformConfig } from './platform-config';

let config: PlatformConfig | undefined;
let configProblem: unknown;
try {
  config = loadPlatformConfig(process.env);
} catch (error) {
  // Said by runUntilSignal below, as any failure to start: a ConfigError lists every bad variable.
  configProblem = error;
}
const logger = config?.log.format === 'json' ? createLogger({ service: 'sluice', ...config.log }) : undefined;

runUntilSignal(
  async () => {
    if (!config) throw configProblem;
    const platform = await startPlatform(config, logger ? { log: logger.line } : {});
    return () => platform.stop();
  },
  { logger },
);
