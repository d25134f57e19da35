import crypto from 'node:crypto';
import { DomainError } from '../core/errors.ts';
import type { Queryable } from '../db/pool.ts';
import type { Principal } from './model.ts';
import * as store from './store.ts';

/**
 * The hospital gateway's signature (the Guangdong `x-tif-*` scheme): each
 * institution has an app id and a secret; a request carries the app id, a
 * timestamp (seconds), a random nonce and hex SHA-256 of
 * timestamp + secret + nonce + timestamp. Timestamps outside ±5 minutes and
 * reused nonces are refused.
 */
export const WINDOW_SECONDS = 300;

export interface GatewayHeaders {
  paasid: string;
  timestamp: string;
  nonce: string;
  signature: string;
}

export function signature(timestamp: string, secret: string, nonce: string): string {
  return crypto.createHash('sha256').update(timestamp + secret + nonce + timestamp).digest('hex');
}

function refuse(message: string): DomainError {
  return new DomainError('unauthenticated', message);
}

/** The institution the request is signed by, or a clear refusal. Records the nonce in the caller's transaction. */
export async function verifyGateway(tx: Queryable, h: GatewayHeaders, now: Date): Promise<Principal> {
  if (!h.timestamp || !/^\d{10,13}$/.test(h.timestamp)) throw refuse('x-tif-timestamp must be the request time in seconds since 1970.');
  const seconds = h.timestamp.length === 13 ? Number(h.timestamp) / 1000 : Number(h.timestamp);
  if (Math.abs(now.getTime() / 1000 - seconds) > WINDOW_SECONDS) {
    throw refuse('x-tif-timestamp is more than 5 minutes away from the platform time: check the clock of the hospital system.');
  }
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(h.nonce)) throw refuse('x-tif-nonce must be 8–64 letters or digits, new for every request.');
  const key = await store.activeInstitutionKey(tx, h.paasid);
  const expected = key ? signature(h.timestamp, key.secret, h.nonce) : null;
  const given = Buffer.from(h.signature.toLowerCase(), 'utf8');
  if (!expected || given.length !== expected.length || !crypto.timingSafeEqual(given, Buffer.from(expected, 'utf8'))) {
    throw refuse('The gateway signature does not match: check x-tif-paasid and the secret the platform issued.');
  }
  await store.prunePastNonces(tx, new Date(now.getTime() - WINDOW_SECONDS * 1000));
  if (!(await store.recordNonce(tx, h.paasid, h.nonce, now))) throw refuse('x-tif-nonce was used before: send a new nonce with every request.');
  return { kind: 'institution', code: key!.institution_code, admdvs: key!.admdvs };
}
