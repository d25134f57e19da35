import Type from 'typebox';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../core/errors.ts';
import type { RouteModule } from '../http/types.ts';
import { regionName } from '../reference/service.ts';
import { verifyGateway } from './gateway.ts';
import * as auth from './service.ts';

export const SESSION_COOKIE = 'yidi_session';

const MeSchema = Type.Object({
  role: Type.Union([Type.Literal('person'), Type.Literal('insured_agency'), Type.Literal('treatment_agency'), Type.Literal('national')]),
  username: Type.String(),
  display_name: Type.String(),
  region: Type.Union([Type.String(), Type.Null()]),
  region_name: Type.Union([Type.String(), Type.Null()]),
  psn_no: Type.Union([Type.String(), Type.Null()]),
});

function sessionToken(request: FastifyRequest): string | null {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid ? unsigned.value : null;
}

export const routes: RouteModule = async (app, { db, clock }) => {
  const withRegionName = async (me: auth.Me) => ({ ...me, region_name: me.region ? await regionName(db, me.region) : null });

  // Every request learns who is acting — a hospital system from its gateway signature, a
  // portal user from the session cookie; services decide what that allows.
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request) => {
    const paasid = request.headers['x-tif-paasid'];
    if (typeof paasid === 'string') {
      const header = (name: string) => String(request.headers[name] ?? '');
      request.principal = await verifyGateway(
        db,
        { paasid, timestamp: header('x-tif-timestamp'), nonce: header('x-tif-nonce'), signature: header('x-tif-signature') },
        clock.now(),
      );
      return;
    }
    const token = sessionToken(request);
    if (!token) return;
    const found = await auth.sessionUser(db, token, clock.now());
    request.principal = found?.principal;
  });

  app.post(
    '/api/session',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in (persons with their ID number, staff with their username)',
        body: Type.Object({
          username: Type.String({ minLength: 1, maxLength: 64, examples: ['110101195503150028'] }),
          password: Type.String({ minLength: 1, maxLength: 200 }),
        }),
        response: { 200: Type.Object({ user: MeSchema }) },
      },
    },
    async (request, reply) => {
      const { token, me, expiresAt } = await db.tx((tx) => auth.signIn(tx, request.body, clock.now()));
      reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        signed: true,
        secure: request.protocol === 'https',
        expires: expiresAt,
      });
      return { user: await withRegionName(me) };
    },
  );

  app.delete('/api/session', { schema: { tags: ['auth'], summary: 'Sign out' } }, async (request, reply) => {
    const token = sessionToken(request);
    if (token) await db.tx((tx) => auth.signOut(tx, token, clock.now()));
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  app.get(
    '/api/me',
    { schema: { tags: ['auth'], summary: 'Who is signed in', response: { 200: MeSchema } } },
    async (request) => {
      const token = sessionToken(request);
      const found = token ? await auth.sessionUser(db, token, clock.now()) : null;
      if (!found) throw new DomainError('unauthenticated', 'Sign in first.');
      return withRegionName(found.me);
    },
  );
};
