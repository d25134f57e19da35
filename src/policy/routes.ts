import Type from 'typebox';
import { today } from '../core/clock.ts';
import { DomainError } from '../core/errors.ts';
import type { RouteModule } from '../http/types.ts';
import { PolicyDocSchema, PolicyFileSchema } from './model.ts';
import * as policy from './service.ts';

const AreaCode = Type.String({ pattern: '^\\d{6}$', description: 'pooling area (6-digit division code)', examples: ['110100'] });
const Insutype = Type.String({ pattern: '^\\d{3}$', description: '310 employee basic, 390 resident basic', examples: ['310'] });
const DateText = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'yyyy-MM-dd' });
const NullableDate = Type.Union([DateText, Type.Null()], { description: 'the day before the next version begins; null while current' });

const SummarySchema = Type.Object({
  id: Type.Integer(),
  pooling_area: Type.String(),
  insutype: Type.String(),
  begndate: DateText,
  enddate: NullableDate,
  name: Type.Union([Type.String(), Type.Null()]),
});

const VersionSchema = Type.Object({
  id: Type.Integer(),
  pooling_area: Type.String(),
  insutype: Type.String(),
  begndate: DateText,
  enddate: NullableDate,
  doc: PolicyDocSchema,
});

const FilterQuery = {
  pooling_area: Type.Optional(AreaCode),
  insutype: Type.Optional(Insutype),
  province: Type.Optional(Type.String({ pattern: '^\\d{2}0000$', description: 'province code: every pooling area in it', examples: ['110000'] })),
};

const PublishedFileSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Yidi insured-place policy import file',
  ...PolicyFileSchema,
};

export const routes: RouteModule = async (app, { db, clock }) => {
  app.get(
    '/api/policies',
    {
      schema: {
        tags: ['policy'],
        summary: 'List policy versions',
        querystring: Type.Object({
          ...FilterQuery,
          page: Type.Optional(Type.Integer({ minimum: 1 })),
          page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(SummarySchema), total: Type.Integer() }) },
      },
    },
    async (request) => policy.listPolicies(db, request.query),
  );

  app.get(
    '/api/policies/in-force',
    {
      schema: {
        tags: ['policy'],
        summary: 'The policy version in force on a date',
        querystring: Type.Object({
          pooling_area: AreaCode,
          insutype: Insutype,
          date: Type.Optional({ ...DateText, description: 'yyyy-MM-dd; default today (Asia/Shanghai)' }),
        }),
        response: { 200: VersionSchema },
      },
    },
    async (request) => {
      const { pooling_area, insutype, date } = request.query;
      return policy.policyInForce(db, pooling_area, insutype, date ?? today(clock));
    },
  );

  app.get(
    '/api/policies/schema',
    { schema: { tags: ['policy'], summary: 'JSON Schema of a policy import file' } },
    async () => PublishedFileSchema,
  );

  app.get(
    '/api/policies/export',
    {
      schema: {
        tags: ['policy'],
        summary: 'Policy versions as an import file',
        querystring: Type.Object(FilterQuery),
        response: { 200: PolicyFileSchema },
      },
    },
    async (request) => policy.exportPolicies(db, request.principal, request.query),
  );

  app.get(
    '/api/policies/:id',
    {
      schema: {
        tags: ['policy'],
        summary: 'One policy version',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 200: VersionSchema },
      },
    },
    async (request) => policy.getPolicy(db, request.params.id),
  );

  app.post(
    '/api/policies/import',
    {
      schema: {
        tags: ['policy'],
        summary: 'Import policy versions (all or nothing)',
        description: 'The body is a policy file; every problem is reported with its path and nothing is imported.',
        body: PolicyFileSchema,
        response: { 200: Type.Object({ imported: Type.Integer() }) },
      },
      // The schema documents the body; the service validates it, adding the checks a schema cannot
      // express, so one answer lists every problem with paths like policies[3].bands[1].ratio_bp.
      validatorCompiler: () => (data) => ({ value: data }),
    },
    async (request) => {
      const actor = request.principal;
      if (!actor) throw new DomainError('unauthenticated', 'Sign in as the insured-place agency to import policies.');
      return db.tx((tx) => policy.importPolicies(tx, actor, request.body));
    },
  );
};
