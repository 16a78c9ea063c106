// `npm start`: the whole platform in one process, configured by environment variables. Its log stays plain lines
// for a person at a terminal unless SLUICE_LOG_FORMAT=json (one JSON object a line, as the distributed processes).
import { ConfigError, createLogger, loadRuntimeConfig, logConfigFrom, runUntilSignal, type ConfigProblems } from '@sluice/runtime';
import { startPlatform } from './platform';
import { pollIntervalFromEnv } from '@sluice/triggers-service';

const problems: ConfigProblems = [];
const logConfig = logConfigFrom(process.env, problems, 'text');
const logger = logConfig.format === 'json' ? createLogger({ service: 'sluice', ...logConfig }) : undefined;

runUntilSignal(
  async () => {
    if (problems.length > 0) throw new ConfigError(problems);
    const platform = await startPlatform(loadRuntimeConfig(process.env), { pollIntervalMs: pollIntervalFromEnv(process.env), ...(logger ? { log: logger.line } : {}) });
    return () => platform.stop();
  },
  { logger },
);
