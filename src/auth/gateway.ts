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

/** When each database's expired nonces are next pruned: the pruning is housekeeping, not part of a request's check. */
const nextPrune = new WeakMap<Queryable, number>();
const PRUNE_EVERY_MS = 60_000;

/**
 * The institution the request is signed by, or a clear refusal. The key
 * lookup, the signature check and the nonce's record are one statement, so
 * a hospital request costs one round trip here. A nonce only needs keeping
 * while its timestamp is inside the window (an older timestamp is refused
 * anyway), so expired ones are pruned about once a minute.
 */
export async function verifyGateway(db: Queryable, h: GatewayHeaders, now: Date): Promise<Principal> {
  if (!h.timestamp || !/^\d{10,13}$/.test(h.timestamp)) throw refuse('x-tif-timestamp must be the request time in seconds since 1970.');
  const seconds = h.timestamp.length === 13 ? Number(h.timestamp) / 1000 : Number(h.timestamp);
  if (Math.abs(now.getTime() / 1000 - seconds) > WINDOW_SECONDS) {
    throw refuse('x-tif-timestamp is more than 5 minutes away from the platform time: check the clock of the hospital system.');
  }
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(h.nonce)) throw refuse('x-tif-nonce must be 8–64 letters or digits, new for every request.');
  if (!/^[0-9A-Fa-f]{64}$/.test(h.signature)) throw refuse('x-tif-signature must be the 64 hex digits of SHA-256(timestamp + secret + nonce + timestamp).');
  if (now.getTime() >= (nextPrune.get(db) ?? 0)) {
    nextPrune.set(db, now.getTime() + PRUNE_EVERY_MS);
    await store.prunePastNonces(db, new Date(now.getTime() - WINDOW_SECONDS * 1000));
  }
  const key = await store.checkSignedRequest(db, { app_id: h.paasid, timestamp: h.timestamp, nonce: h.nonce, signature: h.signature, at: now });
  if (!key || !key.signed) throw refuse('The gateway signature does not match: check x-tif-paasid and the secret the platform issued.');
  if (!key.fresh) throw refuse('x-tif-nonce was used before: send a new nonce with every request.');
  return { kind: 'institution', code: key.institution_code, admdvs: key.admdvs };
}
