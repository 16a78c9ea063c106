import { ACTION_CATEGORIES, type ActionCategory, type ActionTypeDefinition, type Tag } from '@sluice/domain';
import type { CommandMetadata } from '@sluice/domain';

/** Stream `actiontype-{account}.{category}.{provider}.{version}`: one custom action type. */
export const ACTION_TYPE_STREAM_PREFIX = 'actiontype-';

export interface CustomActionTypeId {
  category: ActionCategory;
  provider: string;
  version: string;
}

export type CustomActionTypeCommand = CreateCustomActionType | DeleteCustomActionType;

/** `input` is CodePipeline's CreateCustomActionType request, untrusted. */
export interface CreateCustomActionType {
  type: 'CreateCustomActionType';
  input: unknown;
  metadata: CommandMetadata;
}

export interface DeleteCustomActionType {
  type: 'DeleteCustomActionType';
  id: CustomActionTypeId;
  metadata: CommandMetadata;
}

export type CustomActionTypeEvent = CustomActionTypeCreated | CustomActionTypeDeleted;

export const CUSTOM_ACTION_TYPE_EVENT_TYPES = ['CustomActionTypeCreated', 'CustomActionTypeDeleted'] as const satisfies ReadonlyArray<
  CustomActionTypeEvent['type']
>;

export interface CustomActionTypeCreated {
  type: 'CustomActionTypeCreated';
  data: { actionType: ActionTypeDefinition; tags: Tag[]; created: string; createdBy: string };
}

export interface CustomActionTypeDeleted {
  type: 'CustomActionTypeDeleted';
  data: CustomActionTypeId & { deleted: string; deletedBy: string };
}

export type CustomActionTypeState =
  | { status: 'Absent' }
  | { status: 'Active'; actionType: ActionTypeDefinition }
  /** CodePipeline never lets a deleted custom action type's id be used again: a new version is needed. */
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
