import { createHash } from 'node:crypto';
import { PipelineCatalog } from './pipeline-catalog';
import { executionIdForToken } from '../../application/execution-id-for-token';

const web = { account: 'acme', name: 'web' };
const declaration = (version: number) => ({ name: 'web', version, stages: [{ name: 'Build', actions: [] }] });

describe('pipeline catalog', () => {
  it('keeps every version, answers the latest, forgets a deleted pipeline until it is created again', () => {
    const catalog = new PipelineCatalog();
    catalog.apply('acme', { type: 'PipelineCreated', data: { name: 'web', version: 1, declaration: declaration(1), tags: [], created: 't', createdBy: 'alice' } });
    catalog.apply('acme', { type: 'PipelineUpdated', data: { name: 'web', version: 2, declaration: declaration(2), updated: 't', updatedBy: 'alice' } });
    expect(catalog.latest(web)?.version).toBe(2);
    expect(catalog.definition(web, 1)?.declaration.version).toBe(1);
    expect(catalog.latest({ account: 'other', name: 'web' })).toBeUndefined();
    catalog.apply('acme', { type: 'PipelineDeleted', data: { name: 'web', version: 2, deleted: 't', deletedBy: 'alice' } });
    expect(catalog.latest(web)).toBeUndefined();
    catalog.apply('acme', { type: 'PipelineCreated', data: { name: 'web', version: 3, declaration: declaration(3), tags: [], created: 't', createdBy: 'alice' } });
    expect(catalog.latest(web)?.version).toBe(3);
  });

  it('keeps the transition state and wakes those waiting for a version', async () => {
    const catalog = new PipelineCatalog();
    const known = catalog.whenKnown(web, 1, 1_000);
    catalog.apply('acme', { type: 'StageTransitionDisabled', data: { name: 'web', stageName: 'Build', transitionType: 'Inbound', reason: 'freeze', disabledBy: 'bob', disabledAt: 't' } });
    expect(catalog.transition(web, 'Build')).toEqual({ enabled: false, reason: 'freeze', changedBy: 'bob', changedAt: 't' });
    catalog.apply('acme', { type: 'PipelineCreated', data: { name: 'web', version: 1, declaration: declaration(1), tags: [], created: 't', createdBy: 'alice' } });
    await expect(known).resolves.toBeUndefined();
  });
});

describe('execution id of a client request token', () => {
  const key = Buffer.alloc(32, 7);
  it('is the same for the same (key, account, pipeline, token) and differs otherwise', () => {
    const id = executionIdForToken(key, web, 'release-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(executionIdForToken(key, web, 'release-1')).toBe(id);
    expect(executionIdForToken(key, web, 'release-2')).not.toBe(id);
    expect(executionIdForToken(key, { account: 'other', name: 'web' }, 'release-1')).not.toBe(id);
  });

  it('cannot be worked out without the key: the unkeyed hash of the same parts, or another key, gives another id', () => {
    const id = executionIdForToken(key, web, 'release-1');
    expect(executionIdForToken(Buffer.alloc(32, 8), web, 'release-1')).not.toBe(id);
    const unkeyed = createHash('sha256').update(JSON.stringify([web.account, web.name, 'release-1'])).digest('hex');
    expect(id.replace(/-/g, '').slice(0, 8)).not.toBe(unkeyed.slice(0, 8));
  });
});
