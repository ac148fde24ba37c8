import NextAuth from 'next-auth';
import { authOptions } from '@/lib/auth/options';

type Context = { params: Promise<{ nextauth: string[] }> };

// next-auth's sign-in, sign-out, session and CSRF endpoints; options are built per request so the
// secret is read at run time, never baked into the build.
async function handler(req: Request, context: Context) {
  return NextAuth(req as never, context as never, authOptions());
}

export { handler as GET, handler as POST };
