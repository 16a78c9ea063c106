import { ACTION_OWNERS, AWS_ACTION_CATEGORIES, actionTypeKey, type ActionTypeId, type ActionTypeIdLike } from '@sluice/domain';

/** A provider's action type id as `pollForJobs` takes it: a category and an owner CodePipeline knows. */
export function pollableActionType(id: ActionTypeIdLike): ActionTypeId {
  const category = AWS_ACTION_CATEGORIES.find((known) => known === id.category);
  const owner = ACTION_OWNERS.find((known) => known === id.owner);
  if (category === undefined || owner === undefined) throw new RangeError(`${actionTypeKey(id)} has no category or owner the job API knows`);
  return { category, owner, provider: id.provider, version: id.version };
}
