import { join } from 'node:path';
import type { ProviderJob } from './action-provider';
import { ProviderFailure } from './provider-failure';

/** CodePipeline's artifact name pattern: safe as a folder name too. */
const artifactNamePattern = /^[A-Za-z0-9_-]{1,100}$/;

export function requiredConfiguration(job: ProviderJob, name: string): string {
  const value = job.configuration[name]?.trim();
  if (value === undefined || value === '') throw new ProviderFailure(`configuration ${name} is required`, 'ConfigurationError');
  return value;
}

export function singleOutputArtifact(job: ProviderJob, provider: string): { name: string; files?: string[] } {
  const [output, ...others] = job.outputArtifacts;
  if (output === undefined || others.length > 0) {
    throw new ProviderFailure(`${provider} produces exactly one output artifact, ${job.outputArtifacts.length} declared`, 'ConfigurationError');
  }
  return output;
}

/** Where a provider builds the output artifact `name`: a folder of its own in the job's workspace. */
export function outputArtifactDirectory(job: ProviderJob, name: string): string {
  return join(job.workspace, 'outputs', assertArtifactName(name));
}

export function assertArtifactName(name: string): string {
  if (!artifactNamePattern.test(name)) throw new ProviderFailure(`artifact name ${JSON.stringify(name)} must match ${artifactNamePattern.source}`, 'ConfigurationError');
  return name;
}
