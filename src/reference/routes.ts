import Type from 'typebox';
import type { RouteModule } from '../http/types.ts';
import * as reference from './service.ts';

const DivisionCode = (description: string) => Type.String({ description: `${description} (6-digit GB/T 2260 code)`, examples: ['440100'] });

const EntrySchema = {
  code: Type.String(),
  name_zh: Type.String(),
  name_en: Type.String(),
};
const CodeEntrySchema = Type.Object(EntrySchema);
const RegionSchema = Type.Object({
  ...EntrySchema,
  level: Type.Integer({ minimum: 1, maximum: 2, description: '1 province-level, 2 prefecture-level' }),
  parent: Type.Union([Type.String(), Type.Null()], { description: 'the province of a prefecture-level division' }),
  is_pooling: Type.Boolean({ description: 'a pooling area (统筹区), where policy is set and insurance is held' }),
  has_scheme: Type.Boolean({ description: 'false for Taiwan, Hong Kong and Macao' }),
});
const ChronicDiseaseSchema = Type.Object({
  ...EntrySchema,
  cross_province: Type.Boolean({ description: 'settled directly across provinces' }),
});

// Reference data is public: no sign-in, the same answer for everyone.
export const routes: RouteModule = async (app, { db }) => {
  app.get(
    '/api/regions',
    {
      schema: {
        tags: ['reference'],
        summary: 'List administrative divisions',
        description: 'Provinces and prefecture-level divisions, sorted by code. Filters combine.',
        querystring: Type.Object({
          level: Type.Optional(Type.Integer({ minimum: 1, maximum: 2, description: '1 provinces, 2 prefecture-level divisions' })),
          parent: Type.Optional(DivisionCode('only the divisions of this province')),
          pooling: Type.Optional(Type.Boolean({ description: 'true: only pooling areas; false: only the others' })),
        }),
        response: { 200: Type.Array(RegionSchema) },
      },
    },
    async (request) => {
      const { level, parent, pooling } = request.query;
      return reference.listRegions(db, { level: level as 1 | 2 | undefined, parent, pooling });
    },
  );

  app.get(
    '/api/regions/:code',
    {
      schema: {
        tags: ['reference'],
        summary: 'One administrative division',
        params: Type.Object({ code: DivisionCode('the division') }),
        response: { 200: RegionSchema },
      },
    },
    async (request) => reference.getRegion(db, request.params.code),
  );

  app.get(
    '/api/codes',
    {
      schema: {
        tags: ['reference'],
        summary: 'Names of the code tables',
        response: { 200: Type.Array(Type.String(), { examples: [['insutype', 'med_type']] }) },
      },
    },
    async () => [...reference.codeTableNames],
  );

  app.get(
    '/api/codes/:table',
    {
      schema: {
        tags: ['reference'],
        summary: 'One code table',
        description: 'Codes are open strings: a region may use codes not listed here.',
        params: Type.Object({ table: Type.String({ description: 'a name from GET /api/codes', examples: ['insutype'] }) }),
        response: { 200: Type.Array(CodeEntrySchema) },
      },
    },
    async (request) => [...reference.getCodeTable(request.params.table)],
  );

  app.get(
    '/api/chronic-diseases',
    {
      schema: {
        tags: ['reference'],
        summary: 'Outpatient chronic and special diseases',
        description: 'The diseases settled directly across provinces first.',
        response: { 200: Type.Array(ChronicDiseaseSchema) },
      },
    },
    async () => reference.listChronicDiseases(db),
  );
};
