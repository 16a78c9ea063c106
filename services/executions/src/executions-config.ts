import { join } from 'node:path';
import { parseLogStoreLocation, type LogStoreLocation } from '@sluice/artifact-store';
import { PIPELINE_EVENTS_TOPIC } from '@sluice/contracts';
import { subgraphServeConfigFrom, type SubgraphServeConfig } from '@sluice/graphql-service/caller';
import { defaultTopicFor } from '@sluice/messaging';
import { auditChainKeyFromEnv, type AuditChainKeySource } from '@sluice/authz';
import { ConfigError, loadRuntimeConfig, masterKeyCipherFromEnv, type MasterKeyCipher, type BusConfig, type ConfigProblems, type Env, type RuntimeConfig } from '@sluice/runtime';
import { defaultJobQueuePolicy, type JobQueuePolicy } from './domain';

/** An engine node sweeps every hour unless told otherwise (docs/decisions/0056). */
export const DEFAULT_RETENTION_SWEEP_INTERVAL_MS = 3_600_000;

/** Everything the executions service takes from its environment. */
export interface ExecutionsConfig {
  /** The event store (SLUICE_EVENT_STORE, …), the bus (SLUICE_KAFKA_BROKERS, …) and the port (SLUICE_PORT). */
  runtime: RuntimeConfig;
  /** Where it listens (SLUICE_BIND_ADDRESS) and the gateway's secret (SLUICE_INTERNAL_SECRET). */
  serve: SubgraphServeConfig;
  /** Whether this process relays the store's events to the bus (SLUICE_RELAY). */
  relay: RelayConfig;
  /** `SLUICE_LOGS`: where the text of action logs is kept, a folder or an s3:// URL (default `<SLUICE_DATA_DIR>/logs`). */
  logs: LogStoreLocation;
  /** `SLUICE_JOB_ACK_TIMEOUT_MS`, `SLUICE_JOB_HEARTBEAT_TIMEOUT_MS`: when a silent worker's job goes back on the queue. */
  jobQueuePolicy: JobQueuePolicy;
  /**
   * `SLUICE_KAFKA_TOPIC_PREFIX`: prepended (with a dot) to every topic this process relays to and reads, so that
   * several installations (or test runs) can share one broker. Empty by default: `sluice.pipeline.events`, …
   */
  topicPrefix: string;
  /** The server's master key (SLUICE_ACCESS_KEY_MASTER_KEY, else SLUICE_DATA_DIR's file): opens secrets for jobs (decision 0043). */
  masterKeyCipher: MasterKeyCipher;
  /** SLUICE_AUDIT_KEY, else SLUICE_DATA_DIR's file: each use of a secret is audited (decision 0028). */
  auditKey: AuditChainKeySource;
  /** `SLUICE_RETENTION_SWEEP_INTERVAL_MS`: how often this engine node runs the retention sweep (default hourly; 0 never). */
  retentionSweepIntervalMs: number;
}

/**
 * The one reader of the environment in the executions service: composition and the API take what this returns.
 * Every bad variable of its own is named at once (`ConfigError`), before the runtime's, the relay's and the
 * subgraph's variables are read.
 */
export function loadExecutionsConfig(env: Env): ExecutionsConfig {
  const problems: ConfigProblems = [];
  const topicPrefix = topicPrefixFrom(env, problems);
  const jobQueuePolicy = jobQueuePolicyFrom(env, problems);
  const retentionSweepIntervalMs = retentionSweepIntervalFrom(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  const runtime = loadRuntimeConfig(env);
  const logs = parseLogStoreLocation(env.SLUICE_LOGS?.trim() || join(runtime.dataDir, 'logs'));
  if ('problem' in logs) throw new ConfigError([{ variable: 'SLUICE_LOGS', reason: logs.problem }]);
  const relay = relayConfigFrom(env, runtime.bus);
  return { runtime, serve: subgraphServeConfigFrom(env, runtime.port), relay, jobQueuePolicy, topicPrefix, logs, masterKeyCipher: masterKeyCipherFromEnv(env), auditKey: auditChainKeyFromEnv(env), retentionSweepIntervalMs };
}

/** `SLUICE_RETENTION_SWEEP_INTERVAL_MS` (the embedded platform reads it too): a problem when it is not 0 or 1 s–7 days. */
export function retentionSweepIntervalFrom(env: Env, problems: ConfigProblems): number {
  const raw = env.SLUICE_RETENTION_SWEEP_INTERVAL_MS?.trim();
  if (!raw) return DEFAULT_RETENTION_SWEEP_INTERVAL_MS;
  const value = Number(raw);
  if (!Number.isInteger(value) || (value !== 0 && (value < 1_000 || value > 7 * 24 * 3600_000))) {
    problems.push({ variable: 'SLUICE_RETENTION_SWEEP_INTERVAL_MS', reason: `'${raw}' is not 0 (never) or a number of milliseconds between 1000 and 604800000` });
  }
  return value;
}

const TOPIC_PREFIX = /^[A-Za-z0-9._-]{1,100}$/;

function topicPrefixFrom(env: Env, problems: ConfigProblems): string {
  const topicPrefix = env.SLUICE_KAFKA_TOPIC_PREFIX?.trim() ?? '';
  if (topicPrefix !== '' && !TOPIC_PREFIX.test(topicPrefix)) {
    problems.push({ variable: 'SLUICE_KAFKA_TOPIC_PREFIX', reason: `'${topicPrefix}' is not a topic name prefix (letters, digits, '.', '_', '-')` });
  }
  return topicPrefix;
}

function jobQueuePolicyFrom(env: Env, problems: ConfigProblems): JobQueuePolicy {
  return {
    acknowledgeWithinMs: positiveMs(env, 'SLUICE_JOB_ACK_TIMEOUT_MS', defaultJobQueuePolicy.acknowledgeWithinMs, problems),
    heartbeatWithinMs: positiveMs(env, 'SLUICE_JOB_HEARTBEAT_TIMEOUT_MS', defaultJobQueuePolicy.heartbeatWithinMs, problems),
  };
}

function positiveMs(env: Env, variable: string, fallback: number, problems: ConfigProblems): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 100 || value > 7 * 24 * 3600_000) {
    problems.push({ variable, reason: `'${raw}' is not a number of milliseconds between 100 and 604800000` });
  }
  return value;
}

/** Whether this process relays the store's events to the bus (`SLUICE_RELAY`). */
export type RelayConfig = { kind: 'off' } | { kind: 'pipeline-events' } | { kind: 'all-events' };

/**
 * The engine learns definitions from pipeline events on the bus. An in-process bus hears only this
 * process, so the relay must run here (pipeline events only, as the engine needs): on by default,
 * `SLUICE_RELAY=0` is an error. On Kafka one relay serves the deployment: off by default,
 * `SLUICE_RELAY=1` makes this process that relay (every event, checkpoint in the store).
 */
function relayConfigFrom(env: Env, bus: BusConfig): RelayConfig {
  const raw = env.SLUICE_RELAY?.trim() ?? '';
  if (raw !== '' && raw !== '0' && raw !== '1') throw new ConfigError([{ variable: 'SLUICE_RELAY', reason: `'${raw}' is not 0 or 1` }]);
  if (bus.kind === 'in-process') {
    if (raw === '0') {
      throw new ConfigError([{ variable: 'SLUICE_RELAY', reason: 'the in-process bus hears only this process: its relay must run here (set SLUICE_KAFKA_BROKERS to relay elsewhere)' }]);
    }
    return { kind: 'pipeline-events' };
  }
  return raw === '1' ? { kind: 'all-events' } : { kind: 'off' };
}

/** The topic of an event for the relay, and of the pipeline events for the engine, under the prefix. */
export function prefixedTopics(prefix: string): { topicFor: typeof defaultTopicFor; pipelineEventsTopic: string } {
  const withPrefix = (topic: string) => (prefix ? `${prefix}.${topic}` : topic);
  return { topicFor: (event) => withPrefix(defaultTopicFor(event)), pipelineEventsTopic: withPrefix(PIPELINE_EVENTS_TOPIC) };
}
