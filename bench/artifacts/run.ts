/**
 * Artifact store throughput: upload (put) and download (get, verified) of a 100 MB file through the
 * filesystem store and the S3 adapter (against s3rver, in its own process), against `cp` of the same
 * file in the same run. Median of SLUICE_BENCH_ROUNDS (default 3) rounds. The same through the artifacts
 * service over HTTP (`openHttpArtifactStore` -> the service in a child process with a 64 MB heap), then a
 * SLUICE_BENCH_HTTP_MEMORY_MB (default 1024) MiB artifact streamed up and down through it, with the RSS
 * growth of the service and of the client.
 *
 *   npx tsx bench/artifacts/run.ts
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import type { ArtifactStore } from '../../libs/artifact-store/src';
import { openFilesystemArtifactStore, openHttpArtifactStore, openS3ArtifactStore } from '../../libs/artifact-store/src';
import { GeneratedBytes, readDigest } from '../../libs/artifact-store/src/contract';
import { peakRssGrowth } from '../../libs/artifact-store/src/contract/peak-rss';
import { ensurePostgres } from '../../libs/testing/src';
import { startBenchArtifactsService } from './artifacts-service';
import { startS3rver, s3rverCredentials } from '../../libs/artifact-store/src/testing/start-s3rver';

const rounds = Number(process.env.SLUICE_BENCH_ROUNDS ?? 3);
const sizeBytes = Number(process.env.SLUICE_BENCH_ARTIFACT_MB ?? 100) * 1024 * 1024;
const megabytes = sizeBytes / 1e6;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function writeSource(path: string): Promise<void> {
  const out = createWriteStream(path);
  for (let written = 0; written < sizeBytes; written += 1024 * 1024) {
    if (!out.write(randomBytes(1024 * 1024))) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

interface StoreFigures {
  put: number[];
  putExisting: number[];
  get: number[];
}

async function measureStore(store: ArtifactStore, source: string, scratch: string, figures: StoreFigures): Promise<void> {
  const put = await timed(() => store.put(createReadStream(source)));
  figures.put.push(put);
  const { sha256 } = await store.put(createReadStream(source));
  figures.putExisting.push(await timed(() => store.put(createReadStream(source))));
  figures.get.push(await timed(async () => pipeline(await store.get(sha256), createWriteStream(join(scratch, 'downloaded')))));
  await store.delete(sha256);
}

async function main(): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), 'sluice-bench-artifacts-'));
  const source = join(scratch, 'source.bin');
  await writeSource(source);
  const s3 = await startS3rver();
  await ensurePostgres();
  const service = await startBenchArtifactsService(scratch, SERVICE_HEAP_MB);
  const cp: number[] = [];
  const streamCopy: number[] = [];
  const stores: [string, () => Promise<ArtifactStore>][] = [
    ['filesystem (fsync)', () => openFilesystemArtifactStore({ root: join(scratch, 'fs') })],
    ['filesystem (no fsync)', () => openFilesystemArtifactStore({ root: join(scratch, 'fs-nosync'), fsync: false })],
    ['s3 (s3rver, loopback)', () => openS3ArtifactStore({ bucket: s3.bucket, endpoint: s3.endpoint, credentials: s3rverCredentials, spoolDir: join(scratch, 'spool') })],
    ['artifacts service, HTTP', () => openHttpArtifactStore({ url: service.url, account: 'bench', headers: service.headers })],
  ];
  let memory: ServiceMemory | undefined;
  const results = new Map<string, StoreFigures>(stores.map(([name]) => [name, { put: [], putExisting: [], get: [] }]));
  try {
    for (let round = 0; round < rounds; round++) {
      cp.push(await timed(() => promisify(execFile)('cp', [source, join(scratch, `cp-${round}.bin`)])));
      await rm(join(scratch, `cp-${round}.bin`));
      streamCopy.push(await timed(() => pipeline(createReadStream(source), createWriteStream(join(scratch, `copy-${round}.bin`)))));
      await rm(join(scratch, `copy-${round}.bin`));
      for (const [name, open] of stores) {
        const store = await open();
        await measureStore(store, source, scratch, results.get(name)!);
        await store.close();
      }
    }
    memory = await measureServiceMemory(service);
  } finally {
    await s3.stop();
    await service.stop();
    await rm(scratch, { recursive: true, force: true });
  }
  const rate = (seconds: number) => megabytes / seconds;
  const cpSeconds = median(cp);
  console.log(`\nArtifacts: ${sizeBytes / 1024 / 1024} MiB (${megabytes.toFixed(1)} MB), median of ${rounds} rounds`);
  console.log(`  ${'cp (baseline)'.padEnd(24)} ${rate(cpSeconds).toFixed(0).padStart(6)} MB/s`);
  console.log(`  ${'Node stream file copy'.padEnd(24)} ${rate(median(streamCopy)).toFixed(0).padStart(6)} MB/s`);
  for (const [name, figures] of results) {
    const put = median(figures.put);
    const get = median(figures.get);
    console.log(
      `  ${name.padEnd(24)} put ${rate(put).toFixed(0).padStart(5)} MB/s (${(cpSeconds / put).toFixed(2)}x cp)` +
        `  get ${rate(get).toFixed(0).padStart(5)} MB/s (${(cpSeconds / get).toFixed(2)}x cp)` +
        `  put+get ${(put + get).toFixed(2)} s = ${((put + get) / cpSeconds).toFixed(1)}x cp time` +
        `  put of existing ${rate(median(figures.putExisting)).toFixed(0)} MB/s`,
    );
  }
  if (memory) {
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
    console.log(`\nArtifacts service over HTTP, ${memory.mebibytes} MiB streamed (service heap limit ${SERVICE_HEAP_MB} MB):`);
    console.log(`  upload   ${(memory.mebibytes * 1.048576 / memory.putSeconds).toFixed(0)} MB/s; RSS growth: service ${mb(memory.put.service)} MiB (peak ${mb(memory.put.servicePeak)} MiB), client ${mb(memory.put.client)} MiB`);
    console.log(`  download ${(memory.mebibytes * 1.048576 / memory.getSeconds).toFixed(0)} MB/s (verified twice: service and client); RSS growth: service ${mb(memory.get.service)} MiB (peak ${mb(memory.get.servicePeak)} MiB), client ${mb(memory.get.client)} MiB`);
  }
}

const SERVICE_HEAP_MB = 64;

interface ServiceMemory {
  mebibytes: number;
  putSeconds: number;
  getSeconds: number;
  put: { service: number; servicePeak: number; client: number };
  get: { service: number; servicePeak: number; client: number };
}

/** A large artifact up and down through the service (generated, never on disk on the client side), measuring both processes. */
async function measureServiceMemory(service: Awaited<ReturnType<typeof startBenchArtifactsService>>): Promise<ServiceMemory> {
  const mebibytes = Number(process.env.SLUICE_BENCH_HTTP_MEMORY_MB ?? 1024);
  const source = new GeneratedBytes(mebibytes * 1024 * 1024, 11);
  const expected = source.sha256();
  const store = await openHttpArtifactStore({ url: service.url, account: 'bench', headers: service.headers });
  let putSeconds = 0;
  let getSeconds = 0;
  const put = await peakRssGrowth(() => service.peakRssGrowth(async () => (putSeconds = await timed(() => store.put(source.stream(), { expectedSha256: expected })))));
  const get = await peakRssGrowth(() =>
    service.peakRssGrowth(async () => {
      let digest: { sha256: string; size: number } | undefined;
      getSeconds = await timed(async () => (digest = await readDigest(await store.get(expected))));
      if (digest?.sha256 !== expected) throw new Error(`downloaded ${JSON.stringify(digest)}, expected ${expected}`);
    }),
  );
  await store.delete(expected);
  return {
    mebibytes,
    putSeconds,
    getSeconds,
    put: { service: put.result.growthBytes, servicePeak: put.result.peakBytes, client: put.growthBytes },
    get: { service: get.result.growthBytes, servicePeak: get.result.peakBytes, client: get.growthBytes },
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
