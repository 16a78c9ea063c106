import { Inject } from '@nestjs/common';
import { Args, Query, Resolver } from '@nestjs/graphql';
import type { Caller } from '../application/caller';
import { PermissionsCallerOf } from './caller-of';
import { auditCursorOf, type AuditFilter } from '../projections/audit-read-model';
import { instantArg } from './instant-arg';
import { auditEventOutput } from './outputs';
import { PERMISSIONS_APPLICATION, type PermissionsApplication } from '../permissions-service';

type AuditFilterInput = Omit<AuditFilter, 'from' | 'to'> & { from?: string | null; to?: string | null };

/** The CloudTrail part: lookup with filters and pages, and verification of the hash chain. */
@Resolver()
export class AuditResolver {
  constructor(@Inject(PERMISSIONS_APPLICATION) private readonly app: PermissionsApplication) {}

  @Query('lookupAuditEvents')
  async lookupAuditEvents(@PermissionsCallerOf() caller: Caller, @Args('filter') filter?: AuditFilterInput | null, @Args('first') first?: number | null, @Args('after') after?: string | null) {
    const parsed: AuditFilter = { ...filter, from: instantArg(filter?.from, 'filter.from'), to: instantArg(filter?.to, 'filter.to') };
    const page = await this.app.audit.lookupAuditEvents(caller, parsed, first ?? null, after ?? null);
    return {
      edges: page.records.map((stored) => ({ cursor: auditCursorOf(stored.revision), node: auditEventOutput(stored) })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    };
  }

  @Query('verifyAuditTrail')
  verifyAuditTrail(@PermissionsCallerOf() caller: Caller, @Args('account') account?: string | null, @Args('from') from?: string | null, @Args('to') to?: string | null) {
    return this.app.audit.verifyAuditTrail(caller, account ?? null, instantArg(from, 'from'), instantArg(to, 'to'));
  }
}
