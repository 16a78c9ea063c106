import { checkString, IssueCollector, type StringRule } from '../validation';
import type { Tag } from '../action-types/validate-custom-action-type';

/** A resource tag, as CodePipeline's `Tag` (pipelines, webhooks, custom action types, notification rules). */
export type { Tag };

export const MAX_TAGS_PER_RESOURCE = 50;

// CodePipeline's tag charset: letters, separators, digits and _ . : / = + - @
const tagCharacter = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]$/u;
const tagCharacters = 'letters, digits, spaces and _ . : / = + - @';
const keyRule: StringRule = { label: 'Tag key', minLength: 1, maxLength: 128, allowedCharacter: tagCharacter, allowedDescription: tagCharacters };
const valueRule: StringRule = { label: 'Tag value', minLength: 0, maxLength: 256, allowedCharacter: tagCharacter, allowedDescription: tagCharacters };
const reservedPrefixes = ['aws:', 'sluice:'];

/** Issues of tags about to be added to a resource that has `existing` tags; `path` names the list. */
export function checkTags(tags: readonly Tag[], existing: readonly Tag[], path: string, issues: IssueCollector): void {
  const seen = new Set<string>();
  tags.forEach((tag, i) => {
    const keyPath = `${path}[${i}].key`;
    if (checkString(tag.key, keyRule, keyPath, issues)) {
      const reserved = reservedPrefixes.find((prefix) => tag.key.toLowerCase().startsWith(prefix));
      if (reserved) issues.add(keyPath, 'reserved_tag_key', `Tag key '${tag.key}' starts with '${reserved}', which is reserved.`);
      if (seen.has(tag.key)) issues.add(keyPath, 'duplicate_tag_key', `Tag key '${tag.key}' is given more than once.`);
      seen.add(tag.key);
    }
    checkString(tag.value, valueRule, `${path}[${i}].value`, issues);
  });
  const total = new Set([...existing.map((t) => t.key), ...tags.map((t) => t.key)]).size;
  if (total > MAX_TAGS_PER_RESOURCE) {
    issues.add(path, 'too_many_tags', `A resource holds at most ${MAX_TAGS_PER_RESOURCE} tags; these tags would make it ${total}.`);
  }
}

/** `existing` with `added` set (a key given again takes the new value), in the order keys were first set. */
export function mergeTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  const byKey = new Map(existing.map((t) => [t.key, t.value]));
  for (const tag of added) byKey.set(tag.key, tag.value);
  return [...byKey].map(([key, value]) => ({ key, value }));
}

export function withoutTags(existing: readonly Tag[], keys: readonly string[]): Tag[] {
  const removed = new Set(keys);
  return existing.filter((t) => !removed.has(t.key));
}
