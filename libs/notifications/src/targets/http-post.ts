import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { checkedAddress, type OutboundPolicy } from './outbound-policy';

export const NOTIFICATION_REQUEST_TIMEOUT_MS = 10_000;

/** POSTs `body` to `url` at the address the policy checked; a status other than 2xx is an error naming it. */
export async function postJson(url: string, body: string, headers: Record<string, string>, policy: OutboundPolicy): Promise<void> {
  const target = new URL(url);
  const { address, family } = await checkedAddress(target.hostname, policy, target);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  await new Promise<void>((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body).toString(), 'user-agent': 'Sluice-Notifications', ...headers },
        // The connection goes to the address checked, never to a second lookup's answer.
        lookup: (_host, options, callback) => {
          if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address, family }]);
          else callback(null, address, family);
        },
        timeout: NOTIFICATION_REQUEST_TIMEOUT_MS,
      },
      (response) => {
        response.resume();
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new Error(`${target.origin} answered HTTP ${status}`));
        });
        response.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${target.origin} did not answer within ${NOTIFICATION_REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
