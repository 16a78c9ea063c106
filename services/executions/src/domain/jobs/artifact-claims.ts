import type { ValidationIssue } from '@sluice/domain';
import { UPLOAD_SOURCE } from '@sluice/domain';
import type { ActionTypeId } from '@sluice/domain';
import type { SourceRevision, JobSpec, JobSuccess } from '@sluice/contracts';

/**
 * Who holds a claim on bytes of the shared content-addressed store (docs/decisions/0027): by address, the
 * accounts that uploaded them or whose executions produced or started from them. The store keeps equal bytes
 * once for everybody, so naming an address must never reach bytes of another account.
 */
export type ArtifactClaims = ReadonlyMap<string, ReadonlySet<string>>;

const ADDRESS = /^[0-9a-f]{64}$/;

/** A sha256 of the artifact store; any other location (a custom worker's own scheme) reaches no stored bytes. */
export function isArtifactAddress(location: string): boolean {
  return ADDRESS.test(location);
}

/**
 * An account may name bytes it holds a claim on, or bytes nobody holds one on: new bytes a built-in worker or
 * the operator wrote straight into the store, which the first account to name them claims (its execution
 * records them). Bytes another account holds and this one does not are refused.
 */
export function mayName(account: string, claimants: ReadonlySet<string> | undefined): boolean {
  return claimants === undefined || claimants.size === 0 || claimants.has(account);
}

/**
 * What a job's result may not name: an output location that is an address, not one of the job's own inputs,
 * and bytes the job's account may not name. One issue per such output, at its path in the request.
 */
export function refusedOutputs(spec: JobSpec, result: JobSuccess, claims: ArtifactClaims): ValidationIssue[] {
  const account = spec.pipeline.account;
  const inputs = new Set(spec.inputArtifacts.map((input) => input.location));
  return result.outputArtifacts.flatMap((output, index): ValidationIssue[] => {
    if (!isArtifactAddress(output.location) || inputs.has(output.location) || mayName(account, claims.get(output.location))) return [];
    return [
      {
        path: `$.outputArtifacts[${index}].location`,
        code: 'artifact_not_owned',
        message:
          `The output artifact "${output.name}" names ${output.location}, which is neither an input of this job nor an artifact of account ${account}: ` +
          'a result names only bytes its worker wrote or uploaded for this account, or its inputs.',
      },
    ];
  });
}

export function isUploadSource(actionTypeId: ActionTypeId): boolean {
  const upload = UPLOAD_SOURCE.id;
  return actionTypeId.category === upload.category && actionTypeId.owner === upload.owner && actionTypeId.provider === upload.provider && actionTypeId.version === upload.version;
}

/**
 * The archive an Upload source extracts, as its provider picks it: the pinned revision, else `ObjectKey` when
 * that is an address. Null when it names no address (the provider then refuses the job by itself).
 */
export function uploadArchiveOf(actionTypeId: ActionTypeId, configuration: Record<string, string>, sourceRevision: Pick<SourceRevision, 'revisionId'> | null): string | null {
  if (!isUploadSource(actionTypeId)) return null;
  const revision = sourceRevision?.revisionId.trim() ?? '';
  const named = revision !== '' ? revision : (configuration.ObjectKey ?? '');
  return isArtifactAddress(named) ? named : null;
}

/** An uploaded archive a start names, and where in the request or the pipeline it is named. */
export interface NamedArchive {
  path: string;
  address: string;
}

/**
 * The archives a start hands to Upload sources: a `sourceRevisions` override of an Upload action, else its
 * `ObjectKey` when that is an address. Checked before the execution starts (a variable in ObjectKey is
 * resolved later, and checked when the job is handed out).
 */
export function uploadArchivesOfStart(
  declaration: { stages: ReadonlyArray<{ actions: ReadonlyArray<{ name: string; actionTypeId: ActionTypeId; configuration?: Record<string, string> }> }> },
  sourceRevisions: ReadonlyArray<{ actionName: string; revisionValue: string }>,
): NamedArchive[] {
  return declaration.stages.flatMap((stage, stageIndex) =>
    stage.actions.flatMap((action, actionIndex): NamedArchive[] => {
      if (!isUploadSource(action.actionTypeId)) return [];
      const override = sourceRevisions.findIndex((revision) => revision.actionName === action.name);
      if (override >= 0) {
        const address = sourceRevisions[override]!.revisionValue.trim();
        return isArtifactAddress(address) ? [{ path: `$.sourceRevisions[${override}].revisionValue`, address }] : [];
      }
      const objectKey = action.configuration?.ObjectKey ?? '';
      return isArtifactAddress(objectKey) ? [{ path: `$.pipeline.stages[${stageIndex}].actions[${actionIndex}].configuration.ObjectKey`, address: objectKey }] : [];
    }),
  );
}

/** The named archives the account may not name, answered as a missing archive is: nothing says another account has them. */
export function refusedArchives(account: string, archives: readonly NamedArchive[], claims: ArtifactClaims): ValidationIssue[] {
  return archives
    .filter((archive) => !mayName(account, claims.get(archive.address)))
    .map((archive) => ({ path: archive.path, code: 'archive_not_found', message: `The uploaded archive ${archive.address} was not found in account ${account}.` }));
}
