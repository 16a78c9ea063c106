/**
 * The partition of a key, computed as Kafka's (and kafkajs's) default partitioner does:
 * murmur2 of the key's UTF-8 bytes, made positive, modulo the partition count. Both adapters
 * therefore put a key on the same partition.
 */
export function partitionForKey(key: string, partitions: number): number {
  return (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % partitions;
}

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

function murmur2(data: Buffer): number {
  const length = data.length;
  let h = SEED ^ length;
  const blocks = length >>> 2;
  for (let i = 0; i < blocks; i++) {
    let k = data.readInt32LE(i * 4);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest > 0) {
    if (rest === 3) h ^= data[tail + 2]! << 16;
    if (rest >= 2) h ^= data[tail + 1]! << 8;
    h ^= data[tail]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h;
}
