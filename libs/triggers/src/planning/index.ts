export * from './git-source-actions';
export * from './plan-starts';
export * from './repository-url';
export * from './source-event';
export * from './source-revision-token';
export * from './s3-source-actions';
