export * from './git-ref';
export * from './glob-criteria';
export * from './match-push';
export * from './match-pull-request';
