import { randomBytes } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** `AKIA` + 16 base32 characters: 20 characters, the shape AWS tools expect of an access key id. */
export const ACCESS_KEY_ID_SHAPE = /^AKIA[A-Z2-7]{16}$/;

/** A new key pair; randomness comes in here, at the edge of the domain (application/ calls it). */
export function issueAccessKey(): { accessKeyId: string; secretAccessKey: string } {
  const idBytes = randomBytes(16);
  const accessKeyId = `AKIA${[...idBytes].map((byte) => BASE32[byte & 31]).join('')}`;
  // 30 random bytes: 40 base64 characters, the length of an AWS secret access key.
  return { accessKeyId, secretAccessKey: randomBytes(30).toString('base64') };
}
