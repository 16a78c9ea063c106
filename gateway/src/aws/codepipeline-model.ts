import { AwsError } from './aws-errors';

/**
 * The exceptions each CodePipeline operation declares in AWS's model (the `@throws` of the SDK's commands,
 * `@aws-sdk/client-codepipeline`): a unit test holds this table to the installed SDK, so it is the model's, not ours.
 */
export const DECLARED_ERRORS: Readonly<Record<string, readonly string[]>> = {
  AcknowledgeJob: ['InvalidNonceException', 'JobNotFoundException', 'ValidationException'],
  AcknowledgeThirdPartyJob: ['InvalidClientTokenException', 'InvalidNonceException', 'JobNotFoundException', 'ValidationException'],
  CreateCustomActionType: ['ConcurrentModificationException', 'InvalidTagsException', 'LimitExceededException', 'TooManyTagsException', 'ValidationException'],
  CreatePipeline: ['ConcurrentModificationException', 'InvalidActionDeclarationException', 'InvalidBlockerDeclarationException', 'InvalidStageDeclarationException', 'InvalidStructureException', 'InvalidTagsException', 'LimitExceededException', 'PipelineNameInUseException', 'TooManyTagsException', 'ValidationException'],
  DeleteCustomActionType: ['ConcurrentModificationException', 'ValidationException'],
  DeletePipeline: ['ConcurrentModificationException', 'ValidationException'],
  DeleteWebhook: ['ConcurrentModificationException', 'ValidationException'],
  DeregisterWebhookWithThirdParty: ['ValidationException', 'WebhookNotFoundException'],
  DisableStageTransition: ['PipelineNotFoundException', 'StageNotFoundException', 'ValidationException'],
  EnableStageTransition: ['PipelineNotFoundException', 'StageNotFoundException', 'ValidationException'],
  GetActionType: ['ActionTypeNotFoundException', 'ValidationException'],
  GetJobDetails: ['JobNotFoundException', 'ValidationException'],
  GetPipeline: ['PipelineNotFoundException', 'PipelineVersionNotFoundException', 'ValidationException'],
  GetPipelineExecution: ['PipelineExecutionNotFoundException', 'PipelineNotFoundException', 'ValidationException'],
  GetPipelineState: ['PipelineNotFoundException', 'ValidationException'],
  GetThirdPartyJobDetails: ['InvalidClientTokenException', 'InvalidJobException', 'JobNotFoundException', 'ValidationException'],
  ListActionExecutions: ['InvalidNextTokenException', 'PipelineExecutionNotFoundException', 'PipelineNotFoundException', 'ValidationException'],
  ListActionTypes: ['InvalidNextTokenException', 'ValidationException'],
  ListDeployActionExecutionTargets: ['ActionExecutionNotFoundException', 'InvalidNextTokenException', 'PipelineNotFoundException', 'ValidationException'],
  ListPipelineExecutions: ['InvalidNextTokenException', 'PipelineNotFoundException', 'ValidationException'],
  ListPipelines: ['InvalidNextTokenException', 'ValidationException'],
  ListRuleExecutions: ['InvalidNextTokenException', 'PipelineExecutionNotFoundException', 'PipelineNotFoundException', 'ValidationException'],
  ListRuleTypes: ['InvalidNextTokenException', 'ValidationException'],
  ListTagsForResource: ['InvalidArnException', 'InvalidNextTokenException', 'ResourceNotFoundException', 'ValidationException'],
  ListWebhooks: ['InvalidNextTokenException', 'ValidationException'],
  OverrideStageCondition: ['ConcurrentPipelineExecutionsLimitExceededException', 'ConditionNotOverridableException', 'ConflictException', 'NotLatestPipelineExecutionException', 'PipelineNotFoundException', 'StageNotFoundException', 'ValidationException'],
  PollForJobs: ['ActionTypeNotFoundException', 'ValidationException'],
  PollForThirdPartyJobs: ['ActionTypeNotFoundException', 'ValidationException'],
  PutActionRevision: ['ActionNotFoundException', 'ConcurrentPipelineExecutionsLimitExceededException', 'PipelineNotFoundException', 'StageNotFoundException', 'ValidationException'],
  PutApprovalResult: ['ActionNotFoundException', 'ApprovalAlreadyCompletedException', 'InvalidApprovalTokenException', 'PipelineNotFoundException', 'StageNotFoundException', 'ValidationException'],
  PutJobFailureResult: ['InvalidJobStateException', 'JobNotFoundException', 'ValidationException'],
  PutJobSuccessResult: ['InvalidJobStateException', 'JobNotFoundException', 'OutputVariablesSizeExceededException', 'ValidationException'],
  PutThirdPartyJobFailureResult: ['InvalidClientTokenException', 'InvalidJobStateException', 'JobNotFoundException', 'ValidationException'],
  PutThirdPartyJobSuccessResult: ['InvalidClientTokenException', 'InvalidJobStateException', 'JobNotFoundException', 'ValidationException'],
  PutWebhook: ['ConcurrentModificationException', 'InvalidTagsException', 'InvalidWebhookAuthenticationParametersException', 'InvalidWebhookFilterPatternException', 'LimitExceededException', 'PipelineNotFoundException', 'TooManyTagsException', 'ValidationException'],
  RegisterWebhookWithThirdParty: ['ValidationException', 'WebhookNotFoundException'],
  RetryStageExecution: ['ConcurrentPipelineExecutionsLimitExceededException', 'ConflictException', 'NotLatestPipelineExecutionException', 'PipelineNotFoundException', 'StageNotFoundException', 'StageNotRetryableException', 'ValidationException'],
  RollbackStage: ['ConflictException', 'PipelineExecutionNotFoundException', 'PipelineExecutionOutdatedException', 'PipelineNotFoundException', 'StageNotFoundException', 'UnableToRollbackStageException', 'ValidationException'],
  StartPipelineExecution: ['ConcurrentPipelineExecutionsLimitExceededException', 'ConflictException', 'PipelineNotFoundException', 'ValidationException'],
  StopPipelineExecution: ['ConflictException', 'DuplicatedStopRequestException', 'PipelineExecutionNotStoppableException', 'PipelineNotFoundException', 'ValidationException'],
  TagResource: ['ConcurrentModificationException', 'InvalidArnException', 'InvalidTagsException', 'ResourceNotFoundException', 'TooManyTagsException', 'ValidationException'],
  UntagResource: ['ConcurrentModificationException', 'InvalidArnException', 'InvalidTagsException', 'ResourceNotFoundException', 'ValidationException'],
  UpdateActionType: ['ActionTypeNotFoundException', 'RequestFailedException', 'ValidationException'],
  UpdatePipeline: ['InvalidActionDeclarationException', 'InvalidBlockerDeclarationException', 'InvalidStageDeclarationException', 'InvalidStructureException', 'LimitExceededException', 'ValidationException'],
};

/**
 * The errors AWS documents for every operation of every JSON service ("Common Errors" of the API reference): an
 * operation may answer them although its own list does not name them.
 */
export const AWS_COMMON_ERRORS: ReadonlySet<string> = new Set([
  'AccessDeniedException',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'InternalFailure',
  'InvalidAction',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'MissingAuthenticationTokenException',
  'NotAuthorized',
  'OptInRequired',
  'RequestEntityTooLargeException',
  'RequestExpired',
  'SerializationException',
  'ServiceUnavailable',
  'ThrottlingException',
  'UnknownOperationException',
  'UnrecognizedClientException',
]);

/** Where an exception the operation does not declare falls back to, in order, before `ValidationException`. */
function fallbacksOf(type: string): string[] {
  if (type.endsWith('NotFoundException')) return ['ResourceNotFoundException'];
  if (type === 'ConcurrentModificationException' || type === 'ConflictException' || type.endsWith('InUseException')) return ['ConflictException', 'ConcurrentModificationException'];
  return [];
}

/**
 * An error said as `operation` may say it: the exception chosen by its code (graphql-errors-to-aws.ts) when the
 * operation's model declares it or it is common to every operation, else the nearest one it declares — a missing
 * resource as `ResourceNotFoundException`, a conflict as `ConflictException` or `ConcurrentModificationException` —
 * and `ValidationException` (which every operation declares) otherwise. The message stays the service's.
 */
export function asDeclaredBy(operation: string, error: AwsError): AwsError {
  const declared = DECLARED_ERRORS[operation];
  if (declared === undefined || declared.includes(error.type) || AWS_COMMON_ERRORS.has(error.type)) return error;
  const type = [...fallbacksOf(error.type), 'ValidationException'].find((candidate) => declared.includes(candidate)) ?? 'ValidationException';
  return new AwsError(type, error.message, 400);
}
