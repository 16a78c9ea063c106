export * from './git-poller';
export * from './ls-remote';
export * from './s3-poller';
