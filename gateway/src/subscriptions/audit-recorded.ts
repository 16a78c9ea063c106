import { GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLString, type GraphQLFieldConfig } from 'graphql';
import { AUDIT_RECORDED, auditRecordOf, auditStreamOf, type ChainedAuditRecord } from '@sluice/authz';
import type { EventStore, RecordedEvent } from '@sluice/eventing';
import { storeFeed, type FeedGauge } from './store-feed';

/** One audit record as `auditRecorded` delivers it, with the store position as its cursor. */
export interface AuditRecordedUpdate extends ChainedAuditRecord {
  cursor: string;
}

const string = { type: GraphQLString };
const required = { type: new GraphQLNonNull(GraphQLString) };

const AuditPrincipalType = new GraphQLObjectType({ name: 'AuditPrincipal', fields: { id: required, account: required } });
const AuditStatementType = new GraphQLObjectType({ name: 'AuditDecidingStatement', fields: { policyName: required, sid: string, index: { type: new GraphQLNonNull(GraphQLInt) } } });
const AuditResultType = new GraphQLObjectType({ name: 'AuditResult', fields: { status: required, errorCode: string } });

const AuditRecordType = new GraphQLObjectType<AuditRecordedUpdate>({
  name: 'AuditRecord',
  description: 'One API call as the audit trail keeps it (hash-chained: `previousHash` is the hash of the record before).',
  fields: {
    cursor: { ...required, description: 'The store position: pass it as `after` to resume after this record.' },
    id: required,
    time: required,
    principal: { type: new GraphQLNonNull(AuditPrincipalType), description: 'Who called: the original principal, also through a role.' },
    viaRole: { type: AuditPrincipalType, description: 'The role the call was made through, for a role session.' },
    operation: required,
    resource: required,
    requestParameters: { ...required, description: 'The parameters as JSON text, secrets redacted.', resolve: (r) => JSON.stringify(r.requestParameters) },
    decision: required,
    decidingStatement: { type: AuditStatementType },
    result: { type: new GraphQLNonNull(AuditResultType) },
    sourceIp: string,
    userAgent: string,
    requestId: required,
    previousHash: string,
    hash: required,
  },
});

/**
 * `auditRecorded(after)`: every audit record of the subscriber's account as it is stored (the gateway writes them,
 * `appendAuditRecord`), from the store like `executionUpdated`; authorized by `sluice:LookupAuditEvents` at the subscribe.
 */
export function auditRecordedField<C extends { account: string }>(store: EventStore, gauge: FeedGauge, cursorOf: (after: unknown) => bigint | undefined): GraphQLFieldConfig<AuditRecordedUpdate, C> {
  return {
    type: new GraphQLNonNull(AuditRecordType),
    description: 'Every audit record of the account, as it is recorded; `after` resumes after a cursor.',
    args: { after: { type: GraphQLString } },
    subscribe: (_source, args, context) => {
      const streamId = auditStreamOf(context.account);
      return storeFeed(store, {
        after: cursorOf(args.after),
        gauge,
        // Not the stream alone: an account's trail grows with every call, and resuming from a recent cursor would read
        // all of it; a filtered read of the store from the cursor reads what came since.
        source: { streamPrefixes: [streamId] },
        // The prefix `audit-acme` also matches `audit-acme2`: the stream must be the account's own.
        select: (event: RecordedEvent) => (event.streamId === streamId && event.type === AUDIT_RECORDED ? { ...auditRecordOf(event), cursor: event.position.toString() } : undefined),
      });
    },
    resolve: (update) => update,
  };
}
