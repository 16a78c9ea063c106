import { randomUUID } from 'node:crypto';
import { appendAuditRecord, resourceForAction, type AuditChainKeySource } from '@sluice/authz';
import { isSecretEvent, secretStreamId, secretValueBinding, type JobSpec, type SecretEvent } from '@sluice/contracts';
import type { EventStore } from '@sluice/eventing';
import type { MasterKeyCipher } from '@sluice/runtime';
import { secretForms } from '@sluice/domain';
import { resolveJobSecrets, secretNamesToOpen } from '../domain';

/**
 * The values of an account's secrets, opened only when a job is handed to a worker (decision 0043). Every use is
 * in the account's audit trail, written before the value leaves: `sluice:UseSecret` on the secret, by the job.
 */
export interface JobSecrets {
  /** The current version and value of each name that exists (a deleted or unknown one is left out). */
  open(spec: JobSpec, names: readonly string[]): Promise<Map<string, OpenedSecret>>;
  /** Records that the worker holding the job receives these versions: before it does; a failure keeps them from it. */
  recordUse(spec: JobSpec, used: ReadonlyMap<string, OpenedSecret>, workerId: string): Promise<void>;
}

export interface OpenedSecret {
  version: number;
  value: string;
}

/** The latest version of a secret from its stream in the store (the pipelines service writes it; never relayed). */
async function currentSealed(store: EventStore, account: string, name: string): Promise<{ version: number; sealedValue: string } | undefined> {
  const events = await store.readStream(secretStreamId(account, name));
  let current: { version: number; sealedValue: string } | undefined;
  for (const recorded of events) {
    if (!isSecretEvent(recorded)) continue;
    const event = { type: recorded.type, data: recorded.data } as SecretEvent;
    if (event.type === 'SecretValuePut') current = { version: event.data.version, sealedValue: event.data.sealedValue };
    else if (event.type === 'SecretDeleted') current = undefined;
  }
  return current;
}

export function storeJobSecrets(store: EventStore, cipher: MasterKeyCipher, options: { auditKey?: AuditChainKeySource; clock?: () => Date } = {}): JobSecrets {
  const clock = options.clock ?? (() => new Date());
  return {
    async open(spec, names) {
      const account = spec.pipeline.account;
      const opened = new Map<string, OpenedSecret>();
      for (const name of names) {
        const sealed = await currentSealed(store, account, name);
        if (sealed) opened.set(name, { version: sealed.version, value: await cipher.open(sealed.sealedValue, secretValueBinding(account, name, sealed.version)) });
      }
      return opened;
    },
    async recordUse(spec, used, workerId) {
      const account = spec.pipeline.account;
      for (const [name, { version }] of used) {
        await appendAuditRecord(
          store,
          {
            id: randomUUID(),
            time: clock().toISOString(),
            principal: { id: `job:${spec.jobId}`, account },
            viaRole: null,
            operation: 'sluice:UseSecret',
            resource: resourceForAction('sluice:UseSecret', { account, secret: name }),
            requestParameters: {
              secret: name,
              version,
              pipelineName: spec.pipeline.name,
              pipelineVersion: spec.pipelineVersion,
              stageName: spec.stageName,
              actionName: spec.actionName,
              pipelineExecutionId: spec.executionId,
              jobId: spec.jobId,
              workerId,
            },
            decision: 'Allow',
            decidingStatement: null,
            result: { status: 'succeeded' },
            sourceIp: null,
            userAgent: null,
            requestId: randomUUID(),
          },
          options.auditKey ? { key: options.auditKey } : {},
        );
      }
    },
  };
}

// Jobs whose masks this process knows; beyond it the oldest is forgotten and opened again if needed.
const KNOWN_JOBS = 2_000;

/**
 * The forms of a job's secrets to mask where its logs are appended (decision 0043), so that a custom worker that does
 * not mask cannot leak them either: remembered when the job is handed out here, else opened again (another node
 * handed it out). A value split across two appends is not seen here; the built-in worker masks across chunks.
 */
export class JobMasks {
  private readonly byJob = new Map<string, string[]>();

  constructor(private readonly secrets: JobSecrets | undefined) {}

  remember(jobId: string, values: readonly string[]): void {
    if (this.byJob.size >= KNOWN_JOBS) this.byJob.delete(this.byJob.keys().next().value!);
    this.byJob.set(jobId, secretForms(values));
  }

  async formsOf(spec: JobSpec): Promise<string[]> {
    if (!spec.secretNames?.length || !this.secrets) return [];
    const known = this.byJob.get(spec.jobId);
    if (known) return known;
    const opened = await this.secrets.open(spec, secretNamesToOpen(spec));
    const resolved = resolveJobSecrets(spec, new Map([...opened].map(([name, secret]) => [name, secret.value])));
    const values = [...[...opened.values()].map((secret) => secret.value), ...(resolved.ok ? resolved.values : [])];
    this.remember(spec.jobId, values);
    return this.byJob.get(spec.jobId)!;
  }
}
