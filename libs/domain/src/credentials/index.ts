export {
  displayUrl,
  hasUrlCredentials,
  redactCredentials,
  redactUrlCredentials,
  REDACTED_USERINFO,
  splitUrlCredentials,
  type UrlWithoutCredentials,
} from './url-credentials';
export { redactUrlCredentialsIn } from './redact-url-credentials-in';
export { restoreRedactedCredentials } from './restore-redacted-credentials';
export { gitCredentialEnvironment, operatorCredentialsFor, type GitHostCredentials } from './git-credential-environment';
