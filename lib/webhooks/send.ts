import http from 'node:http';
import https from 'node:https';
import { guardedLookup, literalHostAllowed } from './url-guard';

export type SendResult = {
  /** 2xx: the receiver took it. */
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
};

const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POST one signed delivery. node:http rather than fetch: it takes a `lookup`, which is how the SSRF
 * guard checks the address the socket really connects to. Redirects are not followed (a 3xx is a
 * failure): following one would let a receiver point us anywhere after the URL was checked.
 */
export function sendWebhook({
  url,
  body,
  headers,
  timeoutMs,
  allowPrivate,
}: {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  allowPrivate: boolean;
}): Promise<SendResult> {
  const started = performance.now();
  const done = (statusCode: number | null, error: string | null): SendResult => ({
    ok: statusCode !== null && statusCode >= 200 && statusCode < 300,
    statusCode,
    error,
    durationMs: Math.round(performance.now() - started),
  });
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve(done(null, 'The URL is not valid.'));
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    return Promise.resolve(done(null, 'The URL must be http or https.'));
  if (!literalHostAllowed(target, allowPrivate))
    return Promise.resolve(done(null, 'Refused: the URL points to an address webhooks may not reach.'));

  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup(allowPrivate) as unknown as http.RequestOptions['lookup'],
        agent: false,
      },
      (response) => {
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          // The answer is not used: read a little, then stop listening to a receiver that talks too much.
          if (read > MAX_RESPONSE_BYTES) response.destroy();
        });
        response.on('end', () => finish(done(response.statusCode ?? null, null)));
        response.on('close', () => finish(done(response.statusCode ?? null, null)));
        response.on('error', () => finish(done(response.statusCode ?? null, null)));
      },
    );
    const timer = setTimeout(() => {
      request.destroy(new Error(`No answer within ${timeoutMs} ms.`));
    }, timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => {
      finish(done(null, describeError(error)));
    });
    request.end(body);
  });
}

function describeError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'Connection refused.';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'The host could not be resolved.';
    case 'ECONNRESET':
      return 'The connection was reset.';
    case 'EWEBHOOKADDRESS':
      return error.message;
    default:
      return (error.message || 'The request failed.').slice(0, 300);
  }
}
