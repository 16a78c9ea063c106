import type { AwsCall } from '../aws/aws-endpoint';
import type { AwsGraphql } from '../aws/gateway-graphql';

/** A GraphQL stand-in for `/aws` operations' unit tests: answers `answer` to every call and records what `record` takes of it. */
export function recordingAwsGraphql<T>(answer: Record<string, unknown>, record: (query: string, variables: Record<string, unknown> | undefined) => T): { sent: T[]; graphql: AwsGraphql } {
  const sent: T[] = [];
  const graphql = (async (_call: AwsCall, query: string, variables?: Record<string, unknown>) => {
    sent.push(record(query, variables));
    return answer;
  }) as AwsGraphql;
  return { sent, graphql };
}
