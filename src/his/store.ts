import type { Queryable } from '../db/pool.ts';
import type { RequestKey } from './idempotency.ts';
import type { HisResponse } from './model.ts';

export interface StoredMessage {
  infno: string;
  request_hash: string;
  request: RequestKey;
  response: HisResponse;
  created_at: Date;
}

/**
 * Claims (institution, msgid) for a write, and numbers its answer in the
 * same round trip. `claimed` is false when the msgid is taken: then the
 * committed message is there to read (a concurrent claimant waits here until
 * the first commits or rolls back).
 */
export async function claimMessage(
  tx: Queryable,
  m: { fixmedins_code: string; msgid: string; infno: string; request_hash: string; request: RequestKey; at: Date },
): Promise<{ claimed: boolean; ref_serial: number }> {
  const r = await tx.query<{ claimed: boolean; ref_serial: string }>(
    `WITH claim AS (
       INSERT INTO his_message (fixmedins_code, msgid, infno, request_hash, request, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1
     )
     SELECT EXISTS (SELECT 1 FROM claim) AS claimed, nextval('his_refmsg_serial') AS ref_serial`,
    [m.fixmedins_code, m.msgid, m.infno, m.request_hash, JSON.stringify(m.request), m.at],
  );
  return { claimed: r.rows[0]!.claimed, ref_serial: Number(r.rows[0]!.ref_serial) };
}

export async function storeResponse(tx: Queryable, fixmedinsCode: string, msgid: string, response: HisResponse): Promise<void> {
  await tx.query('UPDATE his_message SET response = $3 WHERE fixmedins_code = $1 AND msgid = $2', [fixmedinsCode, msgid, JSON.stringify(response)]);
}

export async function storedMessage(tx: Queryable, fixmedinsCode: string, msgid: string): Promise<StoredMessage | null> {
  const r = await tx.query<StoredMessage>(
    'SELECT infno, request_hash, request, response, created_at FROM his_message WHERE fixmedins_code = $1 AND msgid = $2',
    [fixmedinsCode, msgid],
  );
  return r.rows[0] ?? null;
}

export async function nextRefSerial(tx: Queryable): Promise<number> {
  const r = await tx.query<{ n: string }>("SELECT nextval('his_refmsg_serial') AS n");
  return Number(r.rows[0]!.n);
}

export async function nextSignSerial(tx: Queryable): Promise<number> {
  const r = await tx.query<{ n: string }>("SELECT nextval('his_sign_serial') AS n");
  return Number(r.rows[0]!.n);
}

export interface SignIn {
  sign_no: string;
  fixmedins_code: string;
  opter_no: string;
  signed_in_at: Date;
  signed_out_at: Date | null;
}

export async function insertSignIn(
  tx: Queryable,
  s: { sign_no: string; fixmedins_code: string; opter_no: string; mac: string | null; ip: string | null; at: Date },
): Promise<void> {
  await tx.query(
    'INSERT INTO his_sign_in (sign_no, fixmedins_code, opter_no, mac, ip, signed_in_at) VALUES ($1, $2, $3, $4, $5, $6)',
    [s.sign_no, s.fixmedins_code, s.opter_no, s.mac, s.ip, s.at],
  );
}

/** The sign-in, locked for a sign-out. */
export async function signInForUpdate(tx: Queryable, signNo: string): Promise<SignIn | null> {
  const r = await tx.query<SignIn>(
    'SELECT sign_no, fixmedins_code, opter_no, signed_in_at, signed_out_at FROM his_sign_in WHERE sign_no = $1 FOR UPDATE',
    [signNo],
  );
  return r.rows[0] ?? null;
}

export async function signOut(tx: Queryable, signNo: string, at: Date): Promise<void> {
  await tx.query('UPDATE his_sign_in SET signed_out_at = $2 WHERE sign_no = $1', [signNo, at]);
}
