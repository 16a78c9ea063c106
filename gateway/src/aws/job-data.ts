import { compact, type Json } from './aws-members';

/** The selection of a job's data that CodePipeline's JobData (and ThirdPartyJobData) are made from. */
export const JOB_DATA = `data { pipelineName pipelineExecutionId stageName actionName actionExecutionId actionTypeId { category owner provider version } configuration
  inputArtifacts { name location } outputArtifacts { name files } continuationToken }`;

/** An artifact as CodePipeline's job data names it: Sluice's content address stands in the S3 object key. */
const jobArtifactsOf = (artifacts: Json[]) =>
  artifacts.map((artifact) => compact({ name: artifact.name, location: { type: 'S3', s3Location: { bucketName: 'sluice-artifacts', objectKey: artifact.location ?? '' } } }));

/** CodePipeline's JobData (a partner's ThirdPartyJobData has the same members) from Sluice's job data. */
export function jobDataOf(data: Json): Json {
  return compact({
    actionTypeId: data.actionTypeId,
    actionConfiguration: { configuration: data.configuration },
    pipelineContext: {
      pipelineName: data.pipelineName,
      stage: { name: data.stageName },
      action: { name: data.actionName, actionExecutionId: data.actionExecutionId },
      pipelineExecutionId: data.pipelineExecutionId,
    },
    inputArtifacts: jobArtifactsOf(data.inputArtifacts),
    outputArtifacts: jobArtifactsOf(data.outputArtifacts),
    continuationToken: data.continuationToken,
  });
}
