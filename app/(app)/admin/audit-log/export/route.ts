import { isAppError } from '@/lib/errors';
import { httpStatus } from '@/lib/api/errors';
import { canReadAuditLog } from '@/lib/access';
import { actorFromUser, getCurrentUser } from '@/lib/auth/session';
import { exportAuditLogCsv } from '@/lib/services/audit';
import { auditLogQuerySchema } from '@/lib/validation/audit';
import { logError } from '@/lib/log';

// GET /admin/audit-log/export — the audit log's filtered view as CSV (admins: their organisation; superadmins: all)
export async function GET(request: Request): Promise<Response> {
  const user = await getCurrentUser();
  if (!user) return new Response('Sign in to export the audit log.\n', { status: 401 });
  if (!canReadAuditLog(actorFromUser(user)))
    return new Response('Only admins can export the audit log.\n', { status: 403 });
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = auditLogQuerySchema.safeParse(params);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('\n');
    return new Response(`Invalid filters:\n${fields}\n`, { status: 400 });
  }
  let lines: AsyncGenerator<string>;
  try {
    lines = exportAuditLogCsv(actorFromUser(user), parsed.data);
  } catch (error) {
    if (isAppError(error)) return new Response(`${error.message}\n`, { status: httpStatus(error) });
    throw error;
  }
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        // About 64 kB a chunk rather than one line each.
        let chunk = '';
        while (chunk.length < 65_536) {
          const { value, done } = await lines.next();
          if (done) {
            if (chunk) controller.enqueue(encoder.encode(chunk));
            controller.close();
            return;
          }
          chunk += value;
        }
        controller.enqueue(encoder.encode(chunk));
      } catch (error) {
        logError(error, 'audit export failed');
        controller.error(error);
      }
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
  const day = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="audit-log-${day}.csv"`,
      'cache-control': 'no-store',
    },
  });
}
