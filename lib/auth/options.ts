import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { z } from 'zod';
import { findUserByEmail } from '@/db/queries/users';
import { getReadyDatabase } from '@/db/bootstrap';
import { authSecret } from './secret';
import { hashPassword, randomPassword, verifyPassword } from './password';

const credentialsSchema = z.object({ email: z.email().max(320), password: z.string().min(1).max(1000) });

// argon2id of a random password: verifying against it makes a sign-in with an unknown e-mail take
// as long as one with a known e-mail, so response time does not reveal who has an account.
let dummyHash: Promise<string> | undefined;
function getDummyHash(): Promise<string> {
  return (dummyHash ??= hashPassword(randomPassword()));
}

/** next-auth settings, built at request time so the secret is read (or created) at run time. */
export function authOptions(): NextAuthOptions {
  return {
    secret: authSecret(),
    session: { strategy: 'jwt', maxAge: 8 * 60 * 60 },
    pages: { signIn: '/login', signOut: '/logout' },
    providers: [
      CredentialsProvider({
        name: 'E-mail and password',
        credentials: {
          email: { label: 'E-mail', type: 'email' },
          password: { label: 'Password', type: 'password' },
        },
        async authorize(credentials) {
          const parsed = credentialsSchema.safeParse(credentials);
          if (!parsed.success) return null;
          await getReadyDatabase();
          const user = await findUserByEmail({ email: parsed.data.email });
          const ok = await verifyPassword(user?.passwordHash ?? (await getDummyHash()), parsed.data.password);
          if (!user || !ok || user.disabledAt) return null;
          return { id: user.id, email: user.email, name: user.name };
        },
      }),
    ],
    callbacks: {
      // The token carries only the user id; role and organisation are read fresh on every request.
      async jwt({ token, user }) {
        if (user) token.sub = user.id;
        return token;
      },
      async session({ session, token }) {
        if (session.user && token.sub) (session.user as { id?: string }).id = token.sub;
        return session;
      },
    },
  };
}
