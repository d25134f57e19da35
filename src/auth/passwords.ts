import argon2 from 'argon2';

// OWASP's argon2id baseline (19 MiB, 2 passes): strong enough for a portal,
// quick enough that signing in does not queue on a two-core server.
const options = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, options);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

// Verified against when the user does not exist, so a wrong username costs the
// same time as a wrong password and does not reveal which accounts exist.
let decoy: Promise<string> | undefined;
export async function burnVerifyTime(password: string): Promise<void> {
  decoy ??= hashPassword('decoy-password-for-unknown-users');
  await verifyPassword(await decoy, password);
}
