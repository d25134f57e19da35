import type { Queryable } from '../db/pool.ts';
import type { Role } from './model.ts';

export interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  role: Role;
  region: string | null;
  psn_no: string | null;
  display_name: string;
}

const userColumns = 'id::int AS id, username, password_hash, role, region, psn_no, display_name';

export async function insertUser(tx: Queryable, u: Omit<UserRow, 'id'>): Promise<number> {
  const r = await tx.query<{ id: number }>(
    `INSERT INTO app_user (username, password_hash, role, region, psn_no, display_name)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id::int AS id`,
    [u.username, u.password_hash, u.role, u.region, u.psn_no, u.display_name],
  );
  return r.rows[0]!.id;
}

export async function userByUsername(tx: Queryable, username: string): Promise<UserRow | null> {
  const r = await tx.query<UserRow>(`SELECT ${userColumns} FROM app_user WHERE username = $1`, [username]);
  return r.rows[0] ?? null;
}

export async function usernameTaken(tx: Queryable, username: string): Promise<boolean> {
  return (await tx.query('SELECT 1 FROM app_user WHERE username = $1', [username])).rowCount! > 0;
}

export async function insertSession(tx: Queryable, tokenHash: string, userId: number, expiresAt: Date): Promise<void> {
  await tx.query('INSERT INTO app_session (token_hash, user_id, expires_at) VALUES ($1, $2, $3)', [tokenHash, userId, expiresAt]);
}

export async function userBySession(tx: Queryable, tokenHash: string, now: Date): Promise<UserRow | null> {
  const r = await tx.query<UserRow>(
    `SELECT u.id::int AS id, u.username, u.password_hash, u.role, u.region, u.psn_no, u.display_name
       FROM app_session s JOIN app_user u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2`,
    [tokenHash, now],
  );
  return r.rows[0] ?? null;
}

export async function revokeSession(tx: Queryable, tokenHash: string, now: Date): Promise<void> {
  await tx.query('UPDATE app_session SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL', [tokenHash, now]);
}

/**
 * The pooling area of a designated institution, or null when there is none
 * with the code. Gateway keys belong to institutions, and the institutions
 * module depends on auth (audit, permissions): their area is read here, as
 * `checkSignedRequest` reads it with the key, not through that module.
 */
export async function institutionArea(tx: Queryable, code: string): Promise<string | null> {
  const r = await tx.query<{ admdvs: string }>('SELECT admdvs FROM institution WHERE code = $1', [code]);
  return r.rows[0]?.admdvs ?? null;
}

export async function insertInstitutionKey(tx: Queryable, appId: string, code: string, secret: string): Promise<void> {
  await tx.query('INSERT INTO institution_key (app_id, institution_code, secret) VALUES ($1, $2, $3)', [appId, code, secret]);
}

export interface SignedRequest {
  app_id: string;
  timestamp: string;
  nonce: string;
  signature: string;
  at: Date;
}

/**
 * Checks a gateway signature against the app id's active key and, when it
 * matches, records the nonce, in one statement: null for an unknown or
 * inactive key, else whether the signature matched and whether the nonce was
 * new. The digests are compared through a second hash so that the time the
 * comparison takes says nothing about how much of a forged signature was right.
 */
export async function checkSignedRequest(db: Queryable, r: SignedRequest): Promise<{ institution_code: string; admdvs: string; signed: boolean; fresh: boolean } | null> {
  const q = await db.query<{ institution_code: string; admdvs: string; signed: boolean; fresh: boolean }>(
    `WITH key AS (
       SELECT k.institution_code, i.admdvs,
              sha256(convert_to(encode(sha256(convert_to($2 || k.secret || $3 || $2, 'UTF8')), 'hex'), 'UTF8')) = sha256(convert_to(lower($4), 'UTF8')) AS signed
         FROM institution_key k JOIN institution i ON i.code = k.institution_code
        WHERE k.app_id = $1 AND k.revoked_at IS NULL AND i.status = 'active'
     ), seen AS (
       INSERT INTO gateway_nonce (app_id, nonce, seen_at) SELECT $1, $3, $5 FROM key WHERE signed
       ON CONFLICT DO NOTHING RETURNING 1
     )
     SELECT institution_code, admdvs, signed, EXISTS (SELECT 1 FROM seen) AS fresh FROM key`,
    [r.app_id, r.timestamp, r.nonce, r.signature, r.at],
  );
  return q.rows[0] ?? null;
}

export async function prunePastNonces(tx: Queryable, before: Date): Promise<void> {
  await tx.query('DELETE FROM gateway_nonce WHERE seen_at < $1', [before]);
}

export async function secretValue(tx: Queryable, name: string, make: () => string): Promise<string> {
  await tx.query('INSERT INTO app_secret (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, make()]);
  const r = await tx.query<{ value: string }>('SELECT value FROM app_secret WHERE name = $1', [name]);
  return r.rows[0]!.value;
}
