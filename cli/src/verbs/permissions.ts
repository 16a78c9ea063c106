import { nextTokenOf, pageVariables, pagingParameters, type PageInfo } from '../paging';
import type { Verb } from '../verb';

const PRINCIPAL = 'id account';

/** Sluice's own verbs for identities, policies and the audit trail (the IAM and CloudTrail parts). */
export const permissionVerbs: Verb[] = [
  {
    name: 'whoami',
    summary: 'Shows who the token in use is: account, principal, the role and who assumed it, the policies.',
    parameters: [],
    examples: ['sluice whoami', 'SLUICE_TOKEN=… sluice whoami --query actor --output text'],
    async run(_input, { gateway }) {
      const data = await gateway.request<{ whoami: unknown }>(`query { whoami { account principalId actor tokenId expiresAt assumedBy { ${PRINCIPAL} } policies } }`);
      return data.whoami;
    },
  },
  {
    name: 'assume-role',
    summary: 'Gets a short-lived token for a role (of this or another account, if its trust policy names you).',
    parameters: [
      { name: 'role', type: 'string', required: true, description: 'The role’s name, or its srn for another account’s (srn:sluice:acme:principal/Deployer).' },
      { name: 'sessionName', type: 'string', required: true, description: 'Names the session in the audit trail.' },
      { name: 'sessionPolicy', type: 'structure', description: 'A policy that narrows the role’s permissions for this session.', skeleton: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sluice:Get*'], Resource: ['*'] }] } },
      { name: 'durationSeconds', type: 'integer', description: 'How long the token lives (default 3600, at most the role’s maximum).' },
    ],
    examples: ['export SLUICE_TOKEN=$(sluice assume-role --role srn:sluice:prod:principal/Deployer --session-name alice --query token --output text)'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ assumeRole: unknown }>(
        `mutation($role: String!, $sessionName: String!, $sessionPolicy: JSON, $durationSeconds: Int) {
          assumeRole(role: $role, sessionName: $sessionName, sessionPolicy: $sessionPolicy, durationSeconds: $durationSeconds) { token tokenId expiresAt role actor assumedBy { ${PRINCIPAL} } }
        }`,
        { role: input['role'], sessionName: input['sessionName'], sessionPolicy: input['sessionPolicy'] ?? null, durationSeconds: input['durationSeconds'] ?? null },
      );
      return data.assumeRole;
    },
  },
  {
    name: 'simulate-principal-policy',
    summary: 'Answers, for each action × resource, whether the principal may, and which statement decided.',
    parameters: [
      { name: 'policySourceArn', type: 'string', required: true, description: 'The principal’s id (as IAM’s simulate-principal-policy names it).' },
      { name: 'actionNames', type: 'list', required: true, description: 'Actions: sluice:GetPipeline sluice:PutApprovalResult …' },
      { name: 'resourceArns', type: 'list', required: true, description: 'Resources: srn:sluice:acme:web/Deploy …' },
      { name: 'contextEntries', type: 'structure', description: 'currentTime=…,sourceIp=…,sourceBranch=…', skeleton: { currentTime: '', sourceIp: '', sourceBranch: '' } },
    ],
    examples: ['sluice simulate-principal-policy --policy-source-arn alice --action-names sluice:PutApprovalResult --resource-arns srn:sluice:default:web/Approval/Approve --output table'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ simulatePrincipalPolicy: unknown[] }>(
        `query($principalId: String!, $actions: [String!]!, $resources: [String!]!, $context: SimulationContextInput) {
          simulatePrincipalPolicy(principalId: $principalId, actions: $actions, resources: $resources, context: $context) {
            action resource decision allowed decidingStatement { policyName sid index } implicitDenyReason explanation
          }
        }`,
        { principalId: input['policySourceArn'], actions: input['actionNames'], resources: input['resourceArns'], context: input['contextEntries'] ?? null },
      );
      return { evaluationResults: data.simulatePrincipalPolicy };
    },
  },
  {
    name: 'lookup-audit-events',
    summary: 'Searches the audit trail: who did what to which resource, allowed or denied, when.',
    parameters: [
      { name: 'principal', type: 'string', description: 'A principal id (the original one or the role it acted through).' },
      { name: 'operation', type: 'string', description: 'An action such as sluice:StartPipelineExecution.' },
      { name: 'resource', type: 'string', description: 'A resource name, or a prefix ending in *.' },
      { name: 'decision', type: 'string', enum: ['Allow', 'ExplicitDeny', 'ImplicitDeny'], description: 'Only this decision.' },
      { name: 'startTime', type: 'string', description: 'From this instant (ISO-8601).' },
      { name: 'endTime', type: 'string', description: 'Up to this instant (ISO-8601).' },
      ...pagingParameters(),
    ],
    paginated: { items: 'events' },
    examples: ["sluice lookup-audit-events --decision ImplicitDeny --start-time 2026-11-01T00:00:00Z --output table", "sluice lookup-audit-events --resource 'srn:sluice:default:web*' --query 'events[].[time, principal.id, operation]' --output text"],
    async run(input, { gateway }) {
      const filter = {
        principal: input['principal'] ?? null,
        operation: input['operation'] ?? null,
        resource: input['resource'] ?? null,
        decision: input['decision'] ?? null,
        from: input['startTime'] ?? null,
        to: input['endTime'] ?? null,
      };
      const data = await gateway.request<{ lookupAuditEvents: { edges: Array<{ node: unknown }>; pageInfo: PageInfo } }>(
        `query($filter: AuditEventFilter, $first: Int, $after: String) {
          lookupAuditEvents(filter: $filter, first: $first, after: $after) {
            edges { node { id position time principal { ${PRINCIPAL} } viaRole { ${PRINCIPAL} } operation resource requestParameters decision decidingStatement { policyName sid index } result sourceIp userAgent requestId } }
            pageInfo { hasNextPage endCursor }
          }
        }`,
        { filter, ...pageVariables(input) },
      );
      const page = data.lookupAuditEvents;
      return { events: page.edges.map((edge) => edge.node), ...nextTokenOf(page.pageInfo) };
    },
  },
  {
    name: 'verify-audit-trail',
    summary: 'Checks the audit trail’s hash chain and names the first broken link, if any.',
    parameters: [
      { name: 'startTime', type: 'string', description: 'From this instant (ISO-8601).' },
      { name: 'endTime', type: 'string', description: 'Up to this instant (ISO-8601).' },
    ],
    examples: ['sluice verify-audit-trail'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ verifyAuditTrail: unknown }>(`query($from: DateTime, $to: DateTime) { verifyAuditTrail(from: $from, to: $to) { account ok checked lastHash firstBrokenLink { position id storePosition reason explanation } } }`, {
        from: input['startTime'] ?? null,
        to: input['endTime'] ?? null,
      });
      return data.verifyAuditTrail;
    },
  },
  {
    name: 'pipeline-as-of',
    summary: 'Shows a pipeline exactly as it was at an instant: its definition, transitions and state, replayed from its events.',
    parameters: [
      { name: 'name', type: 'string', required: true, description: 'The pipeline.' },
      { name: 'at', type: 'string', required: true, description: 'The instant (ISO-8601, e.g. 2026-11-24T17:00:00Z).' },
    ],
    examples: ['sluice pipeline-as-of --name web --at 2026-11-24T17:00:00Z --query pipeline.stages[].name'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ pipelineAsOf: Record<string, unknown>; pipelineStateAsOf: { state: unknown } }>(
        `query($name: String!, $at: String!) {
          pipelineAsOf(name: $name, at: $at) { at pipeline metadata { pipelineArn created updated version latestVersion } transitions { stageName enabled disabledReason lastChangedBy lastChangedAt } }
          pipelineStateAsOf(pipelineName: $name, at: $at) { state { pipelineName pipelineVersion updated stageStates { stageName latestExecution { pipelineExecutionId status } actionStates { actionName latestExecution { pipelineExecutionId status summary lastStatusChange } } } } }
        }`,
        { name: input['name'], at: input['at'] },
      );
      return { ...data.pipelineAsOf, state: data.pipelineStateAsOf.state };
    },
  },
];
