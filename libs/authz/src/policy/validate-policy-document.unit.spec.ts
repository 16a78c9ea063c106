import { adminPolicy, approverPolicy, operatorPolicy, readOnlyPolicy } from '../managed/managed-policies';
import { validatePolicyDocument } from './validate-policy-document';

/** A valid statement to break one field at a time. */
const base = { Effect: 'Allow', Action: 'sluice:GetPipeline', Resource: 'srn:sluice:acme:web' };
const withStatement = (statement: Record<string, unknown>) => ({ Version: '2012-10-17', Statement: [statement] });
const withCondition = (condition: unknown) => withStatement({ ...base, Condition: condition });

describe('validatePolicyDocument', () => {
  it.each([
    ['a managed Admin policy', adminPolicy('acme').document],
    ['a managed ReadOnly policy', readOnlyPolicy('acme').document],
    ['a managed Operator policy', operatorPolicy('acme').document],
    ['a managed Approver policy', approverPolicy('acme', 'web', 'Deploy', 'Approve').document],
    ['"*" as action and resource, no Version', { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }],
    ['wildcards in action and resource, any case in the action', withStatement({ ...base, Action: ['SLUICE:get*', 'sluice:List?ipelines'], Resource: ['srn:sluice:*:*', 'srn:sluice:acme:web/*', 'srn:sluice:acme:w?b/D*/*'] })],
    ['the account resource', withStatement({ ...base, Action: 'sluice:ListPipelines', Resource: 'srn:sluice:acme:' })],
    [
      'action-type resources, whole and with wildcards',
      withStatement({ ...base, Action: 'sluice:PollForJobs', Resource: ['srn:sluice:acme:actiontype/Custom/Build/MyTool/1', 'srn:sluice:acme:actiontype/Sluice/*', 'srn:sluice:*:actiontype/Custom/*/My?ool/*'] }),
    ],
    ['NotAction and NotResource', withStatement({ Effect: 'Deny', NotAction: 'sluice:Get*', NotResource: 'srn:sluice:acme:sandbox-*' })],
    [
      'every condition operator with its key',
      withCondition({
        StringEquals: { 'sluice:PrincipalAccount': 'acme' },
        StringNotEquals: { 'sluice:SourceBranch': ['main', 'release'] },
        StringLike: { 'sluice:UserAgent': 'sluice-cli/*' },
        StringNotLike: { 'sluice:PrincipalId': 'bot-?' },
        DateLessThan: { 'sluice:CurrentTime': '2026-12-31T23:59:59Z' },
        DateGreaterThan: { 'sluice:CurrentTime': '2026-01-01' },
        IpAddress: { 'sluice:SourceIp': ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7'] },
        NotIpAddress: { 'sluice:SourceIp': '10.0.0.0/8' },
      }),
    ],
    ['condition keys in another case, as IAM allows', withCondition({ StringEquals: { 'Sluice:sourcebranch': 'main' } })],
    ['the Sluice policy version', { Version: '2026-01-01', Statement: [{ ...base, Sid: 'ReadWeb1' }] }],
  ])('accepts %s', (_label, input) => {
    expect(validatePolicyDocument(input)).toEqual({ valid: true, policy: input });
  });

  it.each([
    ['not an object', ['Statement'], '$', 'wrong_type', 'must be an object'],
    ['no Statement', { Version: '2012-10-17' }, '$.Statement', 'missing_field', 'needs the field "Statement"'],
    ['a misspelt top-level field', { Statment: [base], Statement: [base] }, '$.Statment', 'unknown_field', 'Did you mean "Statement"?'],
    ['an unsupported Version', { Version: '2008-10-17', Statement: [base] }, '$.Version', 'value_not_allowed', '"2012-10-17", "2026-01-01"'],
    ['a single statement not in an array', { Statement: base }, '$.Statement', 'wrong_type', 'wrap the single statement in [ ]'],
    ['no statements', { Statement: [] }, '$.Statement', 'too_few_items', 'at least 1 statement'],
    ['a statement that is not an object', { Statement: [base, 'sluice:*'] }, '$.Statement[1]', 'wrong_type', 'must be an object'],
    ['no Effect', withStatement({ Action: base.Action, Resource: base.Resource }), '$.Statement[0].Effect', 'missing_field', '"Effect"'],
    ['a lowercase Effect', withStatement({ ...base, Effect: 'allow' }), '$.Statement[0].Effect', 'value_not_allowed', 'Did you mean "Allow"?'],
    ['Action and NotAction', withStatement({ ...base, NotAction: 'sluice:DeletePipeline' }), '$.Statement[0].NotAction', 'conflicting_fields', 'either Action or NotAction'],
    ['neither Action nor NotAction', withStatement({ Effect: 'Allow', Resource: '*' }), '$.Statement[0].Action', 'missing_field', 'needs Action (or NotAction)'],
    ['Resource and NotResource', withStatement({ ...base, NotResource: '*' }), '$.Statement[0].NotResource', 'conflicting_fields', 'either Resource or NotResource'],
    ['neither Resource nor NotResource', withStatement({ Effect: 'Allow', Action: '*' }), '$.Statement[0].Resource', 'missing_field', 'needs Resource (or NotResource)'],
    ['a misspelt action', withStatement({ ...base, Action: ['sluice:GetPipeline', 'sluice:GetPipline'] }), '$.Statement[0].Action[1]', 'unknown_action', 'Did you mean "sluice:GetPipeline"?'],
    ['an unknown action', withStatement({ ...base, Action: 'sluice:LaunchRocket' }), '$.Statement[0].Action', 'unknown_action', 'is not a Sluice action'],
    ['an action without prefix', withStatement({ ...base, Action: 'StartPipelineExecution' }), '$.Statement[0].Action', 'unknown_action', 'Did you mean "sluice:StartPipelineExecution"?'],
    ['an AWS action', withStatement({ ...base, NotAction: 'codepipeline:GetPipeline', Action: undefined }), '$.Statement[0].NotAction', 'wrong_service', 'Did you mean "sluice:GetPipeline"?'],
    ['a wildcard matching no action', withStatement({ ...base, Action: 'sluice:Gte*' }), '$.Statement[0].Action', 'action_matches_nothing', 'matches no Sluice action'],
    ['an empty action list', withStatement({ ...base, Action: [] }), '$.Statement[0].Action', 'empty_list', 'could never apply'],
    ['an action that is not a string', withStatement({ ...base, Action: ['sluice:GetPipeline', 7] }), '$.Statement[0].Action[1]', 'wrong_type', 'must be a string'],
    ['an AWS ARN as resource', withStatement({ ...base, Resource: 'arn:aws:codepipeline:eu-west-1:123456789012:web' }), '$.Statement[0].Resource', 'invalid_resource', 'an AWS ARN'],
    ['an uppercase account', withStatement({ ...base, Resource: 'srn:sluice:ACME:web' }), '$.Statement[0].Resource', 'invalid_resource', '"A" (U+0041)'],
    ['a resource deeper than an action', withStatement({ ...base, Resource: 'srn:sluice:acme:web/Deploy/Approve/More' }), '$.Statement[0].Resource', 'invalid_resource', 'more than pipeline/stage/action'],
    ['a space in a wildcard resource', withStatement({ ...base, NotResource: ['srn:sluice:acme:*', 'srn:sluice:acme:my web/*'], Resource: undefined }), '$.Statement[0].NotResource[1]', 'invalid_resource', 'U+0020 (SPACE)'],
    ['an action type of three parts', withStatement({ ...base, Resource: 'srn:sluice:acme:actiontype/Custom/Build/MyTool' }), '$.Statement[0].Resource', 'invalid_resource', '{Owner}/{Category}/{Provider}/{Version}'],
    ['a dot in a wildcard action type', withStatement({ ...base, Resource: 'srn:sluice:acme:actiontype/Custom/*/My.Tool/1' }), '$.Statement[0].Resource', 'invalid_resource', '"." (U+002E'],
    ['an empty stage in a wildcard resource', withStatement({ ...base, Resource: 'srn:sluice:acme:web//*' }), '$.Statement[0].Resource', 'invalid_resource', 'empty pipeline, stage or action name'],
    ['Principal in an identity policy', withStatement({ ...base, Principal: { Sluice: 'srn:sluice:acme:root' } }), '$.Statement[0].Principal', 'unknown_field', 'belongs in a role\'s trust policy'],
    ['an unknown condition operator', withCondition({ StringEqual: { 'sluice:SourceBranch': 'main' } }), '$.Statement[0].Condition.StringEqual', 'unknown_condition_operator', 'Did you mean "StringEquals"?'],
    ['an IfExists operator', withCondition({ StringEqualsIfExists: { 'sluice:SourceBranch': 'main' } }), '$.Statement[0].Condition.StringEqualsIfExists', 'unknown_condition_operator', 'no ...IfExists'],
    ['an unknown condition key', withCondition({ StringLike: { 'sluice:SourceBrnch': 'release/*' } }), '$.Statement[0].Condition.StringLike["sluice:SourceBrnch"]', 'unknown_condition_key', 'Did you mean "sluice:SourceBranch"?'],
    ['an AWS condition key', withCondition({ IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }), '$.Statement[0].Condition.IpAddress["aws:SourceIp"]', 'unknown_condition_key', 'Did you mean "sluice:SourceIp"?'],
    ['a string operator on the source IP', withCondition({ StringEquals: { 'sluice:SourceIp': '10.0.0.1' } }), '$.Statement[0].Condition.StringEquals["sluice:SourceIp"]', 'operator_not_for_key', '"IpAddress", "NotIpAddress"'],
    ['a prefix too long', withCondition({ IpAddress: { 'sluice:SourceIp': ['10.0.0.0/8', '10.0.0.0/33'] } }), '$.Statement[0].Condition.IpAddress["sluice:SourceIp"][1]', 'invalid_cidr', '"10.0.0.0/33"'],
    ['an IPv4 octet over 255', withCondition({ NotIpAddress: { 'sluice:SourceIp': '10.0.300.0/24' } }), '$.Statement[0].Condition.NotIpAddress["sluice:SourceIp"]', 'invalid_cidr', 'not an IP address or CIDR range'],
    ['an IPv6 with two "::"', withCondition({ IpAddress: { 'sluice:SourceIp': '2001::db8::/32' } }), '$.Statement[0].Condition.IpAddress["sluice:SourceIp"]', 'invalid_cidr', '"2001::db8::/32"'],
    ['a day not on the calendar', withCondition({ DateLessThan: { 'sluice:CurrentTime': '2026-02-30T00:00:00Z' } }), '$.Statement[0].Condition.DateLessThan["sluice:CurrentTime"]', 'invalid_date', 'ISO 8601'],
    ['a time without a zone', withCondition({ DateGreaterThan: { 'sluice:CurrentTime': ['2026-01-01', '2026-01-01T09:00:00'] } }), '$.Statement[0].Condition.DateGreaterThan["sluice:CurrentTime"][1]', 'invalid_date', 'with a zone'],
    ['an empty list of condition values', withCondition({ StringEquals: { 'sluice:SourceBranch': [] } }), '$.Statement[0].Condition.StringEquals["sluice:SourceBranch"]', 'wrong_type', 'non-empty array'],
    ['a condition value that is not a string', withCondition({ StringEquals: { 'sluice:SourceBranch': ['main', true] } }), '$.Statement[0].Condition.StringEquals["sluice:SourceBranch"][1]', 'wrong_type', 'must be a string'],
    ['a condition operator without keys', withCondition({ StringEquals: {} }), '$.Statement[0].Condition.StringEquals', 'wrong_type', 'non-empty object'],
    ['a Sid with a space', withStatement({ ...base, Sid: 'Read web' }), '$.Statement[0].Sid', 'invalid_characters', 'U+0020 (SPACE)'],
    ['a repeated Sid', { Statement: [{ ...base, Sid: 'Read' }, { ...base, Sid: 'Read' }] }, '$.Statement[1].Sid', 'duplicate_sid', 'already used at $.Statement[0].Sid'],
    [
      'a document over 6,144 characters',
      { Statement: Array.from({ length: 60 }, (_, index) => ({ ...base, Resource: `srn:sluice:acme:pipeline-number-${index}-with-a-long-name` })) },
      '$',
      'policy_too_large',
      'the maximum is 6144',
    ],
  ])('refuses %s', (_label, input, path, code, message) => {
    const result = validatePolicyDocument(input);
    expect(result.valid).toBe(false);
    const issues = result.valid ? [] : result.issues;
    expect(issues).toContainEqual({ path, code, message: expect.stringContaining(message) });
  });

  it('reports every issue at once, each at its own path', () => {
    const result = validatePolicyDocument({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'sluice:GetPipline', Resource: 'srn:sluice:acme:web' },
        { Effect: 'Deny', Action: 'sluice:*', Resource: 'srn:sluice:Acme:*', Condition: { IpAddress: { 'sluice:SourceIp': 'ten.0.0.0/8' } } },
      ],
    });
    expect(result.valid ? [] : result.issues.map((issue) => [issue.path, issue.code])).toEqual([
      ['$.Statement[0].Action', 'unknown_action'],
      ['$.Statement[1].Resource', 'invalid_resource'],
      ['$.Statement[1].Condition.IpAddress["sluice:SourceIp"]', 'invalid_cidr'],
    ]);
  });

  it('measures size without whitespace, so indenting a policy never makes it too large', () => {
    const statements = Array.from({ length: 50 }, (_, index) => ({ ...base, Resource: `srn:sluice:acme:pipeline-${index}` }));
    const document = { Statement: statements };
    expect(JSON.stringify(document).length).toBeLessThan(6_144);
    expect(JSON.stringify(document, null, 4).length).toBeGreaterThan(6_144);
    expect(validatePolicyDocument(JSON.parse(JSON.stringify(document, null, 4))).valid).toBe(true);
  });
});
