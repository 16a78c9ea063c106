import { subgraphSchemaPreamble } from '@sluice/graphql-service/schema';

/** The artifacts subgraph (federation v2; the gateway composes it). */
export const artifactsTypeDefs = /* GraphQL */ `
${subgraphSchemaPreamble(['@key', '@shareable'])}
  "A revision of the source an artifact was built from."
  type ArtifactSourceRevision {
    actionName: String!
    revisionType: String!
    revisionId: String!
    revisionSummary: String
    revisionUrl: String
  }

  "An artifact an action of an execution produced under a name (event ArtifactRecorded)."
  type ArtifactRecord {
    sha256: ID!
    name: String!
    pipelineName: String!
    pipelineExecutionId: ID!
    stageName: String!
    actionName: String!
    "Null when the bytes were not in the store when the output was recorded."
    size: Float
    contentType: String
    sourceRevision: ArtifactSourceRevision
    recordedAt: DateTime!
  }

  "Stored bytes, by content address, with what the caller's account recorded of them."
  type StoredArtifact {
    sha256: ID!
    size: Float
    contentType: String
    "Retention deleted the bytes; the records stay as history."
    collected: Boolean!
    records: [ArtifactRecord!]!
  }

  "A signed, expiring link to one artifact, valid on the gateway's origin."
  type ArtifactDownload {
    "A path: /artifacts/download/{token}."
    url: String!
    expiresAt: DateTime!
    sha256: ID!
    size: Float
  }

  type CollectedArtifact {
    sha256: ID!
    size: Float
    lastUsedAt: DateTime!
    reason: String!
  }

  type ArtifactCollection {
    dryRun: Boolean!
    "Deleted, or in a dry run, what would be: those the caller's account uploaded or recorded."
    artifacts: [CollectedArtifact!]!
    "Stored bytes without history, recorded as found (their grace starts now)."
    foundCount: Int!
    "Bytes of the listed artifacts."
    freedBytes: Float!
    retentionDays: Float!
    keepExecutions: Int!
  }

  type Query {
    "The artifacts an execution's actions produced, in the order they were recorded."
    listArtifacts(pipelineExecutionId: ID!): [ArtifactRecord!]!
    artifact(sha256: ID!): StoredArtifact
    artifactDownloadUrl(pipelineName: String!, pipelineExecutionId: ID!, artifactName: String!): ArtifactDownload!
  }

  type Mutation {
    "Runs retention now; dryRun answers what it would delete."
    collectArtifacts(dryRun: Boolean = false): ArtifactCollection!
  }
`;
