import { unknownApiPath } from '@/lib/api/with-key';

export const dynamic = 'force-dynamic';

// Any other path under /crm — 404 not_found in the API's error format, whatever the method
const notFound = unknownApiPath();
export const GET = notFound;
export const HEAD = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const OPTIONS = notFound;
