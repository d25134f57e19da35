import Type from 'typebox';
import type { RouteModule } from '../http/types.ts';
import { CatalogItemSchema } from './rules.ts';
import * as catalog from './service.ts';

const Province = Type.String({ pattern: '^\\d{2}0000$', description: 'province code PP0000', examples: ['440000'] });

export const CatalogFileSchema = Type.Object({ items: Type.Array(CatalogItemSchema) }, { title: 'Yidi treatment-place catalogue file' });

export const routes: RouteModule = async (app, { db }) => {
  app.get(
    '/api/catalog',
    {
      schema: {
        tags: ['catalog'],
        summary: "Search a province's treatment-place catalogue",
        description: 'Public. With `date`, only the versions in force that day.',
        querystring: Type.Object({
          province: Province,
          q: Type.Optional(Type.String({ maxLength: 100, description: 'code prefix or part of the name' })),
          list_type: Type.Optional(Type.String({ pattern: '^\\d{3}$', description: '101 western drug … 301 consumable' })),
          chrgitm_lv: Type.Optional(Type.Enum(['01', '02', '03'], { description: '01 class A, 02 class B, 03 class C' })),
          date: Type.Optional(Type.String({ format: 'date', description: 'yyyy-MM-dd' })),
          page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
          page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
        }),
        response: {
          200: Type.Object({ items: Type.Array(CatalogItemSchema), total: Type.Integer(), page: Type.Integer(), page_size: Type.Integer() }),
        },
      },
    },
    async (request) => {
      const { page, page_size, ...rest } = request.query;
      return catalog.searchCatalog(db, { ...rest, page: page ?? 1, page_size: page_size ?? 50 });
    },
  );

  app.get(
    '/api/catalog/export',
    {
      schema: {
        tags: ['catalog'],
        summary: 'A catalogue as an import file (signed in)',
        querystring: Type.Object({ province: Type.Optional(Province) }),
        response: { 200: CatalogFileSchema },
      },
    },
    async (request) => catalog.exportCatalog(db, request.principal, request.query),
  );

  app.get(
    '/api/catalog/:province/:hilist_code',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Every version of one catalogue item',
        params: Type.Object({ province: Province, hilist_code: Type.String({ minLength: 1, maxLength: 60 }) }),
        response: { 200: Type.Array(CatalogItemSchema) },
      },
    },
    async (request) => catalog.getCatalogVersions(db, request.params.province, request.params.hilist_code),
  );

  app.post(
    '/api/catalog/import',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Import catalogue versions (all or nothing)',
        description:
          'New versions are added; a stored version (same province, code and begndate) may only have its enddate moved. Overlapping validity is refused with the path of the item.',
        body: CatalogFileSchema,
        response: { 200: Type.Object({ imported: Type.Integer(), updated: Type.Integer({ description: 'stored versions whose enddate moved' }) }) },
      },
      // The schema documents the body; the service validates it so that one answer lists every problem.
      validatorCompiler: () => (data) => ({ value: data }),
    },
    async (request) => db.tx((tx) => catalog.importCatalog(tx, request.principal, request.body)),
  );
};
