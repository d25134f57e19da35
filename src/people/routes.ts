import Type from 'typebox';
import type { RouteModule } from '../http/types.ts';
import { EnrolmentInSchema, PersonRecordSchema, QualificationInSchema } from './rules.ts';
import * as people from './service.ts';

const AreaCode = Type.String({ pattern: '^\\d{6}$', description: 'insured pooling area (6-digit division code)', examples: ['440100'] });
const Text = (description?: string) => Type.String(description === undefined ? {} : { description });
const NullableText = (description?: string) => Type.Union([Type.String(), Type.Null()], description === undefined ? {} : { description });

const PersonSchema = Type.Object({
  psn_no: Text(),
  psn_cert_type: Text(),
  certno: Text('ID number; masked (440102********1234) unless you are the person or an agency of their insured place'),
  ss_card_no: NullableText('masked like certno'),
  ss_card_sn: NullableText(),
  evoucher_token: NullableText('masked like certno'),
  name: Text(),
  gender: Text('1 male, 2 female, 9 unspecified'),
  naty: Text(),
  birth_date: Text('yyyy-MM-dd'),
  phone: NullableText('masked (138****5678) like certno'),
  insuplc_admdvs: Text('insured pooling area'),
});

const EnrolmentSchema = Type.Object({ psn_no: Text(), ...EnrolmentInSchema.properties, suspended_date: NullableText(), emp_name: NullableText() });
const QualificationSchema = Type.Object({ psn_no: Text(), ...QualificationInSchema.properties, end_date: NullableText() });

const OverviewSchema = Type.Object({
  person: PersonSchema,
  enrolments: Type.Array(EnrolmentSchema),
  account: Type.Union([Type.Object({ balance_fen: Type.Integer({ description: 'personal account balance (fen)' }) }), Type.Null()]),
  qualifications: Type.Array(QualificationSchema),
});

const CredentialSchema = Type.Union(
  [
    Type.Object({ type: Type.Literal('id_card'), certno: Type.String({ minLength: 1, maxLength: 50 }) }),
    Type.Object({ type: Type.Literal('ss_card'), ss_card_no: Type.String({ minLength: 1, maxLength: 64 }) }),
    Type.Object({ type: Type.Literal('evoucher'), token: Type.String({ minLength: 1, maxLength: 200 }) }),
  ],
  { description: 'one credential: the ID number, the social security card number or the e-voucher token' },
);

export const PersonsFileSchema = Type.Object({ persons: Type.Array(PersonRecordSchema) }, { title: 'Yidi persons file' });

const Page = {
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
};

export const routes: RouteModule = async (app, { db }) => {
  app.get(
    '/api/persons',
    {
      schema: {
        tags: ['persons'],
        summary: 'List persons (an agency: its region; a person: themself)',
        description: 'ID numbers and phone numbers are masked in lists.',
        querystring: Type.Object({
          insuplc_admdvs: Type.Optional(AreaCode),
          q: Type.Optional(Type.String({ maxLength: 100, description: 'psn_no or ID number (exact), or part of the name' })),
          ...Page,
        }),
        response: { 200: Type.Object({ items: Type.Array(PersonSchema), total: Type.Integer(), page: Type.Integer(), page_size: Type.Integer() }) },
      },
    },
    async (request) => {
      const { page, page_size, ...rest } = request.query;
      return people.listPersons(db, request.principal, { ...rest, page: page ?? 1, page_size: page_size ?? 50 });
    },
  );

  app.get(
    '/api/persons/export',
    {
      schema: {
        tags: ['persons'],
        summary: 'Persons of your region as an import file',
        querystring: Type.Object({ insuplc_admdvs: Type.Optional(AreaCode) }),
        response: { 200: PersonsFileSchema },
      },
    },
    async (request) => people.exportPersons(db, request.principal, request.query),
  );

  app.get(
    '/api/persons/:psn_no',
    {
      schema: {
        tags: ['persons'],
        summary: 'A person with enrolments, personal account and disease qualifications',
        params: Type.Object({ psn_no: Type.String({ pattern: '^\\d{20}$', description: 'person number' }) }),
        response: { 200: OverviewSchema },
      },
    },
    async (request) => people.getPersonOverview(db, request.principal, request.params.psn_no),
  );

  app.post(
    '/api/persons/lookup',
    {
      schema: {
        tags: ['persons'],
        summary: 'Find a person by a credential',
        body: CredentialSchema,
        response: { 200: PersonSchema },
      },
    },
    async (request) => people.lookupPerson(db, request.principal, request.body),
  );

  app.post(
    '/api/persons/import',
    {
      schema: {
        tags: ['persons'],
        summary: 'Import persons (all or nothing)',
        description:
          'The body is a persons file; every problem is reported with its path (persons[12].enrolments[0].begin_date) and nothing is imported.',
        body: PersonsFileSchema,
        response: { 200: Type.Object({ imported: Type.Integer() }) },
      },
      // The schema documents the body; the service validates it so that one answer lists every problem.
      validatorCompiler: () => (data) => ({ value: data }),
    },
    async (request) => db.tx((tx) => people.importPersons(tx, request.principal, request.body)),
  );
};
