import Type from 'typebox';
import type { RouteModule } from '../http/types.ts';
import { InstitutionSchema, MappingSchema } from './rules.ts';
import * as institutions from './service.ts';

const InstitutionCode = Type.String({ pattern: '^[HP]\\d{11}$', description: 'institution code', examples: ['H44010000001'] });
const AreaOrProvince = Type.String({
  pattern: '^\\d{6}$',
  description: 'a pooling area, or a province code PP0000 for the whole province',
  examples: ['440100', '440000'],
});

const InstitutionOut = Type.Object({
  ...InstitutionSchema.properties,
  status: Type.Enum(['active', 'suspended']),
  address: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
});

export const InstitutionsFileSchema = Type.Object({ institutions: Type.Array(InstitutionSchema) }, { title: 'Yidi institutions file' });
export const MappingsFileSchema = Type.Object({ mappings: Type.Array(MappingSchema) }, { title: 'Yidi item mappings file' });

const noValidation = () => (data: unknown) => ({ value: data });

export const routes: RouteModule = async (app, { db }) => {
  app.get(
    '/api/institutions',
    {
      schema: {
        tags: ['institutions'],
        summary: 'Search networked designated institutions',
        description: 'Public: check where cross-regional settlement is open before travelling. Filters combine.',
        querystring: Type.Object({
          admdvs: Type.Optional(AreaOrProvince),
          kind: Type.Optional(Type.Enum(['hospital', 'clinic', 'pharmacy'])),
          level: Type.Optional(Type.Integer({ minimum: 1, maximum: 3 })),
          service: Type.Optional(Type.Enum(['inpatient', 'outpatient', 'pharmacy'], { description: 'a cross-regional service open there' })),
          disease: Type.Optional(Type.String({ maxLength: 20, description: 'a chronic/special disease code settled there', examples: ['M03900'] })),
          q: Type.Optional(Type.String({ maxLength: 100, description: 'part of the name' })),
          status: Type.Optional(Type.Enum(['active', 'suspended'])),
          page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
          page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
        }),
        response: {
          200: Type.Object({ items: Type.Array(InstitutionOut), total: Type.Integer(), page: Type.Integer(), page_size: Type.Integer() }),
        },
      },
    },
    async (request) => {
      const { page, page_size, level, ...rest } = request.query;
      return institutions.searchInstitutions(db, {
        ...rest,
        ...(level !== undefined ? { level: level as 1 | 2 | 3 } : {}),
        page: page ?? 1,
        page_size: page_size ?? 50,
      });
    },
  );

  app.get(
    '/api/institutions/export',
    {
      schema: {
        tags: ['institutions'],
        summary: 'Institutions as an import file (signed in)',
        querystring: Type.Object({ admdvs: Type.Optional(AreaOrProvince) }),
        response: { 200: Type.Object({ institutions: Type.Array(InstitutionOut) }) },
      },
    },
    async (request) => institutions.exportInstitutions(db, request.principal, request.query),
  );

  app.get(
    '/api/institutions/mappings/export',
    {
      schema: {
        tags: ['institutions'],
        summary: "Institutions' item mappings as an import file (signed in)",
        querystring: Type.Object({ admdvs: Type.Optional(AreaOrProvince) }),
        response: { 200: MappingsFileSchema },
      },
    },
    async (request) => institutions.exportItemMappings(db, request.principal, request.query),
  );

  app.get(
    '/api/institutions/:code',
    {
      schema: {
        tags: ['institutions'],
        summary: 'One institution',
        params: Type.Object({ code: InstitutionCode }),
        response: { 200: InstitutionOut },
      },
    },
    async (request) => institutions.getInstitution(db, request.params.code),
  );

  app.post(
    '/api/institutions/import',
    {
      schema: {
        tags: ['institutions'],
        summary: 'Import institutions (all or nothing; stored codes are replaced)',
        description: 'Every problem is reported with its path (institutions[3].chronic_diseases[0]) and nothing is imported.',
        body: InstitutionsFileSchema,
        response: { 200: Type.Object({ imported: Type.Integer() }) },
      },
      // The schema documents the body; the service validates it so that one answer lists every problem.
      validatorCompiler: noValidation,
    },
    async (request) => db.tx((tx) => institutions.importInstitutions(tx, request.principal, request.body)),
  );

  app.post(
    '/api/institutions/mappings/import',
    {
      schema: {
        tags: ['institutions'],
        summary: "Import institutions' local item codes mapped to national catalogue codes (all or nothing)",
        body: MappingsFileSchema,
        response: { 200: Type.Object({ imported: Type.Integer() }) },
      },
      validatorCompiler: noValidation,
    },
    async (request) => db.tx((tx) => institutions.importItemMappings(tx, request.principal, request.body)),
  );
};
