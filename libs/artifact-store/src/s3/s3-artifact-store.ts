import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
  paginateListObjectsV2,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { assertArtifactAddress, isArtifactAddress, validatePutOptions, validateRange } from '../address';
import type { ArtifactAddress, ArtifactStore, GetArtifactOptions, PutArtifactOptions, StoredArtifact } from '../artifact-store';
import { ArtifactNotFoundError, ChecksumMismatchError, RangeNotSatisfiableError } from '../errors';
import { spoolToFile } from '../streams/spool-to-file';
import { verifySha256 } from '../streams/verify-sha256';
import { isS3InvalidRange, isS3NotFound } from './s3-errors';

export interface S3ArtifactStoreOptions {
  bucket: string;
  /** Key prefix; an artifact is at `<prefix><sha256>`. Default `artifacts/`. */
  prefix?: string;
  /** A ready client; otherwise one is made from `endpoint`, `region`, `forcePathStyle`, `credentials`. */
  client?: S3Client;
  /** An S3-compatible server (MinIO, s3rver, Ceph…); leave out for AWS. */
  endpoint?: string;
  region?: string;
  /** Path-style URLs (`endpoint/bucket/key`), which most S3-compatible servers need. */
  forcePathStyle?: boolean;
  credentials?: S3ClientConfig['credentials'];
  /** Where uploads are hashed before they go to S3. Default `<os tmpdir>/sluice-artifact-spool`. */
  spoolDir?: string;
  /** Multipart part size (min 5 MiB); memory in flight is about partSize x queueSize. Default 8 MiB. */
  partSizeBytes?: number;
  /** Parts uploaded at once. Default 4. */
  queueSize?: number;
}

function clientFrom(options: S3ArtifactStoreOptions): S3Client {
  return new S3Client({
    endpoint: options.endpoint,
    region: options.region ?? 'us-east-1',
    forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
    credentials: options.credentials,
    // S3-compatible servers often reject the SDK's newer default trailing checksums; integrity is
    // ours anyway (sha256 checked on the way in and on the way out).
    ...(options.endpoint !== undefined ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
  });
}

/**
 * Artifacts as objects `<prefix><sha256>` in one bucket. The address is known only once every byte
 * was seen, so an upload is first spooled to a local file while hashed, then sent to its final key
 * (multipart, streamed from the file, hashed again on the way so a changed spool file aborts the
 * upload). Content already stored is not sent again. See docs/decisions/0009-artifact-store.md.
 */
export class S3ArtifactStore implements ArtifactStore {
  readonly bucket: string;
  readonly prefix: string;
  readonly client: S3Client;
  private readonly ownsClient: boolean;
  private readonly spoolDir: string;
  private readonly partSize: number;
  private readonly queueSize: number;

  private constructor(options: S3ArtifactStoreOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? 'artifacts/';
    this.client = options.client ?? clientFrom(options);
    this.ownsClient = options.client === undefined;
    this.spoolDir = options.spoolDir ?? join(tmpdir(), 'sluice-artifact-spool');
    this.partSize = options.partSizeBytes ?? 8 * 1024 * 1024;
    this.queueSize = options.queueSize ?? 4;
  }

  static async open(options: S3ArtifactStoreOptions): Promise<S3ArtifactStore> {
    const store = new S3ArtifactStore(options);
    await mkdir(store.spoolDir, { recursive: true });
    return store;
  }

  keyOf(sha256: ArtifactAddress): string {
    assertArtifactAddress(sha256);
    return this.prefix + sha256;
  }

  async put(source: Readable, options: PutArtifactOptions = {}): Promise<StoredArtifact> {
    validatePutOptions(options);
    const spool = join(this.spoolDir, `${randomUUID()}.part`);
    const stored = await spoolToFile(source, spool, { maxBytes: options.maxBytes, fsync: false });
    try {
      if (options.expectedSha256 !== undefined && options.expectedSha256 !== stored.sha256) {
        throw new ChecksumMismatchError(options.expectedSha256, stored.sha256, 'upload');
      }
      if ((await this.headOrUndefined(stored.sha256))?.size === stored.size) return stored;
      const body = verifySha256(stored.sha256, `uploading spooled artifact ${stored.sha256}`);
      pipeline(createReadStream(spool), body, () => undefined);
      const upload = new Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key: this.prefix + stored.sha256, Body: body, ContentType: 'application/octet-stream' },
        partSize: this.partSize,
        queueSize: this.queueSize,
        leavePartsOnError: false,
      });
      await upload.done();
      return stored;
    } finally {
      await rm(spool, { force: true });
    }
  }

  async get(sha256: ArtifactAddress, options: GetArtifactOptions = {}): Promise<Readable> {
    const key = this.keyOf(sha256);
    const range = options.range;
    if (range) validateRange(range);
    let body: unknown;
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end ?? ''}` : undefined }),
      );
      body = response.Body;
    } catch (error) {
      if (isS3NotFound(error)) throw new ArtifactNotFoundError(sha256);
      if (range && isS3InvalidRange(error)) throw new RangeNotSatisfiableError(sha256, (await this.stat(sha256)).size, range.start);
      throw error;
    }
    if (!(body instanceof Readable)) throw new Error(`S3 GetObject for ${key} returned no Node.js stream`);
    if (range) return body;
    const verifier = verifySha256(sha256, `reading artifact ${sha256}`);
    pipeline(body, verifier, () => undefined);
    return verifier;
  }

  async has(sha256: ArtifactAddress): Promise<boolean> {
    return (await this.headOrUndefined(sha256)) !== undefined;
  }

  async stat(sha256: ArtifactAddress): Promise<{ size: number }> {
    const found = await this.headOrUndefined(sha256);
    if (!found) throw new ArtifactNotFoundError(sha256);
    return found;
  }

  async delete(sha256: ArtifactAddress): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) }));
  }

  async *list(): AsyncIterable<ArtifactAddress> {
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: this.prefix })) {
      for (const object of page.Contents ?? []) {
        const name = object.Key?.slice(this.prefix.length);
        if (isArtifactAddress(name)) yield name;
      }
    }
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
  }

  private async headOrUndefined(sha256: ArtifactAddress): Promise<{ size: number } | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) }));
      return { size: head.ContentLength ?? 0 };
    } catch (error) {
      if (isS3NotFound(error)) return undefined;
      throw error;
    }
  }
}

export const openS3ArtifactStore = (options: S3ArtifactStoreOptions): Promise<S3ArtifactStore> => S3ArtifactStore.open(options);
