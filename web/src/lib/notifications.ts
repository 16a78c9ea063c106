// A pipeline's notification deliveries (decision 0044): what the pipeline view's panel shows.
import { GraphQLRequestError, request } from './graphql';

export interface NotificationDelivery {
  idempotencyKey: string;
  ruleName: string;
  targetType: 'Webhook' | 'Slack' | 'Email';
  eventTypeId: string;
  executionId: string;
  status: 'Pending' | 'InProgress' | 'Retrying' | 'Succeeded' | 'Failed';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  updatedAt: string;
}

export interface NotificationSummary {
  rules: number;
  deliveries: NotificationDelivery[];
}

/** The pipeline's rules and newest deliveries; undefined when the principal may not read them (the panel is then not drawn). */
export async function loadNotificationSummary(pipelineName: string): Promise<NotificationSummary | undefined> {
  try {
    const data = await request<{ notificationRules: Array<{ name: string }>; notificationDeliveries: NotificationDelivery[] }>(
      `query Notifications($p: String!) {
        notificationRules(pipelineName: $p) { name }
        notificationDeliveries(pipelineName: $p, first: 50) { idempotencyKey ruleName targetType eventTypeId executionId status attempts lastError nextAttemptAt updatedAt }
      }`,
      { p: pipelineName },
    );
    return { rules: data.notificationRules.length, deliveries: data.notificationDeliveries };
  } catch (error) {
    if (error instanceof GraphQLRequestError && error.code === 'FORBIDDEN') return undefined;
    throw error;
  }
}

/** `codepipeline-pipeline-pipeline-execution-failed` → `execution failed`. */
export const eventLabel = (eventTypeId: string): string => eventTypeId.replace(/^codepipeline-pipeline-(pipeline-)?/, '').replace(/-/g, ' ');
