import type { FastifyInstance, FastifyBaseLogger, RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Db } from '../db/pool.ts';
import type { Clock } from '../core/clock.ts';
import type { Config } from '../config.ts';
import type { Principal } from '../auth/model.ts';

/** What every module's routes receive. */
export interface AppDeps {
  db: Db;
  clock: Clock;
  config: Config;
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth plugin from the session cookie; undefined when signed out. */
    principal: Principal | undefined;
  }
}

/** A module's REST endpoints: `export const routes: RouteModule = async (app, deps) => { … }`. */
export type RouteModule = (app: App, deps: AppDeps) => Promise<void>;
