import { PIPELINE_EVENTS_TOPIC } from '@sluice/contracts';
import { defaultTopicFor } from '@sluice/messaging';
import type { ConfigProblems, Env } from '@sluice/runtime';
import { defaultJobQueuePolicy, type JobQueuePolicy } from './domain';

/** What the executions process reads from the environment beyond libs/runtime's variables. */
export interface ExecutionsEnv {
  /** `SLUICE_JOB_ACK_TIMEOUT_MS`, `SLUICE_JOB_HEARTBEAT_TIMEOUT_MS`: when a silent worker's job goes back on the queue. */
  jobQueuePolicy: JobQueuePolicy;
  /**
   * `SLUICE_KAFKA_TOPIC_PREFIX`: prepended (with a dot) to every topic this process relays to and reads, so that
   * several installations (or test runs) can share one broker. Empty by default: `sluice.pipeline.events`, …
   */
  topicPrefix: string;
}

const TOPIC_PREFIX = /^[A-Za-z0-9._-]{1,100}$/;

function positiveMs(env: Env, variable: string, fallback: number, problems: ConfigProblems): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 100 || value > 7 * 24 * 3600_000) {
    problems.push({ variable, reason: `'${raw}' is not a number of milliseconds between 100 and 604800000` });
  }
  return value;
}

export function executionsEnvFrom(env: Env, problems: ConfigProblems): ExecutionsEnv {
  const topicPrefix = env.SLUICE_KAFKA_TOPIC_PREFIX?.trim() ?? '';
  if (topicPrefix !== '' && !TOPIC_PREFIX.test(topicPrefix)) {
    problems.push({ variable: 'SLUICE_KAFKA_TOPIC_PREFIX', reason: `'${topicPrefix}' is not a topic name prefix (letters, digits, '.', '_', '-')` });
  }
  return {
    jobQueuePolicy: {
      acknowledgeWithinMs: positiveMs(env, 'SLUICE_JOB_ACK_TIMEOUT_MS', defaultJobQueuePolicy.acknowledgeWithinMs, problems),
      heartbeatWithinMs: positiveMs(env, 'SLUICE_JOB_HEARTBEAT_TIMEOUT_MS', defaultJobQueuePolicy.heartbeatWithinMs, problems),
    },
    topicPrefix,
  };
}

/** The topic of an event for the relay, and of the pipeline events for the engine, under the prefix. */
export function prefixedTopics(prefix: string): { topicFor: typeof defaultTopicFor; pipelineEventsTopic: string } {
  const withPrefix = (topic: string) => (prefix ? `${prefix}.${topic}` : topic);
  return { topicFor: (event) => withPrefix(defaultTopicFor(event)), pipelineEventsTopic: withPrefix(PIPELINE_EVENTS_TOPIC) };
}
