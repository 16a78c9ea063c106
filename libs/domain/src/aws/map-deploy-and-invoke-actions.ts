import { HTTP_INVOKE, MANUAL_APPROVAL, PIPELINE_INVOKE } from '../action-types/built-in-action-types';
import {
  configurationPath,
  dropUnhandledConfiguration,
  type ActionMappingContext,
  type MappedAction,
} from './action-mapping-context';
import { lambdaPlaceholderUrl } from './aws-placeholders';

/** A Lambda invoke becomes an HTTP call to a URL the user must supply; UserParameters become the request body. */
export function mapLambdaInvoke(context: ActionMappingContext): MappedAction {
  const configuration = context.action.configuration ?? {};
  const functionName = configuration.FunctionName ?? '';
  const url = lambdaPlaceholderUrl(functionName);
  context.report.dropped(configurationPath(context, 'FunctionName'), functionName, 'Replaced by Url.');
  context.report.added(configurationPath(context, 'Url'), url, 'A placeholder that never resolves: replace it with the function URL or an HTTP endpoint.');
  const mapped: Record<string, string> = { Url: url, Method: 'POST' };
  context.report.added(configurationPath(context, 'Method'), 'POST', 'Lambda invocations carry a payload.');
  if (configuration.UserParameters !== undefined) {
    context.report.dropped(configurationPath(context, 'UserParameters'), configuration.UserParameters, 'Became Body.');
    context.report.added(configurationPath(context, 'Body'), configuration.UserParameters, 'Was UserParameters.');
    mapped.Body = configuration.UserParameters;
  }
  dropUnhandledConfiguration(context, ['FunctionName', 'UserParameters'], "Sluice's Invoke/Http");
  context.report.warn(
    `${context.path}: Lambda function "${functionName}" is now called over HTTP at ${url}; replace Url with an endpoint that runs it (a Lambda function URL, for instance). A 2xx answer succeeds the action; the function no longer reports to CodePipeline.`,
  );
  return {
    actionTypeId: { ...HTTP_INVOKE.id },
    status: 'mapped',
    notes: ['Success is the HTTP status, not a PutJobSuccessResult call.'],
    configuration: mapped,
  };
}

/** CodePipeline's manual approval is a Sluice built-in under the same id. */
export function keepManualApproval(context: ActionMappingContext): MappedAction {
  const known = MANUAL_APPROVAL.actionConfigurationProperties.map((property) => property.name);
  const configuration = Object.fromEntries(Object.entries(context.action.configuration ?? {}).filter(([key]) => known.includes(key)));
  dropUnhandledConfiguration(context, known, 'The manual approval');
  const notes = configuration.NotificationArn
    ? ['NotificationArn is kept for export; Sluice does not publish to SNS.']
    : [];
  return {
    actionTypeId: { ...MANUAL_APPROVAL.id },
    status: 'kept',
    notes,
    ...(context.action.configuration ? { configuration } : {}),
  };
}

/** CodePipeline's invoke of another pipeline is Sluice's Invoke/Sluice/Pipeline, with the same configuration keys. */
export function mapPipelineInvoke(context: ActionMappingContext): MappedAction {
  const known = ['PipelineName', 'Variables', 'SourceRevisions'];
  const configuration = Object.fromEntries(Object.entries(context.action.configuration ?? {}).filter(([key]) => known.includes(key)));
  dropUnhandledConfiguration(context, known, "Sluice's Invoke/Pipeline");
  return {
    actionTypeId: { ...PIPELINE_INVOKE.id },
    status: 'mapped',
    notes: ['Starts the pipeline of the same name in the Sluice account; it does not wait for its result (WaitForResult false).'],
    configuration,
  };
}
