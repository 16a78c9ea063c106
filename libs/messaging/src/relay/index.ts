export { startEventRelay, type EventRelay, type EventRelayOptions } from './event-relay';
export { startLeadingRelay, type LeadingRelay, type LeadingRelayOptions } from './relay-leadership';
export { defaultTopicFor } from './default-topic-for';
export { EVENT_HEADERS, eventFromMessage, eventToMessage, type EventMessageValue } from './event-message';
export type { BackoffOptions } from '../delivery/backoff';
