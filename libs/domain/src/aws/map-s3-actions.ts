import { S3_DEPLOY, S3_SOURCE } from '../action-types/built-in-action-types';
import { dropUnhandledConfiguration, type ActionMappingContext, type MappedAction } from './action-mapping-context';

const pick = (configuration: Record<string, string>, names: readonly string[]): Record<string, string> =>
  Object.fromEntries(names.filter((name) => configuration[name] !== undefined).map((name) => [name, configuration[name]!]));

/**
 * CodePipeline's S3 source runs as Sluice's `Source/S3`, on the S3-compatible store the operator configured
 * (`SLUICE_S3_*`): the same bucket, key and polling, with the object's version (or ETag) as the revision.
 */
export function mapS3Source(context: ActionMappingContext): MappedAction {
  const names = ['S3Bucket', 'S3ObjectKey', 'PollForSourceChanges'] as const;
  dropUnhandledConfiguration(context, names, "Sluice's Source/S3");
  return {
    actionTypeId: { ...S3_SOURCE.id },
    status: 'mapped',
    notes: ['Reads the object from the S3-compatible store Sluice is configured with (SLUICE_S3_ENDPOINT), not from AWS unless that is the one.'],
    configuration: pick(context.action.configuration ?? {}, names),
  };
}

/** CodePipeline's S3 deploy runs as Sluice's `Deploy/S3` on the operator's S3-compatible store: Extract, BucketName and ObjectKey as AWS's. */
export function mapS3Deploy(context: ActionMappingContext): MappedAction {
  const names = ['BucketName', 'ObjectKey', 'Extract'] as const;
  dropUnhandledConfiguration(context, names, "Sluice's Deploy/S3");
  return {
    actionTypeId: { ...S3_DEPLOY.id },
    status: 'mapped',
    notes: ['Writes to the S3-compatible store Sluice is configured with (SLUICE_S3_ENDPOINT).'],
    configuration: pick(context.action.configuration ?? {}, names),
  };
}
