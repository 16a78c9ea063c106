import { createHash } from 'node:crypto';

/**
 * Ids and tokens that let their holder act — a job id (with its nonce), an approval token — are drawn, not
 * derived: whoever knows an execution must not be able to name its jobs or answer its approvals. The
 * randomness comes with the command (`metadata.entropy`, 128 bits or more, drawn by the application); a
 * decision that hands out several names each by its own hash of (entropy, label), so knowing one tells
 * nothing about another. Two engine instances deciding the same step draw different ids, and that is fine:
 * the event that records them is appended once (expected revision), and everybody reads the ids from it.
 */
function drawn(entropy: string, label: string): string {
  // Without entropy the ids would be derivable again: refuse rather than hand out a guessable one.
  if (entropy.length < 16) throw new RangeError('A decision that hands out ids needs metadata.entropy (128 random bits or more).');
  return createHash('sha256').update(`${entropy}\u0000${label}`).digest('hex');
}

/** 128 bits, as 32 hex characters: the job of an action execution (`continuation` 0) or a follow-up job of it. */
export function drawnJobId(entropy: string, actionExecutionId: string, continuation: number): string {
  return drawn(entropy, `job\u0000${actionExecutionId}\u0000${continuation}`).slice(0, 32);
}

/** A random (version 4) UUID, as AWS's approval tokens are; a new one for every approval request. */
export function drawnApprovalToken(entropy: string, actionExecutionId: string): string {
  const hex = drawn(entropy, `approval\u0000${actionExecutionId}`);
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}
