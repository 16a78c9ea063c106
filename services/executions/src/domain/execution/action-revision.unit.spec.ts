import { NotFoundError, ValidationError } from '@sluice/domain';
import { commandsAction, pipeline, sourceAction, stage } from '../testing/fixtures';
import { decideActionRevision } from './action-revision';

const upload = { ...sourceAction('Archive', 'ArchiveOutput'), actionTypeId: { category: 'Source' as const, owner: 'Sluice' as const, provider: 'Upload', version: '1' }, configuration: { ObjectKey: 'app.zip' } };
const custom = { ...sourceAction('Vault', 'VaultOutput'), actionTypeId: { category: 'Source' as const, owner: 'Custom' as const, provider: 'Vault', version: '1' }, configuration: {} };
const declaration = pipeline([stage('Source', [sourceAction('Checkout'), upload, custom]), stage('Build', [commandsAction('Compile')])]);
const request = (actionName = 'Checkout', revisionId = 'c0ffee', stageName = 'Source') => ({ stageName, actionName, revisionId });

describe('PutActionRevision', () => {
  it('starts pinned to a new commit of a Git source, with a token naming the current execution', () => {
    expect(decideActionRevision(declaration, request(), { executionId: 'e1', revisionId: 'older' })).toEqual({
      newRevision: true,
      sourceRevision: { actionName: 'Checkout', revisionType: 'COMMIT_ID', revisionValue: 'c0ffee' },
      clientRequestToken: JSON.stringify(['PutActionRevision', 'e1', 'Source', 'Checkout', 'c0ffee']),
    });
  });

  it('starts the first execution of a pipeline that never ran the action', () => {
    expect(decideActionRevision(declaration, request(), null)).toMatchObject({ newRevision: true, clientRequestToken: JSON.stringify(['PutActionRevision', null, 'Source', 'Checkout', 'c0ffee']) });
  });

  it('pins an upload source to the archive address', () => {
    expect(decideActionRevision(declaration, request('Archive', 'sha256:abc'), null)).toMatchObject({ sourceRevision: { actionName: 'Archive', revisionType: 'S3_OBJECT_VERSION_ID', revisionValue: 'sha256:abc' } });
  });

  it('starts nothing for the revision the action fetched last, answering the execution that has it', () => {
    expect(decideActionRevision(declaration, request(), { executionId: 'e7', revisionId: 'c0ffee' })).toEqual({ newRevision: false, pipelineExecutionId: 'e7' });
  });

  it.each<[string, ReturnType<typeof request>, abstract new (...args: never[]) => Error, string]>([
    ['an unknown stage', request('Checkout', 'c', 'Nope'), NotFoundError, 'STAGE_NOT_FOUND'],
    ['an unknown action', request('Nope'), NotFoundError, 'ACTION_NOT_FOUND'],
    ['a build action', request('Compile', 'c', 'Build'), ValidationError, 'INVALID_INPUT'],
    ['a source that cannot be pinned', request('Vault'), ValidationError, 'INVALID_INPUT'],
  ])('refuses %s', (_title, given, errorClass, code) => {
    const refusal = (() => {
      try {
        decideActionRevision(declaration, given, null);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(errorClass);
    expect(refusal).toMatchObject({ code });
  });
});
