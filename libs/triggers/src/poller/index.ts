export * from './git-poller';
export * from './ls-remote';
