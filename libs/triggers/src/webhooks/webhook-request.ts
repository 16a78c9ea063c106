/** A webhook delivery as the HTTP layer received it: the body untouched, since signatures cover its bytes. */
export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  /** Ends in `/{provider}/{webhookId}`, provider one of `github`, `gitlab`, `generic`. */
  path: string;
  /** The peer address of the connection the delivery came on (never a forwarded header): the audit trail keeps it. */
  sourceIp?: string | null;
}

export interface WebhookResponse {
  status: number;
  body: WebhookResponseBody;
}

export interface WebhookResponseBody {
  message: string;
  started?: Array<{ pipelineName: string; pipelineExecutionId: string }>;
  failed?: Array<{ pipelineName: string; error: string }>;
}

export function headerValue(headers: WebhookRequest['headers'], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
