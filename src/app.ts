import Fastify, { type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { cookieSecret } from './auth/service.ts';
import { routes as authRoutes } from './auth/routes.ts';
import { routes as referenceRoutes } from './reference/routes.ts';
import { routes as peopleRoutes } from './people/routes.ts';
import { routes as institutionRoutes } from './institutions/routes.ts';
import { routes as catalogRoutes } from './catalog/routes.ts';
import { routes as policyRoutes } from './policy/routes.ts';
import { routes as filingRoutes } from './filing/routes.ts';
import { routes as settlementRoutes } from './settlement/routes.ts';
import { routes as hisRoutes } from './his/routes.ts';
import { routes as ledgerRoutes } from './ledger/routes.ts';
import { routes as claimRoutes } from './claims/routes.ts';
import { routes as clearingRoutes } from './clearing/routes.ts';
import { routes as reconciliationRoutes } from './reconciliation/routes.ts';
import { errorHandler, problem, sendProblem } from './http/problem.ts';
import { registerMetrics } from './http/metrics.ts';
import { loggerOptions } from './http/logging.ts';
import { registerWeb } from './http/web.ts';
import type { App, AppDeps } from './http/types.ts';

export interface BuildOptions {
  /** false for tests; otherwise pino options. */
  logger?: FastifyServerOptions['logger'];
  /** The built portal to serve, or null for an API-only server. */
  webDir?: string | null;
}

export async function buildApp(deps: AppDeps, opts: BuildOptions = {}): Promise<App> {
  const app = Fastify({
    logger: opts.logger ?? loggerOptions(deps.config.logLevel),
    bodyLimit: 64 * 1024 * 1024, // import files
    ajv: { customOptions: { allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>() as App;

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem(404, 'not_found', `There is no ${request.method} ${request.url.split('?')[0]} here. The API is described at /docs.`)),
  );

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Yidi API',
        version: '0.1.0',
        description:
          'Cross-regional medical insurance direct settlement. Money is integer fen (1 yuan = 100 fen); ratios are basis points (8500 = 85 %). Errors are RFC 9457 problem+json naming the field.',
      },
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'yidi_session' } },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(cookie, { secret: await cookieSecret(deps.db) });

  app.get(
    '/healthz',
    { schema: { tags: ['ops'], summary: 'Liveness and database reachability', response: { 200: Type.Object({ status: Type.String(), database: Type.String() }) } } },
    async () => {
      await deps.db.query('SELECT 1');
      return { status: 'ok', database: deps.db.kind };
    },
  );
  registerMetrics(app);

  for (const module of [authRoutes, referenceRoutes, peopleRoutes, institutionRoutes, catalogRoutes, policyRoutes, filingRoutes, settlementRoutes, ledgerRoutes, claimRoutes, clearingRoutes, reconciliationRoutes, hisRoutes]) {
    await module(app, deps);
  }
  if (opts.webDir) await registerWeb(app, opts.webDir);
  return app;
}
