export { startEventRelay, type EventRelay, type EventRelayOptions } from './event-relay';
export { defaultTopicFor } from './default-topic-for';
export { EVENT_HEADERS, eventFromMessage, eventToMessage, type EventMessageValue } from './event-message';
export type { BackoffOptions } from '../delivery/backoff';
