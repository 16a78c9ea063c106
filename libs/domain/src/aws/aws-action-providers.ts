/**
 * Providers CodePipeline itself offers, by category. An imported action of one of these became a
 * custom action type of the same name; exporting it gives AWS back its own provider.
 */
export const AWS_PROVIDERS_BY_CATEGORY: Readonly<Record<string, readonly string[]>> = {
  Source: ['S3', 'ECR', 'CodeCommit', 'CodeStarSourceConnection'],
  Build: ['CodeBuild', 'ECRBuildAndPublish'],
  Test: ['CodeBuild', 'DeviceFarm'],
  Deploy: [
    'S3', 'CloudFormation', 'CloudFormationStackSet', 'CloudFormationStackInstances', 'CodeDeploy',
    'CodeDeployToECS', 'ECS', 'EKS', 'EC2', 'ElasticBeanstalk', 'AppConfig', 'OpsWorks', 'ServiceCatalog',
    'AlexaSkillsKit',
  ],
  Invoke: ['Lambda', 'StepFunctions', 'InspectorScan', 'CodePipeline'],
  Approval: ['Manual'],
};

export function isAwsProvider(category: string, provider: string): boolean {
  return AWS_PROVIDERS_BY_CATEGORY[category]?.includes(provider) ?? false;
}
