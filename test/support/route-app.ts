import Fastify from 'fastify';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Principal } from '../../src/auth/model.ts';
import { loadConfig } from '../../src/config.ts';
import { fixedClock } from '../../src/core/clock.ts';
import type { Db } from '../../src/db/pool.ts';
import { errorHandler } from '../../src/http/problem.ts';
import type { App, RouteModule } from '../../src/http/types.ts';

/**
 * One module's routes on a bare Fastify app with the real error handler and
 * OpenAPI. Stands in for the session plugin: the `x-test-as` header names which
 * of `principals` is signed in (none when absent).
 */
export async function routeTestApp(db: Db, routes: RouteModule, principals: Record<string, Principal>, at = '2025-03-01T04:00:00Z'): Promise<App> {
  const app = Fastify({ logger: false, ajv: { customOptions: { allErrors: true } } }).withTypeProvider<TypeBoxTypeProvider>() as App;
  app.setErrorHandler(errorHandler);
  await app.register(swagger, { openapi: { openapi: '3.1.0', info: { title: 'test', version: '0' } } });
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request) => {
    request.principal = principals[String(request.headers['x-test-as'])];
  });
  await routes(app, { db, clock: fixedClock(at), config: loadConfig({}) });
  await app.ready();
  return app;
}
