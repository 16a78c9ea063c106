import { DLQ_HEADERS, type Headers } from '../bus';

/** The headers of a message sent to `<topic>.dlq`: the original ones plus what went wrong. */
export function dlqHeaders(
  original: Headers,
  failure: { error: unknown; topic: string; partition: number; offset: string; attempts: number; group: string },
): Headers {
  return {
    ...original,
    [DLQ_HEADERS.error]: describeError(failure.error),
    [DLQ_HEADERS.originalTopic]: failure.topic,
    [DLQ_HEADERS.originalPartition]: String(failure.partition),
    [DLQ_HEADERS.originalOffset]: failure.offset,
    [DLQ_HEADERS.attempts]: String(failure.attempts),
    [DLQ_HEADERS.group]: failure.group,
  };
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
