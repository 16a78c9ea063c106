import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

const blockSize = 1024 * 1024;

function block(seed: number, index: number): Buffer {
  const bytes = Buffer.alloc(blockSize, (seed * 31 + index) & 0xff);
  bytes.writeUInt32BE(seed, 0);
  bytes.writeUInt32BE(index, 4);
  return bytes;
}

/**
 * `size` deterministic bytes made on the fly, one 1 MiB block at a time, so a test can stream
 * hundreds of megabytes without holding them. `consumed` tells how far a reader got.
 */
export class GeneratedBytes {
  consumed = 0;

  constructor(
    readonly size: number,
    readonly seed = 1,
  ) {}

  private *blocks(): Generator<Buffer> {
    for (let offset = 0, index = 0; offset < this.size; offset += blockSize, index++) {
      yield block(this.seed, index).subarray(0, Math.min(blockSize, this.size - offset));
    }
  }

  stream(): Readable {
    const blocks = this.blocks();
    const counter = this;
    return new Readable({
      read() {
        const next = blocks.next();
        if (next.done) return void this.push(null);
        counter.consumed += next.value.length;
        this.push(next.value);
      },
    });
  }

  sha256(): string {
    const hash = createHash('sha256');
    for (const bytes of this.blocks()) hash.update(bytes);
    return hash.digest('hex');
  }
}
