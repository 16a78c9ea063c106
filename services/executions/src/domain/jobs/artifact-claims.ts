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
 * The account holds a claim on the bytes: it uploaded them (`PUT /artifacts/{account}`, a remote worker's output),
 * or its executions produced or started from them. Bytes nobody holds a claim on are no account's (decision 0038).
 */
export function holdsClaim(account: string, claimants: ReadonlySet<string> | undefined): boolean {
  return claimants?.has(account) ?? false;
}

/**
 * The archive an Upload source may extract: one its account holds a claim on (uploaded with `PUT /artifacts/{account}`
 * on the gateway, `sluice:UploadSourceArchive`, or produced by its executions). Another account's, and one nobody
 * uploaded (bytes written straight into the store), are refused as not found.
 */
export function mayExtract(account: string, claimants: ReadonlySet<string> | undefined): boolean {
  return holdsClaim(account, claimants);
}

/**
 * What a job's result may not name: an output location that is an address, not one of the job's own inputs, and
 * bytes its account holds no claim on, another account's or nobody's (decision 0038: a worker outside the platform's
 * process uploads its outputs, which claims them). One issue per such output, at its path in the request.
 */
export function refusedOutputs(spec: JobSpec, result: JobSuccess, claims: ArtifactClaims): ValidationIssue[] {
  const account = spec.pipeline.account;
  const inputs = new Set(spec.inputArtifacts.map((input) => input.location));
  return result.outputArtifacts.flatMap((output, index): ValidationIssue[] => {
    if (!isArtifactAddress(output.location) || inputs.has(output.location) || holdsClaim(account, claims.get(output.location))) return [];
    return [
      {
        path: `$.outputArtifacts[${index}].location`,
        code: 'artifact_not_owned',
        message:
          `The output artifact "${output.name}" names ${output.location}, which is neither an input of this job nor an artifact of account ${account}: ` +
          `a result names only its inputs and bytes its worker uploaded for this account (PUT /artifacts/${account} with the job's id).`,
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
    .filter((archive) => !mayExtract(account, claims.get(archive.address)))
    .map((archive) => ({ path: archive.path, code: 'archive_not_found', message: `The uploaded archive ${archive.address} was not found in account ${account}.` }));
}
