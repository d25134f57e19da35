import crypto from 'node:crypto';
import type { Queryable } from '../db/pool.ts';
import { DomainError, invalid, conflict } from '../core/errors.ts';
import { parseCertno } from '../core/idcard.ts';
import { audit } from './audit.ts';
import type { Principal, StaffRole } from './model.ts';
import { authorize } from './permissions.ts';
import { burnVerifyTime, hashPassword, verifyPassword } from './passwords.ts';
import * as store from './store.ts';

export const SESSION_HOURS = 12;

export interface Me {
  role: store.UserRow['role'];
  username: string;
  display_name: string;
  region: string | null;
  psn_no: string | null;
}

function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

function principalOf(u: store.UserRow): Principal {
  switch (u.role) {
    case 'person':
      return { kind: 'person', userId: u.id, psnNo: u.psn_no!, name: u.display_name };
    case 'insured_agency':
    case 'treatment_agency':
      return { kind: u.role, userId: u.id, username: u.username, region: u.region! };
    case 'national':
      return { kind: 'national', userId: u.id, username: u.username };
  }
}

function meOf(u: store.UserRow): Me {
  return { role: u.role, username: u.username, display_name: u.display_name, region: u.region, psn_no: u.psn_no };
}

/** Persons sign in with their ID number; a lowercase check letter is the same number. */
function normaliseUsername(username: string): string {
  const trimmed = username.trim();
  return /^\d{17}[\dxX]$/.test(trimmed) ? trimmed.toUpperCase() : trimmed;
}

function checkPassword(password: string, field = 'password'): void {
  if (password.length < 10) throw invalid(field, 'must be at least 10 characters');
  if (password.length > 200) throw invalid(field, 'must be at most 200 characters');
}

export async function createStaffUser(
  tx: Queryable,
  actor: Principal,
  input: { username: string; password: string; role: StaffRole; region: string | null; display_name: string },
): Promise<{ id: number }> {
  if (actor.kind !== 'system' && actor.kind !== 'national') throw new DomainError('forbidden', 'Only the national operator creates staff accounts.');
  if (!/^[a-z][a-z0-9._-]{2,39}$/.test(input.username)) throw invalid('username', 'must be 3–40 lowercase letters, digits, ".", "_" or "-", starting with a letter');
  checkPassword(input.password);
  const needsRegion = input.role !== 'national';
  if (needsRegion !== (input.region !== null)) throw invalid('region', needsRegion ? 'is required for agency staff' : 'must be empty for the national operator');
  if (input.region !== null && !/^\d{6}$/.test(input.region)) throw invalid('region', 'must be a 6-digit division code');
  if (await store.usernameTaken(tx, input.username)) throw conflict(`The username ${input.username} is taken.`);
  const id = await store.insertUser(tx, {
    username: input.username,
    password_hash: await hashPassword(input.password),
    role: input.role,
    region: input.region,
    psn_no: null,
    display_name: input.display_name,
  });
  await audit(tx, actor, 'create', 'app_user', String(id), { username: input.username, role: input.role, region: input.region });
  return { id };
}

/** Gives an existing person a portal sign-in; the username is their ID number. */
export async function createPersonLogin(
  tx: Queryable,
  actor: Principal,
  input: { psn_no: string; username: string; password: string; display_name: string; insuplc_admdvs: string },
): Promise<{ id: number }> {
  authorize(actor, 'person.write', { region: input.insuplc_admdvs, psnNo: input.psn_no });
  const username = normaliseUsername(input.username);
  const parsed = parseCertno(username);
  if (!parsed.ok) throw invalid('username', `must be the person's ID number: ${parsed.reason}`);
  checkPassword(input.password);
  if (await store.usernameTaken(tx, username)) throw conflict('This person already has a sign-in.');
  const id = await store.insertUser(tx, {
    username,
    password_hash: await hashPassword(input.password),
    role: 'person',
    region: null,
    psn_no: input.psn_no,
    display_name: input.display_name,
  });
  await audit(tx, actor, 'create', 'app_user', String(id), { role: 'person', psn_no: input.psn_no });
  return { id };
}

/** Issues a gateway key for a hospital's system. The secret is shown once, here. */
export async function createInstitutionKey(tx: Queryable, actor: Principal, institutionCode: string): Promise<{ appId: string; secret: string }> {
  // Read here rather than through the institutions service, which depends on auth.
  const area = await store.institutionArea(tx, institutionCode);
  if (area === null) throw invalid('institution_code', `${institutionCode} is not a designated institution`);
  authorize(actor, 'institution.write', { region: area });
  const appId = `yd${crypto.randomBytes(8).toString('hex')}`;
  const secret = crypto.randomBytes(24).toString('base64url');
  await store.insertInstitutionKey(tx, appId, institutionCode, secret);
  await audit(tx, actor, 'create', 'institution_key', appId, { institution_code: institutionCode });
  return { appId, secret };
}

export async function signIn(
  tx: Queryable,
  input: { username: string; password: string },
  now: Date,
): Promise<{ token: string; me: Me; expiresAt: Date }> {
  const username = normaliseUsername(input.username);
  const user = await store.userByUsername(tx, username);
  if (!user) {
    await burnVerifyTime(input.password);
    throw new DomainError('unauthenticated', 'The ID number or username and password do not match.');
  }
  if (!(await verifyPassword(user.password_hash, input.password))) {
    throw new DomainError('unauthenticated', 'The ID number or username and password do not match.');
  }
  const token = crypto.randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3600_000);
  await store.insertSession(tx, sha256(token), user.id, expiresAt);
  const actor = principalOf(user);
  await audit(tx, actor, 'sign_in', 'app_session', null);
  return { token, me: meOf(user), expiresAt };
}

export async function sessionUser(tx: Queryable, token: string, now: Date): Promise<{ principal: Principal; me: Me } | null> {
  const user = await store.userBySession(tx, sha256(token), now);
  return user ? { principal: principalOf(user), me: meOf(user) } : null;
}

export async function signOut(tx: Queryable, token: string, now: Date): Promise<void> {
  const user = await store.userBySession(tx, sha256(token), now);
  await store.revokeSession(tx, sha256(token), now);
  if (user) await audit(tx, principalOf(user), 'sign_out', 'app_session', null);
}

/** The key that signs session cookies; made once and shared by every server on the database. */
export function cookieSecret(tx: Queryable): Promise<string> {
  return store.secretValue(tx, 'cookie', () => crypto.randomBytes(32).toString('base64url'));
}
