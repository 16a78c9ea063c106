import type { RecordedEvent } from '@sluice/eventing';

/**
 * `sluice.<category>.events`, the category being the stream id up to its first '-'
 * (`execution-42` -> `sluice.execution.events`): one topic per aggregate type, keyed by stream.
 */
export function defaultTopicFor(event: Pick<RecordedEvent, 'streamId'>): string {
  const dash = event.streamId.indexOf('-');
  const category = dash === -1 ? event.streamId : event.streamId.slice(0, dash);
  return `sluice.${category}.events`;
}
