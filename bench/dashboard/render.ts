/**
 * Dashboard rendering benchmark: `npx tsx bench/dashboard/render.ts`. Issue 8: "A pipeline with 50 actions and a
 * history of 1,000 executions renders in under a second."
 *
 * Two embedded platforms (without the demo, serving the dashboard's build), each a child process on its own temp
 * data dir, both alive for the whole run so that their loads interleave:
 *  - scale: `scale-50`, 5 stages x 10 actions in runOrder groups, with 1,000 Succeeded executions: 999 seeded as
 *    copies of one real execution's events (platform/src/testing/dashboard-scale.ts says why and how) and the newest
 *    run through the API after the restart; plus `scale-50-template`, the pipeline whose one real run was copied;
 *  - baseline: `smallest`, the smallest pipeline accepted (2 stages: a source action, one step), one execution
 *    run through the API.
 * Then, in Debian's Chromium, N cold loads (a fresh browser context each: empty cache, signed in by a session cookie)
 * of the pipelines list, the pipeline view, its execution history and the newest execution's page, each on both
 * platforms in turn; one load of each first, not counted. Each figure is `performance.now()` in the page (ms since
 * the navigation started) when a MutationObserver, installed before the page's own scripts, first sees the
 * page's content complete: every action card with its status (Succeeded), the first page of history rows, the
 * pipeline's row with every stage's status block, every action row of the execution's timeline.
 * `SLUICE_BENCH_RENDER_LOADS` (default 7) and `SLUICE_BENCH_RENDER_EXECUTIONS` (default 1,000) change the sizes.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { signInContext } from '../../platform/src/testing/dashboard-harness';
import { actionCount, FIFTY_ACTIONS, launchChromium, SMALLEST, startScalePlatform, type ScalePlatform } from '../../platform/src/testing/dashboard-scale';
import { median, percentile } from '../eventing/bench-kit';

const LOADS = Number(process.env.SLUICE_BENCH_RENDER_LOADS ?? 7);
const EXECUTIONS = Number(process.env.SLUICE_BENCH_RENDER_EXECUTIONS ?? 1_000);
const GOAL_MS = 1_000;
/** The whole bench stops by itself after this long, whatever happens. */
const BENCH_TIMEOUT_MS = 15 * 60_000;

/** What a page shows when it is complete: at least `count` elements match `selector`. */
interface Done {
  selector: string;
  count: number;
}

interface Fixture {
  name: string;
  platform: ScalePlatform;
  pipelineName: string;
  actions: number;
  executions: number;
  newestExecutionId: string;
}

interface PageSpec {
  title: string;
  path: (f: Fixture) => string;
  done: (f: Fixture) => Done;
}

const PAGES: PageSpec[] = [
  {
    title: 'pipelines list (row with every stage status)',
    path: () => '/',
    done: (f) => ({ selector: `tr[data-pipeline="${f.pipelineName}"] .block[data-status="Succeeded"]`, count: f.name === 'scale' ? FIFTY_ACTIONS.length : SMALLEST.length }),
  },
  {
    title: 'pipeline view (every action card with its status)',
    path: (f) => `/pipelines/${f.pipelineName}`,
    done: (f) => ({ selector: '[data-action][data-status="Succeeded"]', count: f.actions }),
  },
  {
    title: 'execution history (first page of rows)',
    path: (f) => `/pipelines/${f.pipelineName}/executions`,
    done: (f) => ({ selector: 'table.executions tr[data-execution]', count: Math.min(f.executions, 20) }),
  },
  {
    title: 'execution detail (every action of the timeline)',
    path: (f) => `/pipelines/${f.pipelineName}/executions/${f.newestExecutionId}`,
    done: (f) => ({ selector: 'table.timeline tr[data-action]', count: f.actions }),
  },
];

interface Load {
  ms: number;
  /** Elements matching the selector when it was first complete. */
  shown: number;
  graphqlRequests: number;
  graphqlBytes: number;
}

/** One cold load: a fresh context (no cache), signed in by a session cookie, an observer installed before the page runs. */
async function load(browser: Browser, fixture: Fixture, spec: PageSpec): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    await signInContext(context, fixture.platform.url, fixture.platform.token);
    await context.addInitScript((done: Done) => {
      const record = window as unknown as { renderedAt?: number; renderedCount?: number };
      const observer = new MutationObserver(() => {
        const count = document.querySelectorAll(done.selector).length;
        if (count < done.count) return;
        record.renderedAt = performance.now();
        record.renderedCount = count;
        observer.disconnect();
      });
      observer.observe(document, { subtree: true, childList: true, attributes: true });
    }, spec.done(fixture));
    const page: Page = await context.newPage();
    let graphqlRequests = 0;
    let graphqlBytes = 0;
    page.on('response', (response) => {
      if (!response.url().endsWith('/graphql') || response.request().method() !== 'POST') return;
      graphqlRequests += 1;
      void response.body().then((body) => (graphqlBytes += body.length), () => undefined);
    });
    await page.goto(`${fixture.platform.url}${spec.path(fixture)}`, { waitUntil: 'commit' });
    await page.waitForFunction(() => (window as unknown as { renderedAt?: number }).renderedAt !== undefined, undefined, { timeout: 30_000 });
    const { ms, shown } = await page.evaluate(() => {
      const record = window as unknown as { renderedAt: number; renderedCount: number };
      return { ms: record.renderedAt, shown: record.renderedCount };
    });
    // Let the page's requests that were under way finish, for the byte count.
    await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
    return { ms, shown, graphqlRequests, graphqlBytes };
  } finally {
    await context.close();
  }
}

/** How a person reaches the whole history: clicks on "Show older executions" until it is gone; rows and time. */
async function pageThroughHistory(browser: Browser, fixture: Fixture): Promise<{ rows: number; clicks: number; ms: number }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    await signInContext(context, fixture.platform.url, fixture.platform.token);
    const page = await context.newPage();
    await page.goto(`${fixture.platform.url}/pipelines/${fixture.pipelineName}/executions`);
    const rows = page.locator('table.executions tr[data-execution]');
    await rows.first().waitFor();
    const started = performance.now();
    let clicks = 0;
    const more = page.getByRole('button', { name: 'Show older executions' });
    while ((await more.count()) > 0) {
      const before = await rows.count();
      await more.click();
      clicks += 1;
      await page.waitForFunction((n) => document.querySelectorAll('table.executions tr[data-execution]').length > n, before, { timeout: 30_000 });
    }
    return { rows: await rows.count(), clicks, ms: performance.now() - started };
  } finally {
    await context.close();
  }
}

const format = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

async function newestExecution(platform: ScalePlatform, pipelineName: string): Promise<string> {
  const answer = await platform.call<{ listPipelineExecutions: { nodes: Array<{ pipelineExecutionId: string }> } }>(
    'query($p: String!) { listPipelineExecutions(pipelineName: $p, first: 1) { nodes { pipelineExecutionId } } }',
    { p: pipelineName },
  );
  return answer.listPipelineExecutions.nodes[0]!.pipelineExecutionId;
}

async function main(): Promise<void> {
  console.log(`Dashboard rendering benchmark — node ${process.version}, ${new Date().toISOString()}`);
  let browser: Browser | undefined;
  try {
    let started = performance.now();
    console.log('baseline platform: smallest, 1 execution through the API');
    const baseline = await startScalePlatform(join(base, 'baseline'), [{ pipelineName: 'smallest', stages: SMALLEST, executions: 1 }]);
    platforms.push(baseline);
    console.log(`  ready in ${format(performance.now() - started)} ms`);
    started = performance.now();
    console.log(`scale platform: scale-50 (${actionCount(FIFTY_ACTIONS)} actions), ${EXECUTIONS} executions`);
    const scale = await startScalePlatform(join(base, 'scale'), [{ pipelineName: 'scale-50', stages: FIFTY_ACTIONS, executions: EXECUTIONS }], (line) => console.log(line));
    platforms.push(scale);
    const t = scale.timings;
    console.log(
      `  ready in ${(( performance.now() - started) / 1000).toFixed(1)} s: template run ${format(t.templateRunsMs)} ms, seeding ${t.seededEvents.toLocaleString('en-US')} events ${format(t.seedMs)} ms ` +
        `(${Math.round(t.seededEvents / (t.seedMs / 1000)).toLocaleString('en-US')} events/s), restart ${format(t.restartMs)} ms, newest execution through the API ${format(t.finalRunsMs)} ms`,
    );

    const fixtures: Fixture[] = [
      { name: 'baseline', platform: baseline, pipelineName: 'smallest', actions: actionCount(SMALLEST), executions: 1, newestExecutionId: await newestExecution(baseline, 'smallest') },
      { name: 'scale', platform: scale, pipelineName: 'scale-50', actions: actionCount(FIFTY_ACTIONS), executions: EXECUTIONS, newestExecutionId: await newestExecution(scale, 'scale-50') },
    ];
    browser = await launchChromium();
    const results = new Map<string, Load[]>();
    for (const spec of PAGES) for (const fixture of fixtures) await load(browser, fixture, spec); // warm-up, not counted
    for (let i = 0; i < LOADS; i++) {
      for (const spec of PAGES) {
        for (const fixture of fixtures) {
          const key = `${spec.title}|${fixture.name}`;
          results.set(key, [...(results.get(key) ?? []), await load(browser, fixture, spec)]);
        }
      }
    }

    console.log(`\nCold loads in Chromium, navigation start -> content complete (performance.now() in the page), ${LOADS} loads each, ms:`);
    console.log(`  ${'page'.padEnd(50)} ${'baseline p50'.padStart(12)} ${'p95'.padStart(6)} ${'scale p50'.padStart(10)} ${'p95'.padStart(6)} ${'ratio'.padStart(6)}  goal < ${GOAL_MS}  shown  GraphQL (requests, KiB) baseline / scale`);
    for (const spec of PAGES) {
      const [b, s] = fixtures.map((f) => results.get(`${spec.title}|${f.name}`)!);
      const [bMs, sMs] = [b!.map((l) => l.ms), s!.map((l) => l.ms)];
      const ok = percentile(sMs, 95) < GOAL_MS ? '✔' : '✘';
      const kib = (loads: Load[]) => `${median(loads.map((l) => l.graphqlRequests))}, ${(median(loads.map((l) => l.graphqlBytes)) / 1024).toFixed(1)}`;
      console.log(
        `  ${spec.title.padEnd(50)} ${format(median(bMs)).padStart(12)} ${format(percentile(bMs, 95)).padStart(6)} ${format(median(sMs)).padStart(10)} ${format(percentile(sMs, 95)).padStart(6)} ${(median(sMs) / median(bMs)).toFixed(2).padStart(5)}x  ${ok.padEnd(9)} ${String(median(s!.map((l) => l.shown))).padStart(5)}  ${kib(b!)} / ${kib(s!)}`,
      );
    }
    console.log('  each load, in order (ms):');
    for (const spec of PAGES) for (const f of fixtures) console.log(`    ${spec.title.split(' (')[0]!.padEnd(20)} ${f.name.padEnd(8)} ${results.get(`${spec.title}|${f.name}`)!.map((l) => format(l.ms)).join(' ')}`);
    const history = await pageThroughHistory(browser, fixtures[1]!);
    console.log(`\nexecution history of scale-50: ${history.rows} rows reached by ${history.clicks} clicks on "Show older executions" in ${format(history.ms)} ms`);
  } finally {
    await browser?.close().catch(() => undefined);
    await cleanUp();
  }
}

const base = realpathSync(mkdtempSync(join(tmpdir(), 'sluice-bench-render-')));
const platforms: ScalePlatform[] = [];
async function cleanUp(): Promise<void> {
  for (const platform of platforms.splice(0)) await platform.stop().catch(() => undefined);
  rmSync(base, { recursive: true, force: true });
}

const timeout = setTimeout(() => {
  console.error(`the bench did not end within ${BENCH_TIMEOUT_MS / 60_000} minutes: stopping`);
  setTimeout(() => process.exit(2), 40_000).unref();
  void cleanUp().finally(() => process.exit(2));
}, BENCH_TIMEOUT_MS);
timeout.unref();

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
