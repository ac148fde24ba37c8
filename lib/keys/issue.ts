import { describeKey, generateKey, hashKey, type KeyKind } from './format';

/** What an api_keys row stores about its secret: the hash to check it, and enough to recognise it. */
export type SecretColumns = {
  keyHash: string;
  prefix: string;
  lastFour: string;
  /** Set when the secret replaces an existing key's (regenerate); a new key has neither. */
  regeneratedAt?: Date;
  updatedAt?: Date;
};

export type IssuedSecret = {
  /** The only copy there will ever be: returned to the caller once, never stored or logged. */
  secret: string;
  columns: SecretColumns;
};

/**
 * Issue a secret: generate it, and derive the columns to store (hash, prefix, last four and, for a
 * regeneration, when it happened). The one place where creating and regenerating integration and
 * personal keys meet, so no path can store a secret differently from the others.
 */
export function issueSecret(kind: KeyKind, regeneratedAt?: Date): IssuedSecret {
  const secret = generateKey(kind);
  return {
    secret,
    columns: {
      keyHash: hashKey(secret),
      ...describeKey(secret),
      ...(regeneratedAt ? { regeneratedAt, updatedAt: regeneratedAt } : {}),
    },
  };
}
