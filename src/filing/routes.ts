import Type from 'typebox';
import { today } from '../core/clock.ts';
import type { RouteModule } from '../http/types.ts';
import * as filing from './service.ts';
import { filingChannels, filingKinds, type FilingInput } from './model.ts';

const Area = Type.String({ pattern: '^\\d{6}$', description: 'a pooling area, or a province (PP0000) where the insured place allows it', examples: ['440300'] });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'yyyy-MM-dd', examples: ['2026-12-01'] });
const Kind = Type.Union(filingKinds.map((k) => Type.Literal(k)));
const Channel = Type.Union(filingChannels.map((c) => Type.Literal(c)));
const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });

const Proof = Type.Object(
  {
    type: Type.String({
      description:
        'commitment (signed: true), household_register (number), residence_permit (number), posting_certificate (employer_name, certificate_no), referral_certificate (referring_institution_code, referring_institution_name, diag_code, diag_name, reason), emergency (institution_code, diag_code, diag_name)',
    }),
  },
  { additionalProperties: true, examples: [{ type: 'commitment', signed: true }] },
);

const FilingBody = Type.Object(
  {
  psn_no: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'the person; or give certno' })),
  certno: Type.Optional(Type.String({ maxLength: 18, description: "the person's ID number, when psn_no is not at hand" })),
  insutype: Type.String({ pattern: '^\\d{3}$', examples: ['310'] }),
  kind: Kind,
  area: Area,
  begin_date: Day,
  channel: Channel,
  proof: Proof,
  phone: Type.Optional(Type.String()),
  agent: Type.Optional(Type.Object({ name: Type.String(), certno: Type.String(), relation: Type.String({ examples: ['daughter'] }) })),
  ongoing_stay_since: Type.Optional(Day),
  },
  {
    examples: [
      {
        psn_no: '23010000000000000001',
        insutype: '310',
        kind: 'resettled_retiree',
        area: '440300',
        begin_date: '2026-12-01',
        channel: 'national_self_service',
        proof: { type: 'commitment', signed: true },
      },
      {
        certno: '11010519491231002X',
        insutype: '390',
        kind: 'referral',
        area: '110000',
        begin_date: '2026-12-01',
        channel: 'local_platform',
        proof: { type: 'referral_certificate', referring_institution_code: 'H41010000001', referring_institution_name: '郑州市第一人民医院', diag_code: 'C34.9', diag_name: '支气管和肺恶性肿瘤', reason: '需上级医院手术' },
        agent: { name: '张丽', certno: '410102198003030026', relation: '配偶' },
      },
    ],
  },
);

export const routes: RouteModule = async (app, { db, clock }) => {
  app.post(
    '/api/filings',
    {
      schema: {
        tags: ['filing'],
        summary: 'File for treatment in another area (备案)',
        description:
          'One live filing per person and scheme. Filing again while one is live answers 409 "already filed" with `existing`: the record, its area, validity, date and channel. A late filing (补办) for a stay that has begun gives `ongoing_stay_since` = the admission date.',
        body: FilingBody,
      },
    },
    async (request, reply) => {
      const { certno, psn_no, ...rest } = request.body;
      const result = await db.tx(async (tx) => {
        const who = await filing.resolveFiler(tx, request.principal, { ...(psn_no ? { psn_no } : {}), ...(certno ? { certno } : {}) });
        // The proof's fields depend on its type; the filing rules check them and name each one.
        return filing.file(tx, request.principal, { ...rest, psn_no: who } as unknown as FilingInput, today(clock));
      });
      return reply.code(201).send(result);
    },
  );

  app.get(
    '/api/filings/terms',
    {
      schema: {
        tags: ['filing'],
        summary: 'What a filing would get before filing: validity, when it may change, whether it is reviewed',
        querystring: Type.Object({ psn_no: Type.String(), insutype: Type.String({ pattern: '^\\d{3}$' }), kind: Kind, begin_date: Day }),
      },
    },
    async (request) => filing.terms(db, request.principal, request.query, today(clock)),
  );

  app.get(
    '/api/persons/:psn_no/filings',
    {
      schema: {
        tags: ['filing'],
        summary: "A person's filings, past and present, and the national record of every channel",
        params: Type.Object({ psn_no: Type.String() }),
      },
    },
    async (request) => db.tx((tx) => filing.filingsOf(tx, request.principal, request.params.psn_no, today(clock))),
  );

  app.get(
    '/api/persons/:psn_no/institutions',
    {
      schema: {
        tags: ['filing'],
        summary: "Find networked institutions, each saying whether the person's filing covers it",
        params: Type.Object({ psn_no: Type.String() }),
        querystring: Type.Object({
          admdvs: Type.Optional(Area),
          kind: Type.Optional(Type.Union([Type.Literal('hospital'), Type.Literal('clinic'), Type.Literal('pharmacy')])),
          level: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)])),
          service: Type.Optional(Type.Union([Type.Literal('inpatient'), Type.Literal('outpatient'), Type.Literal('pharmacy')])),
          disease: Type.Optional(Type.String()),
          q: Type.Optional(Type.String({ maxLength: 50 })),
          page: Type.Integer({ minimum: 1, default: 1 }),
          page_size: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
        }),
      },
    },
    async (request) => filing.institutionsFor(db, request.principal, request.params.psn_no, request.query, today(clock)),
  );

  app.post(
    '/api/filings/:id/change',
    {
      schema: {
        tags: ['filing'],
        summary: 'Change the area of a filing (the old one ends the day before the new one begins)',
        params: Id,
        body: Type.Object({ area: Area, begin_date: Day, channel: Channel }),
      },
    },
    async (request, reply) => {
      const result = await db.tx((tx) => filing.changeArea(tx, request.principal, request.params.id, request.body, today(clock)));
      return reply.code(201).send(result);
    },
  );

  app.post(
    '/api/filings/:id/cancel',
    {
      schema: {
        tags: ['filing'],
        summary: "Cancel a filing (long-term filings after the insured place's minimum period)",
        params: Id,
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }),
      },
    },
    async (request) => ({ filing: await db.tx((tx) => filing.cancel(tx, request.principal, request.params.id, request.body.reason, today(clock))) }),
  );

  app.post(
    '/api/filings/:id/review',
    {
      schema: {
        tags: ['filing'],
        summary: 'Approve or reject a filing waiting for review (insured-place agency)',
        params: Id,
        body: Type.Object({ approve: Type.Boolean(), reason: Type.String({ maxLength: 500, default: '' }) }),
      },
    },
    async (request) => ({ filing: await db.tx((tx) => filing.review(tx, request.principal, request.params.id, { approve: request.body.approve, reason: request.body.reason ?? '' })) }),
  );

  app.get(
    '/api/filings',
    {
      schema: {
        tags: ['filing'],
        summary: "Search the filings of the agency's own insured persons (the review queue is status=pending_review)",
        querystring: Type.Object({
          status: Type.Optional(Type.String()),
          kind: Type.Optional(Kind),
          area: Type.Optional(Area),
          psn_no: Type.Optional(Type.String()),
          page: Type.Integer({ minimum: 1, default: 1 }),
          page_size: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
        }),
      },
    },
    async (request) => filing.search(db, request.principal, request.query),
  );

  app.get(
    '/api/filings/stats',
    { schema: { tags: ['filing'], summary: 'Filing counts by kind, area and status (insured-place agency)' } },
    async (request) => ({ counts: await filing.counts(db, request.principal) }),
  );

  app.get(
    '/api/coverage',
    {
      schema: {
        tags: ['filing'],
        summary: 'Is this person covered for direct settlement here on this date, and by which filing?',
        description: 'For treatment-place agencies and hospitals. Without a covering filing, only an emergency is settled directly (`emergency_only`).',
        querystring: Type.Object({ psn_no: Type.String(), place: Area, date: Type.Optional(Day), insutype: Type.Optional(Type.String()) }),
      },
    },
    async (request) =>
      filing.coverage(db, request.principal, { ...request.query, date: request.query.date ?? today(clock) }),
  );
};
