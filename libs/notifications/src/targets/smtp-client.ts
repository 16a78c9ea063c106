import { connect, type Socket } from 'node:net';

/** The platform's mail relay (`SLUICE_SMTP_HOST`, `SLUICE_SMTP_PORT`, `SLUICE_SMTP_FROM`). */
export interface SmtpSettings {
  host: string;
  port: number;
  from: string;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** Stable per notification, so a receiver (or a person) can tell a redelivery from a new mail. */
  messageId: string;
  headers?: Record<string, string>;
}

const SMTP_TIMEOUT_MS = 10_000;

/**
 * Sends one mail over plain SMTP (EHLO, MAIL FROM, RCPT TO, DATA, QUIT) to the configured relay, which is the
 * operator's and trusted (no STARTTLS, no AUTH: run a local relay such as Postfix for those). Any reply but the
 * expected one is an error naming the command and the reply.
 */
export async function sendMail(settings: SmtpSettings, message: MailMessage): Promise<void> {
  const socket = connect({ host: settings.host, port: settings.port });
  socket.setTimeout(SMTP_TIMEOUT_MS, () => socket.destroy(new Error(`SMTP ${settings.host}:${settings.port} did not answer within ${SMTP_TIMEOUT_MS} ms`)));
  const replies = replyReader(socket);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    await expect(replies, 'greeting', 220);
    await command(socket, replies, 'EHLO sluice', 250);
    await command(socket, replies, `MAIL FROM:<${settings.from}>`, 250);
    await command(socket, replies, `RCPT TO:<${message.to}>`, 250, 251);
    await command(socket, replies, 'DATA', 354);
    await command(socket, replies, `${formatMail(settings.from, message)}\r\n.`, 250);
    socket.write('QUIT\r\n');
  } finally {
    socket.end();
  }
}

function formatMail(from: string, message: MailMessage): string {
  const headers: Record<string, string> = {
    From: from,
    To: message.to,
    Subject: encodeHeader(message.subject),
    'Message-ID': message.messageId,
    Date: new Date().toUTCString(),
    'MIME-Version': '1.0',
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Transfer-Encoding': '8bit',
    ...message.headers,
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value.replace(/[\r\n]+/g, ' ')}`)
    .join('\r\n');
  // Dot-stuffing: a line that starts with '.' gets another, so no line of the body ends the DATA.
  const body = message.text
    .replace(/\r?\n/g, '\r\n')
    .split('\r\n')
    .map((line) => (line.startsWith('.') ? `.${line}` : line))
    .join('\r\n');
  return `${head}\r\n\r\n${body}`;
}

/** RFC 2047 for a subject that is not plain ASCII. */
function encodeHeader(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

type Replies = () => Promise<{ code: number; text: string }>;

function replyReader(socket: Socket): Replies {
  let buffer = '';
  const queue: Array<{ code: number; text: string }> = [];
  const waiting: Array<{ resolve: (reply: { code: number; text: string }) => void; reject: (error: Error) => void }> = [];
  let failure: Error | undefined;
  let lines: string[] = [];
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      lines.push(line);
      // A multi-line reply continues while the fourth character is '-'.
      if (line.charAt(3) !== '-') {
        const reply = { code: Number(line.slice(0, 3)), text: lines.join(' | ') };
        lines = [];
        const waiter = waiting.shift();
        if (waiter) waiter.resolve(reply);
        else queue.push(reply);
      }
    }
  });
  const fail = (error: Error) => {
    failure ??= error;
    for (const waiter of waiting.splice(0)) waiter.reject(error);
  };
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('the SMTP server closed the connection')));
  return () => {
    const next = queue.shift();
    if (next) return Promise.resolve(next);
    if (failure) return Promise.reject(failure);
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };
}

async function expect(replies: Replies, what: string, ...codes: number[]): Promise<void> {
  const reply = await replies();
  if (!codes.includes(reply.code)) throw new Error(`SMTP ${what} answered ${reply.text}`);
}

async function command(socket: Socket, replies: Replies, line: string, ...codes: number[]): Promise<void> {
  socket.write(`${line}\r\n`);
  await expect(replies, line.startsWith('MAIL') || line.startsWith('RCPT') || line.startsWith('EHLO') || line === 'DATA' ? line.split(':')[0]! : 'message', ...codes);
}
