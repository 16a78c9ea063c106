import { randomUUID } from 'node:crypto';

/** An audit record of the size the gateway writes (no valid hash: the read model does not verify, the verifier does). */
export function benchAuditRecord(account: string, n: number) {
  return {
    id: randomUUID(),
    time: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
    principal: { id: `user-${n % 17}`, account },
    viaRole: null,
    operation: n % 3 === 0 ? 'sluice:StartPipelineExecution' : 'sluice:GetPipelineState',
    resource: `srn:sluice:${account}:pipeline-${n % 40}`,
    requestParameters: { name: `pipeline-${n % 40}`, clientRequestToken: randomUUID() },
    decision: 'Allow',
    decidingStatement: { policyName: 'Operator', index: 0 },
    result: { status: 'succeeded' },
    sourceIp: '127.0.0.1',
    userAgent: 'sluice-cli/1.0 bench',
    requestId: randomUUID(),
    chain: 'hmac-sha256',
    previousHash: 'f'.repeat(64),
    hash: 'e'.repeat(64),
  };
}
