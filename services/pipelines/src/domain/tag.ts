// Resource tags are shared with the notification rules (libs/notifications), so their rules live in @sluice/domain.
export { checkTags, mergeTags, withoutTags, MAX_TAGS_PER_RESOURCE, type Tag } from '@sluice/domain';
