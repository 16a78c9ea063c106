/** Who may answer a manual approval: the permissions service's answer once it is wired (sluice:PutApprovalResult). */
export interface ApprovalAuthorizer {
  mayApprove(request: ApprovalRequest): Promise<boolean>;
}

export interface ApprovalRequest {
  account: string;
  actor: string;
  pipelineName: string;
  stageName: string;
  actionName: string;
}

/** Until permissions exist every principal of the account may approve, as with no policy in CodePipeline's console. */
export const allowAllApprovals: ApprovalAuthorizer = { mayApprove: async () => true };
