/** Access keys for Signature Version 4 (decision 0024), added to the permissions subgraph's schema. */
export const accessKeyTypeDefs = /* GraphQL */ `
  enum AccessKeyStatus {
    ACTIVE
    DELETED
  }

  "An access key for the AWS-compatible API at /aws; the secret is never shown again after createAccessKey."
  type AccessKey {
    accessKeyId: String!
    account: String!
    principalId: String!
    createdAt: DateTime!
    status: AccessKeyStatus!
  }

  type CreatedAccessKey {
    accessKeyId: String!
    "Shown once: store it now (the AWS shared-credentials file's aws_secret_access_key)."
    secretAccessKey: String!
    account: String!
    principalId: String!
    createdAt: DateTime!
    status: AccessKeyStatus!
  }

  "For the gateway only (called on this subgraph's URL): the secret of an access key and who it stands for."
  type AccessKeySecret @inaccessible {
    secretAccessKey: String!
    "Exactly the Principal of @sluice/authz."
    principal: JSON!
    actor: String!
    accessKeyId: String!
  }

  extend type Query {
    accessKeySecret(accessKeyId: String!): AccessKeySecret @inaccessible
    "The account's access keys (never their secrets), optionally of one principal."
    listAccessKeys(principalId: String): [AccessKey!]!
  }

  extend type Mutation {
    "A key pair for SigV4 (default: for the caller's own principal)."
    createAccessKey(principalId: String): CreatedAccessKey!
    "Revokes the key: requests signed with it are refused from now on."
    deleteAccessKey(accessKeyId: String!): AccessKey!
  }
`;
