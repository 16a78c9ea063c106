import type { CommandMetadata } from '@sluice/domain';
import type { SecretEvent } from '@sluice/contracts';

/** A secret of an account, `secret-{account}.{name}` (decision 0043). */
export type SecretCommand = CreateSecret | PutSecretValue | DeleteSecret;

/**
 * The value arrives sealed beside the command (sealing needs the master key: I/O, done by the handler, bound to the
 * version the handler expects to write); the decider never sees a value in clear. `valueProblem` is what the handler
 * found wrong with the clear value (empty, too long), reported at its path.
 */
export interface CreateSecret {
  type: 'CreateSecret';
  name: unknown;
  description: unknown;
  sealedValue: string | undefined;
  valueProblem: string | undefined;
  metadata: CommandMetadata;
}

export interface PutSecretValue {
  type: 'PutSecretValue';
  name: string;
  /** The version the sealed value is bound to: the state's next one, else the write is stale (a concurrent rotation). */
  version: number;
  sealedValue: string | undefined;
  valueProblem: string | undefined;
  metadata: CommandMetadata;
}

export interface DeleteSecret {
  type: 'DeleteSecret';
  name: string;
  metadata: CommandMetadata;
}

export type { SecretEvent };

export type SecretState =
  | { status: 'Absent' }
  | { status: 'Active'; name: string; description: string; version: number; created: string; updated: string }
  /** Created again, the versions go on from here, so an old sealed value never becomes current. */
  | { status: 'Deleted'; name: string; version: number };

/** The most a value may hold (AWS Secrets Manager's limit). */
export const SECRET_VALUE_MAX_BYTES = 65_536;
export const SECRET_DESCRIPTION_MAX_LENGTH = 2048;
