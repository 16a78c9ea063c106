import {
  actionTypeKey,
  type ActionConfigurationProperty,
  type ActionTypeDefinition,
  type SluiceActionTypeId,
} from '../action-types/action-type-definition';
import { CUSTOM_ACTION_TYPE_LIMITS } from '../action-types/validate-custom-action-type';
import { MASKED_SECRET } from './aws-placeholders';

/** One imported action that became a custom action type, with its configuration as AWS had it. */
export interface CustomActionUse {
  id: SluiceActionTypeId;
  awsConfiguration: Record<string, string>;
  inputArtifactCount: number;
  outputArtifactCount: number;
}

const ARTIFACT_LIMIT = CUSTOM_ACTION_TYPE_LIMITS.maxArtifacts;

/**
 * The custom action types the imported actions need, inferred from how they are used: a property
 * is required when every use sets it, secret when AWS masked it.
 */
export function inferCustomActionTypes(uses: readonly CustomActionUse[], warn: (message: string) => void): ActionTypeDefinition[] {
  const byKey = new Map<string, CustomActionUse[]>();
  for (const use of uses) byKey.set(actionTypeKey(use.id), [...(byKey.get(actionTypeKey(use.id)) ?? []), use]);
  for (const [key, group] of byKey) checkLimits(key, group, warn);
  return [...byKey.values()].map((group) => ({
    id: { ...group[0].id },
    actionConfigurationProperties: properties(group),
    inputArtifactDetails: { minimumCount: 0, maximumCount: ARTIFACT_LIMIT },
    outputArtifactDetails: { minimumCount: 0, maximumCount: ARTIFACT_LIMIT },
  }));
}

function properties(group: readonly CustomActionUse[]): ActionConfigurationProperty[] {
  const names = [...new Set(group.flatMap((use) => Object.keys(use.awsConfiguration)))];
  return names.map((name) => {
    const secret = group.some((use) => use.awsConfiguration[name] === MASKED_SECRET);
    const required = !secret && group.every((use) => use.awsConfiguration[name] !== undefined);
    return {
      name,
      required,
      key: false,
      secret,
      queryable: false,
      type: 'String',
      description: `Imported from the AWS ${group[0].id.provider} action's "${name}".`,
    };
  });
}

function checkLimits(key: string, group: readonly CustomActionUse[], warn: (message: string) => void): void {
  const propertyCount = new Set(group.flatMap((use) => Object.keys(use.awsConfiguration))).size;
  if (propertyCount > CUSTOM_ACTION_TYPE_LIMITS.maxConfigurationProperties) {
    warn(
      `Custom action type ${key} would need ${propertyCount} configuration properties; a custom type may have ${CUSTOM_ACTION_TYPE_LIMITS.maxConfigurationProperties}: merge some before registering it.`,
    );
  }
  const artifacts = Math.max(...group.map((use) => Math.max(use.inputArtifactCount, use.outputArtifactCount)));
  if (artifacts > ARTIFACT_LIMIT) {
    warn(`Custom action type ${key} is used with ${artifacts} artifacts; a custom type may take ${ARTIFACT_LIMIT}.`);
  }
}
