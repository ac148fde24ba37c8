import { contextFromHeaders } from '@/lib/auth/session';
import { getReadyDatabase } from '@/db/bootstrap';
import { withoutKey } from '@/lib/api/with-key';
import { AppError, validationError } from '@/lib/errors';
import { verifyReportSignature } from '@/lib/secret-scanning/signature';
import { processLeakReport } from '@/lib/services/secret-scanning';
import { secretScanningReportSchema, secretScanningResponseSchema } from '@/lib/validation/secret-scanning';

export const dynamic = 'force-dynamic';

const MAX_BODY_BYTES = 1024 * 1024;

// POST /crm/secret-scanning/reports — a secret scanner reports tokens it found; ours are revoked at once
export const POST = withoutKey(async (request) => {
  const body = Buffer.from(await request.arrayBuffer());
  if (body.length > MAX_BODY_BYTES)
    throw new AppError('bad_request', 'The report is too large (1 MB at most).');
  // The signature first: an unsigned or forged report is refused before anything is parsed or looked up.
  const signed = await verifyReportSignature(
    body,
    request.headers.get('github-public-key-identifier'),
    request.headers.get('github-public-key-signature'),
  );
  if (!signed) throw new AppError('signature_invalid');
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new AppError('invalid_json');
  }
  const parsed = secretScanningReportSchema.safeParse(json);
  if (!parsed.success) throw validationError(parsed.error.issues);
  await getReadyDatabase();
  const replies = await processLeakReport(parsed.data, contextFromHeaders(request.headers));
  return Response.json(secretScanningResponseSchema.parse(replies));
});
