import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { isS3NotFound } from './s3-errors';

/**
 * The S3-compatible store pipelines read sources from and deploy to (`Source/Sluice/S3`, `Deploy/Sluice/S3`):
 * the operator's, from Sluice's configuration (`SLUICE_S3_*`), never from a definition. A definition names a
 * bucket and a key only.
 */
export interface PipelineBucketsConfig {
  /** `SLUICE_S3_ENDPOINT`: an S3-compatible server (MinIO, s3rver, Ceph…); leave out for AWS. */
  endpoint?: string;
  /** `SLUICE_S3_REGION`, `us-east-1` by default. */
  region?: string;
  /** `SLUICE_S3_ACCESS_KEY_ID` / `SLUICE_S3_SECRET_ACCESS_KEY`; without them the SDK's default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /**
   * `SLUICE_S3_BUCKETS`: which account's pipelines may name which bucket (`account:bucket`, `*` for any account, a
   * trailing `*` in the bucket for a prefix). The store is the operator's, shared by every account of the platform:
   * a bucket nobody listed is refused, so one account cannot read or overwrite another's objects.
   */
  allowedBuckets: ReadonlyArray<{ account: string; bucket: string }>;
}

/** Whether `account`'s pipelines may read or write `bucket` (SLUICE_S3_BUCKETS). */
export function bucketAllowed(config: Pick<PipelineBucketsConfig, 'allowedBuckets'>, account: string, bucket: string): boolean {
  return config.allowedBuckets.some(
    (entry) => (entry.account === '*' || entry.account === account) && (entry.bucket.endsWith('*') ? bucket.startsWith(entry.bucket.slice(0, -1)) : bucket === entry.bucket),
  );
}

/** An object's current version: its version id when the bucket keeps versions, else its ETag. */
export interface ObjectVersion {
  /** What a pipeline records as the source revision. */
  revision: string;
  versionId?: string;
  etag: string;
}

export class ObjectNotFoundError extends Error {
  override readonly name = 'ObjectNotFoundError';
}

export interface PipelineBuckets {
  /** Whether `account`'s pipelines may read or write `bucket` (SLUICE_S3_BUCKETS). */
  mayUse(account: string, bucket: string): boolean;
  /** The current version of `bucket/key`; ObjectNotFoundError when there is none. */
  currentVersion(bucket: string, key: string): Promise<ObjectVersion>;
  /** The object's bytes, of `versionId` when given (a pinned revision of a versioned bucket). */
  read(bucket: string, key: string, versionId?: string): Promise<Readable>;
  write(bucket: string, key: string, body: Buffer | Readable, length?: number): Promise<void>;
}

export function openPipelineBuckets(config: PipelineBucketsConfig): PipelineBuckets {
  const client = new S3Client({
    endpoint: config.endpoint,
    region: config.region ?? 'us-east-1',
    forcePathStyle: config.endpoint !== undefined,
    ...(config.credentials ? { credentials: config.credentials } : {}),
    ...(config.endpoint !== undefined ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
  });
  const notFound = (bucket: string, key: string) => (error: unknown): never => {
    if (isS3NotFound(error)) throw new ObjectNotFoundError(`s3://${bucket}/${key} does not exist`);
    throw error;
  };
  return {
    mayUse: (account, bucket) => bucketAllowed(config, account, bucket),
    async currentVersion(bucket, key) {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).catch(notFound(bucket, key));
      const etag = (head.ETag ?? '').replace(/"/g, '');
      const versionId = head.VersionId && head.VersionId !== 'null' ? head.VersionId : undefined;
      return { revision: versionId ?? etag, etag, ...(versionId ? { versionId } : {}) };
    },
    async read(bucket, key, versionId) {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) })).catch(notFound(bucket, key));
      return object.Body as Readable;
    },
    async write(bucket, key, body, length) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...(length !== undefined ? { ContentLength: length } : {}) }));
    },
  };
}

/** `SLUICE_S3_*` as PipelineBucketsConfig, or the problems with it; undefined when none is set (no S3 store). */
export function pipelineBucketsConfigFrom(env: Record<string, string | undefined>): { config?: PipelineBucketsConfig; problems: Array<{ variable: string; reason: string }> } {
  const problems: Array<{ variable: string; reason: string }> = [];
  const endpoint = env.SLUICE_S3_ENDPOINT?.trim() || undefined;
  const region = env.SLUICE_S3_REGION?.trim() || undefined;
  const accessKeyId = env.SLUICE_S3_ACCESS_KEY_ID?.trim() || undefined;
  const secretAccessKey = env.SLUICE_S3_SECRET_ACCESS_KEY || undefined;
  const bucketsRaw = env.SLUICE_S3_BUCKETS?.trim() || undefined;
  if (endpoint === undefined && region === undefined && accessKeyId === undefined && secretAccessKey === undefined && bucketsRaw === undefined) return { problems };
  const allowedBuckets: Array<{ account: string; bucket: string }> = [];
  for (const entry of (bucketsRaw ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    const match = /^([A-Za-z0-9_-]+|\*):([a-z0-9][a-z0-9.-]{0,62}\*?|\*)$/.exec(entry);
    if (match) allowedBuckets.push({ account: match[1]!, bucket: match[2]! });
    else problems.push({ variable: 'SLUICE_S3_BUCKETS', reason: `'${entry}' is not account:bucket (e.g. default:releases, acme:acme-*, *:shared-drops)` });
  }
  if (allowedBuckets.length === 0 && bucketsRaw === undefined) {
    problems.push({ variable: 'SLUICE_S3_BUCKETS', reason: 'not set: name the buckets each account may use (account:bucket, comma-separated), so no pipeline reaches another account\'s objects' });
  }
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+(\/.*)?$/.test(endpoint)) problems.push({ variable: 'SLUICE_S3_ENDPOINT', reason: `'${endpoint}' is not an http(s) URL` });
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    problems.push({ variable: accessKeyId === undefined ? 'SLUICE_S3_ACCESS_KEY_ID' : 'SLUICE_S3_SECRET_ACCESS_KEY', reason: 'set one of SLUICE_S3_ACCESS_KEY_ID and SLUICE_S3_SECRET_ACCESS_KEY without the other' });
  }
  return {
    problems,
    config: { allowedBuckets, ...(endpoint ? { endpoint } : {}), ...(region ? { region } : {}), ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}) },
  };
}
