import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiReference } from './api-reference';

describe('docs/api.md', () => {
  const written = readFileSync(join(__dirname, '../../../docs/api.md'), 'utf8');

  it('is the reference the services’ schemas make (regenerate with `npx tsx gateway/src/api-reference/write-api-reference.ts`)', () => {
    expect(written).toBe(apiReference());
  });

  it('shows the operations people start with', () => {
    for (const operation of ['createPipeline(', 'startPipelineExecution(', 'putApprovalResult(', 'pollForJobs(', 'lookupAuditEvents(', 'executionUpdated(', 'actionLogAppended(']) expect(written).toContain(operation);
  });
});
