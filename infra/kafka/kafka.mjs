#!/usr/bin/env node
// Local Kafka broker for development: `node infra/kafka/kafka.mjs fetch|start|stop|status`.
// The implementation is libs/testing/src/kafka-broker.ts (the same one the tests use), loaded through tsx.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { require as tsxRequire } from 'tsx/cjs/api';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const kafka = tsxRequire('../../libs/testing/src/kafka-broker.ts', import.meta.url);
// Where `npm run start:distributed` keeps the broker it starts: `$SLUICE_DATA_DIR/kafka` (./.sluice/kafka by default), so
// `SLUICE_DATA_DIR=… npm run kafka:stop` stops the broker that a start with that data folder left running.
const dataDir = process.env.SLUICE_DATA_DIR?.trim();
const workDir = process.env.SLUICE_KAFKA_DIR ?? (dataDir ? join(resolve(dataDir), 'kafka') : join(repoRoot, '.sluice', 'kafka'));
const port = Number(process.env.SLUICE_KAFKA_PORT ?? 9092);

const commands = {
  async fetch() {
    console.log(await kafka.ensureKafkaJars());
  },
  async start() {
    const status = kafka.detachedBrokerStatus(workDir);
    if (status.running) {
      console.log(`Kafka already running (pid ${status.pid}): ${status.brokers.join(',')}`);
      return;
    }
    const started = Date.now();
    const broker = await kafka.startKafkaBroker({ port, workDir, detached: true });
    console.error(`Kafka ${broker.version} started in ${((Date.now() - started) / 1000).toFixed(1)}s (pid ${broker.pid}, data ${broker.logDir}, log ${broker.logFile})`);
    console.log(broker.brokers.join(','));
  },
  async stop() {
    console.log((await kafka.stopDetachedBroker(workDir)) ? 'Kafka stopped' : 'Kafka was not running');
  },
  async status() {
    const status = kafka.detachedBrokerStatus(workDir);
    console.log(status.running ? `running (pid ${status.pid}): ${status.brokers.join(',')}` : 'stopped');
    process.exitCode = status.running ? 0 : 3;
  },
};

const command = commands[process.argv[2]];
if (!command) {
  console.error('usage: node infra/kafka/kafka.mjs fetch|start|stop|status   (env: SLUICE_KAFKA_PORT, SLUICE_KAFKA_VERSION, SLUICE_KAFKA_DIR, SLUICE_CACHE_DIR)');
  process.exit(2);
}
try {
  await command();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
