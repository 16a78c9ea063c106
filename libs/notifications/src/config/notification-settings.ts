import { isIP } from 'node:net';
import { ConfigError, type ConfigProblems, type Env } from '@sluice/runtime';
import type { SmtpSettings } from '../targets/smtp-client';

/** What the notifier takes from the environment (docs/notifications.md, docs/operations.md). */
export interface NotificationSettings {
  /** SLUICE_PUBLIC_URL: the dashboard's address people open, for the deep links; unset, the platform's own address. */
  publicUrl?: string;
  /** SLUICE_NOTIFICATION_ALLOWED_ADDRESSES: special addresses (loopback, private) a target may reach anyway. */
  allowedAddresses: string[];
  /** SLUICE_SMTP_HOST, SLUICE_SMTP_PORT (25), SLUICE_SMTP_FROM: unset host = no email. */
  smtp?: SmtpSettings;
}

/** Every bad variable at once (ConfigError). */
export function notificationSettingsFrom(env: Env): NotificationSettings {
  const problems: ConfigProblems = [];
  const publicUrl = env.SLUICE_PUBLIC_URL?.trim() || undefined;
  if (publicUrl !== undefined) {
    try {
      const url = new URL(publicUrl);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
    } catch {
      problems.push({ variable: 'SLUICE_PUBLIC_URL', reason: `expected the dashboard's http(s) URL, got '${publicUrl}'` });
    }
  }
  const allowedAddresses = (env.SLUICE_NOTIFICATION_ALLOWED_ADDRESSES ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const address of allowedAddresses) {
    if (isIP(address) === 0) problems.push({ variable: 'SLUICE_NOTIFICATION_ALLOWED_ADDRESSES', reason: `'${address}' is not an IP address (list addresses, e.g. 127.0.0.1,10.0.0.5)` });
  }
  let smtp: SmtpSettings | undefined;
  const host = env.SLUICE_SMTP_HOST?.trim();
  if (host) {
    const rawPort = env.SLUICE_SMTP_PORT?.trim() || '25';
    const port = Number(rawPort);
    if (!/^\d+$/.test(rawPort) || port < 1 || port > 65535) problems.push({ variable: 'SLUICE_SMTP_PORT', reason: `expected a port from 1 to 65535, got '${rawPort}'` });
    const from = env.SLUICE_SMTP_FROM?.trim();
    if (!from || !/^[^\s<>@]+@[^\s<>@]+$/.test(from)) problems.push({ variable: 'SLUICE_SMTP_FROM', reason: `expected the sender's address (sluice@example.com) when SLUICE_SMTP_HOST is set, got '${from ?? ''}'` });
    smtp = { host, port, from: from ?? '' };
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...(publicUrl ? { publicUrl } : {}), allowedAddresses, ...(smtp ? { smtp } : {}) };
}
