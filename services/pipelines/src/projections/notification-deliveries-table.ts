import type { DurableProjection, ReadModelDatabase, RecordedEvent, Row, SqlStatement } from '@sluice/eventing';
import { isNotificationDeliveryEvent, NOTIFICATION_DELIVERY_STREAM_PREFIX, parseNotificationDeliveryStreamId, type NotificationDeliveryEvent } from '@sluice/contracts';
import type { NotificationDeliveryStatus, NotificationDeliveryView } from '@sluice/notifications';

const COLUMNS = `account, idempotency_key, rule_name, rule_id, target_index::text AS target_index, target_type, event_type_id, pipeline_name, execution_id, summary, link,
  source_event_id, requested_at, status, attempts::text AS attempts, last_error, next_attempt_at, updated_at, revision::text AS revision`;

/**
 * The notification deliveries' history (decision 0044) in a table of the store's database (decision 0066): one row
 * per delivery, folded from `notificationdelivery-` streams, what `notificationDeliveries` lists. It grows with every
 * notification sent, so it is not kept in the pipelines service's heap nor replayed at its start.
 */
export class NotificationDeliveriesTable implements DurableProjection {
  readonly name = 'pipelines.notification-deliveries';
  readonly streamPrefixes = [NOTIFICATION_DELIVERY_STREAM_PREFIX];
  readonly tables = ['notification_deliveries'];

  constructor(private readonly database: ReadModelDatabase) {}

  schemaSql(schema: string): string {
    const s = `"${schema}"`;
    return `
CREATE TABLE IF NOT EXISTS ${s}.notification_deliveries (account text NOT NULL, idempotency_key text NOT NULL, position bigint NOT NULL, rule_name text NOT NULL, rule_id text NOT NULL,
  target_index integer NOT NULL, target_type text NOT NULL, event_type_id text NOT NULL, pipeline_name text NOT NULL, execution_id text NOT NULL, summary text NOT NULL, link text NOT NULL,
  source_event_id text NOT NULL, requested_at text NOT NULL, status text NOT NULL, attempts integer NOT NULL, last_error text, next_attempt_at text, updated_at text NOT NULL, revision bigint NOT NULL,
  PRIMARY KEY (account, idempotency_key));
CREATE INDEX IF NOT EXISTS notification_deliveries_by_pipeline ON ${s}.notification_deliveries (account, pipeline_name, requested_at COLLATE "C" DESC, position);
`;
  }

  fold(events: readonly RecordedEvent[], schema: string): SqlStatement[] {
    const table = `"${schema}".notification_deliveries`;
    const statements: SqlStatement[] = [];
    for (const recorded of events) {
      const id = parseNotificationDeliveryStreamId(recorded.streamId);
      if (!id || !isNotificationDeliveryEvent(recorded)) continue;
      const event = { type: recorded.type, data: recorded.data } as NotificationDeliveryEvent;
      const key = [id.account, id.idempotencyKey];
      const revision = recorded.revision.toString();
      switch (event.type) {
        case 'NotificationDeliveryRequested': {
          const { data } = event;
          const { message } = data;
          statements.push({
            text: `INSERT INTO ${table} (account, idempotency_key, position, rule_name, rule_id, target_index, target_type, event_type_id, pipeline_name, execution_id, summary, link,
                source_event_id, requested_at, status, attempts, last_error, next_attempt_at, updated_at, revision)
              VALUES ($1, $2, $3::bigint, $4, $5, $6::integer, $7, $8, $9, $10, $11, $12, $13, $14, 'Pending', 0, NULL, NULL, $14, $15::bigint) ON CONFLICT DO NOTHING`,
            params: [...key, recorded.position.toString(), data.ruleName, data.ruleId, String(data.targetIndex), data.targetType, message.eventTypeId, message.pipelineName, message.executionId, message.summary, message.link, data.sourceEventId, data.at, revision],
          });
          break;
        }
        case 'NotificationDeliveryAttempted':
          statements.push({ text: `UPDATE ${table} SET status = 'InProgress', attempts = $3::integer, next_attempt_at = NULL, updated_at = $4, revision = $5::bigint WHERE account = $1 AND idempotency_key = $2`, params: [...key, String(event.data.attempt), event.data.at, revision] });
          break;
        case 'NotificationDeliverySucceeded':
          statements.push({ text: `UPDATE ${table} SET status = 'Succeeded', last_error = NULL, next_attempt_at = NULL, updated_at = $3, revision = $4::bigint WHERE account = $1 AND idempotency_key = $2`, params: [...key, event.data.at, revision] });
          break;
        case 'NotificationDeliveryFailed': {
          const retrying = event.data.nextAttemptAt !== null;
          statements.push({
            text: `UPDATE ${table} SET status = $3, last_error = $4, next_attempt_at = $5, updated_at = $6, revision = $7::bigint WHERE account = $1 AND idempotency_key = $2`,
            params: [...key, retrying ? 'Retrying' : 'Failed', event.data.error, event.data.nextAttemptAt, event.data.at, revision],
          });
          break;
        }
      }
    }
    return statements;
  }

  async contents(database: ReadModelDatabase = this.database): Promise<NotificationDeliveryView[]> {
    return (await database.query(`SELECT ${COLUMNS} FROM "${database.schema}".notification_deliveries ORDER BY account COLLATE "C", idempotency_key COLLATE "C"`)).map(viewOf);
  }

  /** The account's deliveries of a pipeline, newest request first (in store order for one instant), filtered, at most `first`. */
  async list(account: string, filter: { pipelineName: string; ruleName?: string; status?: NotificationDeliveryStatus }, first: number): Promise<NotificationDeliveryView[]> {
    const rows = await this.database.query(
      `SELECT ${COLUMNS} FROM "${this.database.schema}".notification_deliveries
        WHERE account = $1 AND pipeline_name = $2 AND ($3::text IS NULL OR rule_name = $3) AND ($4::text IS NULL OR status = $4)
        ORDER BY requested_at COLLATE "C" DESC, position LIMIT $5::integer`,
      [account, filter.pipelineName, filter.ruleName ?? null, filter.status ?? null, String(first)],
    );
    return rows.map(viewOf);
  }
}

function viewOf(row: Row): NotificationDeliveryView {
  return {
    account: row.account!,
    idempotencyKey: row.idempotency_key!,
    ruleName: row.rule_name!,
    ruleId: row.rule_id!,
    targetIndex: Number(row.target_index),
    targetType: row.target_type as NotificationDeliveryView['targetType'],
    eventTypeId: row.event_type_id as NotificationDeliveryView['eventTypeId'],
    pipelineName: row.pipeline_name!,
    executionId: row.execution_id!,
    summary: row.summary!,
    link: row.link!,
    sourceEventId: row.source_event_id!,
    requestedAt: row.requested_at!,
    status: row.status as NotificationDeliveryStatus,
    attempts: Number(row.attempts),
    lastError: row.last_error ?? null,
    nextAttemptAt: row.next_attempt_at ?? null,
    updatedAt: row.updated_at!,
    revision: BigInt(row.revision!),
  };
}
