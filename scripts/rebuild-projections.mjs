// `npm run rebuild-projections`: drops every projection of every service and folds the configured store into
// it again, with progress (events read / total, rate, per projection). Runs under tsx (the services are TypeScript).
// Configuration as every Sluice process: SLUICE_EVENT_STORE (postgres://…, esdb://…, or a folder), SLUICE_DATA_DIR,
// SLUICE_EVENT_STORE_SCHEMA. See docs/operations.md, "Rebuilding projections", and docs/decisions/0022.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { rebuildProjections } from '@sluice/eventing';
// The packages are TypeScript compiled to CommonJS by tsx, whose re-exports Node's ESM loader cannot name: each is
// imported whole (its default export is its exports object) and taken apart.
import runtime from '@sluice/runtime';
import pipelines from '@sluice/pipelines';
import executions from '@sluice/executions';
import artifacts from '@sluice/artifacts';
import permissions from '@sluice/permissions';
import eventing from '@sluice/eventing';

const { loadRuntimeConfig, openEventStore } = runtime;
const { pipelinesProjections } = pipelines;
const { executionsProjections } = executions;
const { artifactsProjections } = artifacts;
const { permissionsProjections } = permissions;
const { DurableRebuildable, readModelDatabaseOf } = eventing;

const USAGE = `Usage: npm run rebuild-projections [-- --only <name>[,<name>…]] [-- --json]
Projections: ${registry(undefined).map((p) => p.name).join(', ')}, and on a SQL store (PostgreSQL, embedded) the durable ones: ${registry({ schema: 'sluice' }).filter((p) => p instanceof DurableRebuildable).map((p) => p.name).join(', ')}`;

/**
 * Every service's registry. A service with projections adds its registry here. Durable read models (decision 0048) live
 * in the store's database (`readModels`, undefined for EventStoreDB, where they are in memory) and are rebuilt in place.
 */
function registry(readModels) {
  return [...pipelinesProjections(readModels), ...executionsProjections(readModels), ...artifactsProjections(readModels), ...permissionsProjections(readModels)];
}

function parseArgs(argv) {
  const options = { only: undefined, json: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--json') options.json = true;
    else if (arg === '--only') options.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else {
      console.error(`Unknown argument '${arg}'.\n${USAGE}`);
      process.exit(2);
    }
  }
  return options;
}

const number = (n) => n.toLocaleString('en-US');

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const config = loadRuntimeConfig(process.env);
  if (config.eventStore.kind === 'embedded') {
    // PGlite is one process's database: opening the folder of a running platform would corrupt it.
    const pidFile = join(config.eventStore.dataDir, 'postmaster.pid');
    if (existsSync(pidFile)) {
      console.error(
        `The embedded store in ${config.eventStore.dataDir} is open in another process (${pidFile} exists).\n` +
          `Stop the platform first (Ctrl-C on npm start), then run this again. If no Sluice process runs (it was killed), delete ${pidFile}.`,
      );
      process.exit(3);
    }
  }
  const opened = await openEventStore(config.eventStore);
  let projections = registry(readModelDatabaseOf(opened.store));
  if (options.only) {
    const unknown = options.only.filter((name) => !projections.some((p) => p.name === name));
    if (unknown.length > 0 || options.only.length === 0) {
      await opened.store.close();
      console.error(`--only: unknown projection ${unknown.map((n) => `'${n}'`).join(', ') || '(none given)'}.\n${USAGE}`);
      process.exit(2);
    }
    projections = projections.filter((p) => options.only.includes(p.name));
  }
  const log = options.json ? () => undefined : (line) => console.log(line);
  log(`Rebuilding ${projections.length} projection(s) from ${opened.description}`);
  let lastPrint = 0;
  try {
    const result = await rebuildProjections(opened.store, projections, {
      onProgress(progress) {
        const now = Date.now();
        if (!progress.done && now - lastPrint < 500) return;
        lastPrint = now;
        const percent = progress.total === 0 ? 100 : Math.floor((progress.read * 100) / progress.total);
        // A projection its database folds says the position it reached until it ends (its count is known then).
        const per = Object.entries(progress.folded)
          .map(([name, count]) => (!progress.done && name in progress.reached ? `${name} at position ${number(progress.reached[name])}` : `${name} ${number(count)}`))
          .join(', ');
        log(`  ${number(progress.read)} / ${number(progress.total)} events (${percent}%), ${number(progress.eventsPerSecond)} events/s — ${per}`);
      },
    });
    const summary = {
      store: opened.description,
      events: result.events,
      lastPosition: result.lastPosition?.toString() ?? null,
      elapsedMs: Math.round(result.elapsedMs),
      projections: await Promise.all(
        projections.map(async (p) => ({ name: p.name, folded: result.folded[p.name], checkpoint: (await p.checkpoint())?.toString() ?? null })),
      ),
    };
    if (options.json) {
      console.log(JSON.stringify(summary));
    } else {
      log(`Done: ${number(result.events)} events read in ${summary.elapsedMs} ms.`);
      for (const p of summary.projections) log(`  ${p.name.padEnd(32)} ${number(p.folded).padStart(12)} events folded, checkpoint ${p.checkpoint ?? '-'}`);
      const durable = projections.filter((p) => p instanceof DurableRebuildable || ('projection' in p && 'database' in p)).map((p) => p.name);
      if (durable.length > 0) log(`Rebuilt in place (tables and checkpoint in the store's database): ${durable.join(', ')}.`);
      log('Projections held in memory by running services are rebuilt by restarting them (each start replays the store).');
    }
  } finally {
    await opened.store.close();
  }
}

main().catch((error) => {
  console.error(`rebuild-projections failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
