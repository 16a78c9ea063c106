import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface LocalS3Server {
  endpoint: string;
  bucket: string;
  /** s3rver's data folder: objects are files under `<directory>/<bucket>/`. */
  directory: string;
  stop(): Promise<void>;
}

/** s3rver accepts the key/secret it documents. */
export const s3rverCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

// Runs in its own process so that measurements of the client (memory, throughput) are not the server's.
const serverProgram = `
const S3rver = require(process.argv[1]);
const server = new S3rver(JSON.parse(process.argv[2]));
server.run().then((address) => console.log(JSON.stringify(address)), (error) => { console.error(error); process.exit(1); });
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
`;

/** A real S3-compatible server (s3rver) on a free loopback port, with one bucket, data in a temp folder. */
export async function startS3rver(bucket = 'sluice-artifacts'): Promise<LocalS3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'sluice-s3rver-'));
  const options = { address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] };
  const child = spawn(process.execPath, ['-e', serverProgram, require.resolve('s3rver'), JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const firstLine = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`s3rver exited with code ${code} before listening`)));
  });
  const { port } = JSON.parse(firstLine) as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    directory,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
}
