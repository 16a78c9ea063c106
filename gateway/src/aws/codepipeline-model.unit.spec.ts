import { loadCodePipelineModel } from '../testing/codepipeline-model';
import { AwsError } from './aws-errors';
import { asDeclaredBy, DECLARED_ERRORS } from './codepipeline-model';

describe("CodePipeline's model of errors", () => {
  it('is the installed SDK’s: every operation and the exceptions it declares', () => {
    const model = loadCodePipelineModel();
    expect(model.operations).toHaveLength(44);
    expect(DECLARED_ERRORS).toEqual(Object.fromEntries(model.operations.map((operation) => [operation, [...model.errorsOf(operation)].sort()])));
  });

  it('keeps an exception the operation declares, or one common to every operation', () => {
    const notFound = new AwsError('PipelineNotFoundException', 'no pipeline');
    expect(asDeclaredBy('GetPipeline', notFound)).toBe(notFound);
    const throttled = new AwsError('ThrottlingException', 'slow down', 429);
    expect(asDeclaredBy('TagResource', throttled)).toBe(throttled);
  });

  it.each([
    ['TagResource', 'PipelineNotFoundException', 'ResourceNotFoundException'],
    ['ListTagsForResource', 'PipelineNotFoundException', 'ResourceNotFoundException'],
    ['StopPipelineExecution', 'PipelineExecutionNotFoundException', 'ValidationException'],
    ['RetryStageExecution', 'ConcurrentModificationException', 'ConflictException'],
    ['DeletePipeline', 'PipelineNotFoundException', 'ValidationException'],
  ])('says %s’s undeclared %s as %s, with the message kept', (operation, type, expected) => {
    const answered = asDeclaredBy(operation, new AwsError(type, 'the service said why'));
    expect({ type: answered.type, message: answered.message, status: answered.status }).toEqual({ type: expected, message: 'the service said why', status: 400 });
  });
});
