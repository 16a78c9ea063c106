import { ACTION_CATEGORIES, type ActionCategory, type ActionTypeDefinition, type Tag } from '@sluice/domain';
import type { CommandMetadata } from '@sluice/domain';

/** Stream `actiontype-{account}.{category}.{provider}.{version}`: one custom action type. */
export const ACTION_TYPE_STREAM_PREFIX = 'actiontype-';

export interface CustomActionTypeId {
  category: ActionCategory;
  provider: string;
  version: string;
}

export type CustomActionTypeCommand = CreateCustomActionType | UpdateCustomActionType | DeleteCustomActionType;

/** `input` is CodePipeline's CreateCustomActionType request, untrusted. */
export interface CreateCustomActionType {
  type: 'CreateCustomActionType';
  input: unknown;
  metadata: CommandMetadata;
}

/**
 * CodePipeline's UpdateActionType for a custom type: `input` is its new definition in CreateCustomActionType's shape
 * (without tags), untrusted; `owner` is the owner the request named (only `Custom` types can be changed).
 */
export interface UpdateCustomActionType {
  type: 'UpdateCustomActionType';
  owner: string;
  input: unknown;
  metadata: CommandMetadata;
}

export interface DeleteCustomActionType {
  type: 'DeleteCustomActionType';
  id: CustomActionTypeId;
  metadata: CommandMetadata;
}

export type CustomActionTypeEvent = CustomActionTypeCreated | CustomActionTypeUpdated | CustomActionTypeDeleted;

export const CUSTOM_ACTION_TYPE_EVENT_TYPES = ['CustomActionTypeCreated', 'CustomActionTypeUpdated', 'CustomActionTypeDeleted'] as const satisfies ReadonlyArray<
  CustomActionTypeEvent['type']
>;

export interface CustomActionTypeCreated {
  type: 'CustomActionTypeCreated';
  data: { actionType: ActionTypeDefinition; tags: Tag[]; created: string; createdBy: string };
}

/** The type's new definition (same id); its tags stay. Definitions using it are checked against it from now on. */
export interface CustomActionTypeUpdated {
  type: 'CustomActionTypeUpdated';
  data: { actionType: ActionTypeDefinition; updated: string; updatedBy: string };
}

/**
 * CodePipeline's delete: no new definition may use the type; definitions stored with it keep running until they are
 * changed. The same id can be created again with the same definition (a restore), as in CodePipeline.
 */
export interface CustomActionTypeDeleted {
  type: 'CustomActionTypeDeleted';
  data: CustomActionTypeId & { deleted: string; deletedBy: string };
}

export type CustomActionTypeState =
  | { status: 'Absent' }
  | { status: 'Active'; actionType: ActionTypeDefinition }
  /** CodePipeline lets a deleted type's id be created again only with the same definition (a restore); else a new version is needed. */
  | { status: 'Deleted'; actionType: ActionTypeDefinition };

const idPart = /^[0-9A-Za-z_-]+$/;

/** The id a command names, if it is one that can name a stream (else validation will refuse the command). */
export function customActionTypeIdOf(command: CustomActionTypeCommand): CustomActionTypeId | undefined {
  const candidate = command.type === 'DeleteCustomActionType' ? command.id : command.input;
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const { category, provider, version } = candidate as Record<string, unknown>;
  const storable =
    typeof category === 'string' &&
    (ACTION_CATEGORIES as readonly string[]).includes(category) &&
    typeof provider === 'string' &&
    idPart.test(provider) &&
    provider.length <= 35 &&
    typeof version === 'string' &&
    idPart.test(version) &&
    version.length <= 9;
  return storable ? { category: category as ActionCategory, provider, version } : undefined;
}

export function actionTypeStreamId(account: string, id: CustomActionTypeId): string {
  return `${ACTION_TYPE_STREAM_PREFIX}${account}.${id.category}.${id.provider}.${id.version}`;
}

export function isCustomActionTypeEvent(event: { type: string }): event is CustomActionTypeEvent {
  return (CUSTOM_ACTION_TYPE_EVENT_TYPES as readonly string[]).includes(event.type);
}

export function describeCustomActionType(id: { category: string; provider: string; version: string }): string {
  return `${id.category}/Custom/${id.provider}/${id.version}`;
}
