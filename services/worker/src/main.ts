// The built-in worker alone (distributed mode): takes jobs through the job API over HTTP (the gateway's
// /graphql or an executions subgraph), runs them with the built-in providers, artifacts in a shared store.
import { HttpArtifactStore, JOB_ID_HEADER, openFilesystemArtifactStore, openS3ArtifactStore, type ArtifactStore } from '@sluice/artifact-store';
import { serviceMain, type Logger } from '@sluice/runtime';
import { graphqlJobApi } from './job-api/graphql-job-api';
import type { WorkerEvent } from './loop/worker-events';
import { startWorker } from './loop/worker-loop';
import { openBuiltInProviders } from './built-in-providers';
import { entryArgumentsOfThisProcess, startLauncherProcess } from './providers/process/launcher-process';
import { loadWorkerProcessConfig, type ArtifactsConfig } from './worker-config';

async function openArtifacts(config: ArtifactsConfig): Promise<{ store: ArtifactStore; description: string }> {
  switch (config.kind) {
    case 'directory':
      return { store: await openFilesystemArtifactStore({ root: config.root }), description: `folder ${config.root}` };
    case 's3':
      return {
        store: await openS3ArtifactStore({ bucket: config.bucket, prefix: config.prefix, endpoint: config.endpoint, region: config.region }),
        description: `s3://${config.bucket}/${config.prefix ?? 'artifacts/'}${config.endpoint ? ` at ${config.endpoint}` : ''}`,
      };
  }
}

/** One JSON line per job start and end, and per problem, with the job's ids as fields. */
function workerEventLogger(log: Logger): (event: WorkerEvent) => void {
  return (event) => {
    const { type, ...fields } = event;
    switch (type) {
      case 'JobStarted':
      case 'JobSucceeded':
        return log.info(type, fields);
      case 'JobFailed':
      case 'JobLost':
      case 'JobLeftToLease':
      case 'PollFailed':
      case 'AcknowledgeFailed':
      case 'HeartbeatFailed':
      case 'ResultRefused':
      case 'ReportFailed':
        return log.warn(type, fields);
    }
  };
}

serviceMain({
  service: 'worker',
  env: process.env,
  loadConfig: loadWorkerProcessConfig,
  async start(config, { logger }) {
    const artifacts = await openArtifacts(config.artifacts);
    // The job API's own port is the platform's: Invoke/Http never calls it on this machine.
    const jobsPort = Number(new URL(config.jobsUrl).port || (config.jobsUrl.startsWith('https:') ? 443 : 80));
    // Jobs' processes are spawned by a small process of their own, as in the embedded platform: each spawn from this
    // one forked its ~100 MB and blocked its event loop ~8 ms (a profile of the distributed real path: 0.77 s of 1.7 s).
    const launcher = startLauncherProcess(entryArgumentsOfThisProcess());
    const { providers, sandbox } = await openBuiltInProviders(config.providers, artifacts.store, { ports: [jobsPort], launcher });
    if (sandbox.kind === 'bubblewrap') logger.info(`commands run sandboxed: ${sandbox.description}`);
    else logger.warn(`JOB SANDBOX ${sandbox.description}`);
    const authorization: Record<string, string> = config.token ? { authorization: `Bearer ${config.token}` } : {};
    const jobApi = graphqlJobApi({ url: config.jobsUrl, headers: authorization });
    // Outputs are uploaded through the gateway as the job's, so that its account holds the claim (decision 0038);
    // inputs are read from the shared store directly.
    const uploads = new URL(config.uploadUrl);
    const worker = startWorker({
      jobApi,
      providers,
      store: artifacts.store,
      outputStoreFor: (job) => new HttpArtifactStore(uploads, job.accountId, { ...authorization, [JOB_ID_HEADER]: job.id }),
      concurrency: config.concurrency,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      log: workerEventLogger(logger),
    });
    return {
      message: `worker ${worker.workerId} taking jobs from ${config.jobsUrl} — ${config.concurrency} at once; artifacts: ${artifacts.description}, outputs uploaded to ${config.uploadUrl}/artifacts`,
      fields: { workerId: worker.workerId },
      async stop() {
        // Stop polling; running jobs get the grace, then are aborted and reported failed (the engine may retry them).
        logger.info('stopping: letting running jobs finish', { running: worker.runningJobs(), graceMs: config.stopGraceMs });
        await worker.stop({ graceMs: config.stopGraceMs });
        await launcher.close();
      },
    };
  },
});
