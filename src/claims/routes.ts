import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyError } from 'fastify';
import Type from 'typebox';
import { today } from '../core/clock.ts';
import { DomainError, invalid } from '../core/errors.ts';
import { fen } from '../core/money.ts';
import { errorHandler, problem, sendProblem } from '../http/problem.ts';
import type { RouteModule } from '../http/types.ts';
import { documentFiles } from './documents.ts';
import { CLAIM_REASONS, CLAIM_STATUSES, DOCUMENT_TYPES, MEDIA_TYPES, type BillInput, type ClaimDetail, type ClaimInput } from './model.ts';
import * as claims from './service.ts';

const Text = (description?: string) => Type.String(description === undefined ? {} : { description });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T, description?: string) =>
  Type.Union([t, Type.Null()], description === undefined ? {} : { description });
const Day = (description = 'yyyy-MM-dd') => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description });
const FenIn = (description: string) => Type.Integer({ minimum: 0, maximum: 100_000_000_00, description: `${description} (fen)` });
const Money = (description: string) => Type.Integer({ description: `${description} (fen)` });
const Words = Type.Object({ zh: Text(), en: Text() });
const Explanation = Type.Array(Words, { description: "the engine's calculation in words, step by step" });

const Reason = Type.Enum(CLAIM_REASONS, {
  description:
    'non_networked: an institution without cross-regional settlement · not_filed: not filed at the time · emergency_non_networked: an emergency at such a hospital · chronic_outside_list: an outpatient chronic disease outside the directly settled list · system_failure: the desk could not settle',
});
const DocType = Type.Enum(DOCUMENT_TYPES, {
  description:
    'invoice · fee_list (itemised) · discharge_summary (or medical record; inpatient) · diagnosis_certificate · emergency_certificate · referral_certificate · residence_proof · bank_account · agent_id · other',
});
const Status = Type.Enum(CLAIM_STATUSES, {
  description: 'draft → submitted (→ more_documents_requested → submitted) → approved | partly_approved | rejected; approved and partly_approved → paid',
});
const MedKind = Type.Union([Type.Literal('inpatient'), Type.Literal('outpatient'), Type.Literal('chronic'), Type.Literal('pharmacy')]);
const Level = Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)]);
const Basis = Type.Union([Type.Literal('filing'), Type.Literal('emergency'), Type.Literal('home'), Type.Literal('unfiled')], {
  description: "how direct settlement would have treated the case: a covering filing's kind, an emergency, the insured place itself, or not filed (the reduced unfiled ratio)",
});

const CaseBody = Type.Object(
  {
    psn_no: Type.String({ pattern: '^\\d{20}$', description: 'the insured person' }),
    insutype: Type.Optional(Type.String({ pattern: '^\\d{3}$', description: "the scheme; the person's basic scheme when absent" })),
    reason: Reason,
    med_kind: MedKind,
    disease_code: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'the chronic or special disease (med_kind chronic only)' })),
    mdtrtarea_admvs: Type.String({ pattern: '^\\d{6}$', description: 'the treatment pooling area' }),
    institution_code: Type.Optional(Type.String({ pattern: '^[HP]\\d{11}$', description: 'when the institution is a designated one Yidi knows; its level is then taken from Yidi' })),
    institution_name: Type.String({ minLength: 1, maxLength: 200 }),
    level: Type.Optional(Level),
    begin_date: Day('admission (or the visit day)'),
    end_date: Day('discharge (or the visit day): the submit deadline counts from it'),
    invoice_no: Type.String({ minLength: 1, maxLength: 60, description: 'as printed; spaces and case do not matter' }),
    agent: Type.Optional(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 50 }),
          certno: Type.String({ description: "the agent's ID number (18 characters)" }),
          relation: Type.String({ minLength: 1, maxLength: 50, examples: ['daughter'] }),
          psn_no: Type.Optional(Type.String({ pattern: '^\\d{20}$', description: "the agent's own Yidi account, which may then act on the claim" })),
        },
        { description: "someone filing for the person: the checklist then asks for the agent's ID" },
      ),
    ),
  },
  {
    examples: [
      {
        psn_no: '23010000000000000001',
        reason: 'non_networked',
        med_kind: 'inpatient',
        mdtrtarea_admvs: '440300',
        institution_name: '深圳市某民营医院',
        level: 2,
        begin_date: '2026-10-02',
        end_date: '2026-10-09',
        invoice_no: '44030026100012345',
      },
    ],
  },
);

const ChecklistSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      type: DocType,
      label: Words,
      why: Words,
      provided: Type.Boolean(),
      document_ids: Type.Array(Type.Integer()),
    }),
  ),
  complete: Type.Boolean(),
  missing: Type.Array(DocType),
  submit_deadline: Day('the last day to submit'),
  deadline_passed: Type.Boolean(),
});

const DocumentSchema = Type.Object({
  id: Type.Integer(),
  claim_id: Type.Integer(),
  doc_type: DocType,
  file_name: Text(),
  media_type: Type.Enum(MEDIA_TYPES, { description: 'read from the content' }),
  size_bytes: Type.Integer(),
  sha256: Text('SHA-256 of the content, hex'),
  uploaded_by: Text(),
  uploaded_at: Text(),
});

const Amounts = Type.Object({
  medfee_sumamt: Money('the bill'),
  fulamt_ownpay_amt: Money('fully self-paid'),
  overlmt_selfpay: Money('above price caps'),
  preselfpay_amt: Money('class-B first self-paid share'),
  inscp_scp_amt: Money('in the policy scope'),
  act_pay_dedc: Money('deductible'),
  hifp_pay: Money('pooled fund'),
  pool_prop_selfpay: Money("the person's share of the pooled part"),
  cvlserv_pay: Money('civil servant subsidy'),
  hifes_pay: Money('enterprise supplementary'),
  hifmi_pay: Money('serious illness insurance'),
  hifob_pay: Money('large-amount subsidy'),
  maf_pay: Money('medical assistance'),
  oth_pay: Money('other funds'),
  fund_pay_sumamt: Money('all funds: what the claim reimburses'),
  psn_part_amt: Money("the person's share"),
  acct_pay: Money('personal account (always 0: a claim is paid to the bank account)'),
  psn_cash_pay: Money('what the person bears'),
  hosp_part_amt: Money('borne by the hospital'),
  balc: Money('personal account balance (not used by claims)'),
});
const TopUpYear = Type.Object({ paid_fen: Type.Integer(), base_fen: Type.Integer() });
const YearTotals = Type.Object({
  deductible_paid_fen: Type.Integer(),
  pooled_paid_fen: Type.Integer(),
  topups: Type.Object({ hifob: TopUpYear, hifmi: TopUpYear, cvlserv: TopUpYear, maf: TopUpYear }),
});
const Terms = Type.Object({
  level: Type.Integer(),
  med_kind: Text(),
  filing_no: Nullable(Text()),
  filing_kind: Nullable(Text()),
  emergency: Type.Boolean(),
  reduction_bp: Type.Integer({ description: "the ratio reduction applied: the filing kind's, the emergency's, or the unfiled one (basis points)" }),
  policy_version_id: Type.Integer(),
  year: Type.Integer(),
  cap_group: Text(),
  admission_ordinal: Nullable(Type.Integer()),
});
const SetlDetail = Type.Array(
  Type.Object({
    fund_pay_type: Text(),
    inscp_scp_amt: Money("the amount the fund's ratios applied to"),
    crt_payb_lmt_amt: Money('what the fund could still pay this year'),
    fund_payamt: Money('what the fund pays'),
    fund_pay_type_name: Text(),
    setl_proc_info: Text(),
  }),
);
const Computation = {
  terms: Terms,
  amounts: Amounts,
  setldetail: SetlDetail,
  explanation: Explanation,
  year_totals_before: YearTotals,
  year_totals_after: YearTotals,
};

const Parts = Type.Object({
  fulamt_ownpay_fen: Type.Integer(),
  overlmt_fen: Type.Integer(),
  preselfpay_fen: Type.Integer(),
  inscp_scp_fen: Type.Integer(),
});
const ClassesIn = Type.Object({ classA_fen: FenIn('class A'), classB_fen: FenIn('class B'), classC_fen: FenIn('class C and unlisted items') });
const BillSchema = Type.Object({
  id: Type.Integer(),
  claim_id: Type.Integer(),
  kind: Type.Union([Type.Literal('lines'), Type.Literal('classes')]),
  lines: Type.Array(
    Type.Object({
      hilist_code: Nullable(Text()),
      name: Text(),
      price_fen: Type.Integer(),
      qty_e4: Type.Integer({ description: 'quantity × 10000' }),
      amount_fen: Type.Integer(),
      listed: Type.Boolean({ description: 'false: no catalogue item; fully self-paid until the agency corrects it' }),
      chrgitm_lv: Text('01 class A, 02 class B, 03 class C or unlisted'),
      fulamt_ownpay_fen: Type.Integer(),
      overlmt_fen: Type.Integer(),
      preselfpay_fen: Type.Integer(),
      inscp_scp_fen: Type.Integer(),
    }),
  ),
  classes: Nullable(ClassesIn),
  catalogue_province: Text("the province whose catalogue classified the lines (the treatment place's, or the insured place's where its rules say so)"),
  class_b_share_bp: Nullable(Type.Integer()),
  totals: Parts,
  medfee_sumamt_fen: Type.Integer(),
  entered_by: Text(),
  created_at: Text(),
});
const BillBody = Type.Union(
  [
    Type.Object({
      lines: Type.Array(
        Type.Object({
          hilist_code: Type.Optional(Type.String({ maxLength: 50, description: 'the national catalogue code, when the fee list shows it' })),
          name: Type.String({ minLength: 1, maxLength: 200 }),
          price_fen: FenIn('unit price'),
          qty: Type.Union([Type.Number({ exclusiveMinimum: 0 }), Type.String()], { description: 'quantity, up to 4 decimals' }),
          amount_fen: FenIn('price × quantity, as on the fee list'),
        }),
        { minItems: 1, maxItems: 5000 },
      ),
    }),
    Type.Object({ classes: ClassesIn }, { description: 'the totals by catalogue class, when no itemised list is at hand' }),
  ],
  { description: 'itemised fee lines, or the totals by class' },
);

const ClockSchema = Nullable(
  Type.Object({
    limit_days: Type.Integer({ description: "the insured place's processing limit in working days" }),
    used_days: Type.Integer({ description: 'working days the agency has had the claim (weekends excluded; paused while documents are requested)' }),
    due_date: Nullable(Day()),
    overdue: Type.Boolean(),
    running: Type.Boolean(),
  }),
  'the processing clock; null before the first submission',
);

const ClaimFields = {
  id: Type.Integer(),
  psn_no: Text(),
  psn_name: Text(),
  insutype: Text(),
  insuplc_admdvs: Text('the insured place, whose agency reviews and pays'),
  reason: Reason,
  med_kind: MedKind,
  disease_code: Nullable(Text()),
  mdtrtarea_admvs: Text('the treatment place'),
  institution_code: Nullable(Text()),
  institution_name: Text(),
  level: Type.Integer(),
  begin_date: Day(),
  end_date: Day(),
  invoice_no: Text(),
  basis: Basis,
  filing_kind: Nullable(Text()),
  filing_no: Nullable(Text()),
  agent: Nullable(Type.Object({ name: Text(), certno: Text(), relation: Text(), psn_no: Nullable(Text()) })),
  status: Status,
  submit_deadline: Day('the last day to submit'),
  process_limit_days: Nullable(Type.Integer()),
  clock_used_days: Type.Integer(),
  clock_since: Nullable(Day()),
  due_date: Nullable(Day('while with the agency: the day the processing limit is reached')),
  first_submitted_at: Nullable(Text()),
  created_by: Text(),
  created_at: Text(),
  updated_at: Text(),
  clock: ClockSchema,
};

const DecisionSchema = Nullable(
  Type.Object({
    id: Type.Integer(),
    decision: Type.Union([Type.Literal('approved'), Type.Literal('partly_approved'), Type.Literal('rejected')]),
    bill_id: Nullable(Type.Integer(), 'the bill approved: the claim\'s, or the agency\'s adjusted one'),
    reason: Nullable(Text()),
    amounts: Nullable(Amounts),
    explanation: Nullable(Explanation),
    reimbursement_fen: Nullable(Money('what the approval reimburses, on the year totals of the decision day')),
    decided_by: Text(),
    decided_at: Text(),
  }),
);
const PaymentSchema = Nullable(
  Type.Object({
    decision_id: Type.Integer(),
    reimbursement_fen: Money('what was paid to the person'),
    payment_ref: Text(),
    business_date: Day(),
    paid_by: Text(),
    paid_at: Text(),
    ...Computation,
  }),
);
const EventSchema = Type.Object({
  id: Type.Integer(),
  at: Text(),
  actor: Text(),
  from_status: Nullable(Status),
  to_status: Status,
  message: Nullable(Text(), "the agency's message (a request, a reason) or the person's answer"),
  detail: Nullable(Type.Record(Type.String(), Type.Unknown())),
});

const DetailSchema = Type.Object({
  ...ClaimFields,
  checklist: ChecklistSchema,
  documents: Type.Array(DocumentSchema),
  bill: Nullable(BillSchema),
  decision: DecisionSchema,
  payment: PaymentSchema,
  events: Type.Array(EventSchema, { description: 'the status history, oldest first' }),
  contact: Words,
  document_max_bytes: Type.Integer({ description: 'the largest document this platform accepts (YIDI_DOCUMENT_MAX_BYTES)' }),
});
const SummaryPage = Type.Object({
  items: Type.Array(Type.Object({ ...ClaimFields, medfee_sumamt_fen: Nullable(Money("the person's bill")) })),
  total: Type.Integer(),
  page: Type.Integer(),
  page_size: Type.Integer(),
});
const EstimateSchema = Type.Object({
  ...Computation,
  bill_id: Type.Integer(),
  reimbursement_fen: Money('what the funds would reimburse'),
  assumptions: Type.Array(Words),
});

const Id = Type.Object({ id: Type.Integer({ minimum: 1, description: 'claim id' }) });
const ListQuery = {
  status: Type.Optional(Type.Array(Status, { description: 'one or more statuses' })),
  reason: Type.Optional(Reason),
  submitted_from: Type.Optional(Day('first submitted on or after')),
  submitted_to: Type.Optional(Day('first submitted on or before')),
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
};

const UPLOAD_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'application/octet-stream'];

function toBill(b: Type.Static<typeof BillBody>): BillInput {
  if ('classes' in b) return { classes: { classA_fen: fen(b.classes.classA_fen), classB_fen: fen(b.classes.classB_fen), classC_fen: fen(b.classes.classC_fen) } };
  return {
    lines: b.lines.map((l) => ({ ...(l.hilist_code !== undefined ? { hilist_code: l.hilist_code } : {}), name: l.name, price_fen: fen(l.price_fen), qty: l.qty, amount_fen: fen(l.amount_fen) })),
  };
}

const sizeText = (bytes: number) => (bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`);

export const routes: RouteModule = async (app, { db, clock, config }) => {
  /** A claim as the API answers it: with the platform's document limit, which the portal shows beside the uploads. */
  const answer = async (claim: Promise<ClaimDetail>) => ({ ...(await claim), document_max_bytes: config.documentMaxBytes });
  const tags = ['claims'];
  const asCase = (body: Type.Static<typeof CaseBody>) => body as ClaimInput;

  app.post(
    '/api/claims/preview',
    {
      schema: {
        tags,
        summary: 'What a claim would need, before starting it: the documents, the deadline and the basis',
        description: "The checklist follows the insured place's rules for the reason, the kind of treatment, the person's filing on the day and whether an agent files. Nothing is written.",
        body: CaseBody,
      },
    },
    async (request) => db.tx((tx) => claims.previewClaim(tx, request.principal, asCase(request.body), today(clock))),
  );

  app.post(
    '/api/claims',
    {
      schema: {
        tags,
        summary: 'Start a manual claim (a draft)',
        description:
          'The person (or their insured place at the counter) describes the treatment that was not settled directly. Refused when the invoice is already claimed, or was settled directly. Then upload the documents, enter the bill, see the estimate and submit.',
        body: CaseBody,
        response: { 201: DetailSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await answer(db.tx((tx) => claims.createClaim(tx, request.principal, asCase(request.body), clock.now())))),
  );

  app.put(
    '/api/claims/:id',
    { schema: { tags, summary: "Change a draft's details", params: Id, body: CaseBody, response: { 200: DetailSchema } } },
    async (request) => answer(db.tx((tx) => claims.updateClaim(tx, request.principal, request.params.id, asCase(request.body), clock.now()))),
  );

  app.get(
    '/api/claims',
    {
      schema: {
        tags,
        summary: 'My claims (a person: their own and those they file as an agent), newest first',
        description: 'An insured-place agency gets its review queue here too (see /api/claims/review); the national operator sees all.',
        querystring: Type.Object(ListQuery),
        response: { 200: SummaryPage },
      },
    },
    async (request) => claims.listClaims(db, request.principal, request.query, today(clock)),
  );

  app.get(
    '/api/claims/review',
    {
      schema: {
        tags,
        summary: "The insured place's review queue: its region's claims, the earliest due first",
        description: 'Submitted claims unless `status` says otherwise; `overdue=true` keeps those past their processing limit.',
        querystring: Type.Object({
          ...ListQuery,
          psn_no: Type.Optional(Type.String({ pattern: '^\\d{20}$' })),
          overdue: Type.Optional(Type.Boolean()),
        }),
        response: { 200: SummaryPage },
      },
    },
    async (request) => {
      if (request.principal?.kind === 'person') throw new DomainError('forbidden', 'the review queue is for the insured place: list your own claims at /api/claims');
      return claims.listClaims(db, request.principal, request.query, today(clock));
    },
  );

  app.get(
    '/api/claims/:id',
    {
      schema: {
        tags,
        summary: 'A claim: its checklist, documents, bill, decision, payment, status history with the messages, and processing clock',
        params: Id,
        response: { 200: DetailSchema },
      },
    },
    async (request) => answer(claims.getClaim(db, request.principal, request.params.id, today(clock))),
  );

  app.get(
    '/api/claims/:id/checklist',
    { schema: { tags, summary: 'The documents the claim needs, which are uploaded, and the submit deadline', params: Id, response: { 200: ChecklistSchema } } },
    async (request) => claims.getChecklist(db, request.principal, request.params.id, today(clock)),
  );

  app.get(
    '/api/claims/:id/documents',
    { schema: { tags, summary: "A claim's documents (without their content)", params: Id, response: { 200: Type.Array(DocumentSchema) } } },
    async (request) => claims.listDocuments(db, request.principal, request.params.id),
  );

  app.get(
    '/api/claims/:id/documents/:document_id',
    {
      schema: {
        tags,
        summary: "A document's content (the person, their agent and the reviewing insured place only)",
        description: 'Answered with its detected type (application/pdf, image/jpeg or image/png) and its SHA-256 in `x-content-sha256`.',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }), document_id: Type.Integer({ minimum: 1 }) }),
      },
    },
    async (request, reply) => {
      const { document, content } = await claims.readDocument(db, request.principal, request.params.id, request.params.document_id, documentFiles(config));
      return reply
        .type(document.media_type)
        .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(document.file_name)}`)
        .header('x-content-sha256', document.sha256)
        .header('cache-control', 'private, no-store')
        .send(content);
    },
  );

  // Uploads arrive as the raw file: their own parser, limit and refusal, in a scope of their own.
  await app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    scope.addContentTypeParser(UPLOAD_TYPES, { parseAs: 'buffer', bodyLimit: config.documentMaxBytes }, (_request, body, done) => done(null, body));
    scope.setErrorHandler((err: FastifyError, request, reply) => {
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        const message = `is over the limit of ${sizeText(config.documentMaxBytes)} (${config.documentMaxBytes} bytes) per document`;
        return sendProblem(reply, problem(413, 'too_large', `content: the file ${message}`, [{ path: 'content', message }]));
      }
      return errorHandler(err, request, reply);
    });
    scope.post(
      '/api/claims/:id/documents',
      {
        bodyLimit: config.documentMaxBytes,
        schema: {
          tags,
          summary: 'Upload a document: the raw file as the body',
          description: `Send the file itself as the body with Content-Type application/pdf, image/jpeg, image/png or application/octet-stream; the type is read from the content, not from the name or the header. At most ${sizeText(config.documentMaxBytes)} (YIDI_DOCUMENT_MAX_BYTES). Accepted while the claim is a draft or documents are requested.`,
          params: Id,
          querystring: Type.Object({
            doc_type: DocType,
            file_name: Type.String({ minLength: 1, maxLength: 200, description: 'the name to show and to download it under' }),
          }),
          response: { 201: DocumentSchema },
        },
      },
      async (request, reply) => {
        if (!Buffer.isBuffer(request.body)) throw invalid('content', `send the file itself as the body, with Content-Type ${UPLOAD_TYPES.join(', ')}`);
        const doc = await claims.uploadDocumentIn(db, config, request.principal, request.params.id, { ...request.query, content: request.body }, clock.now());
        return reply.code(201).send(doc);
      },
    );
  });

  app.put(
    '/api/claims/:id/bill',
    {
      schema: {
        tags,
        summary: 'Enter the bill: itemised fee lines, or the totals by class',
        description:
          "Lines are classified by the catalogue the insured place's rules name (the treatment place's by default), as a hospital's upload is. Each entry is kept; the latest is the claim's bill.",
        params: Id,
        body: BillBody,
        response: { 200: BillSchema },
      },
    },
    async (request) => db.tx((tx) => claims.setBill(tx, request.principal, request.params.id, toBill(request.body), clock.now())),
  );

  app.get(
    '/api/claims/:id/estimate',
    {
      schema: {
        tags,
        summary: "What the funds would reimburse for the claim's bill, by the settlement engine",
        description:
          "The same terms direct settlement would have had: the insured place's policy on the discharge day, the filing kind's reduction (or the reduced unfiled ratio), this year's totals. The payment is computed again on the totals of the payment day.",
        params: Id,
        response: { 200: EstimateSchema },
      },
    },
    async (request) => claims.estimateClaim(db, request.principal, request.params.id),
  );

  const MessageBody = Type.Object({ message: Type.Optional(Type.String({ maxLength: 2000 })) });

  app.post(
    '/api/claims/:id/submit',
    {
      schema: {
        tags,
        summary: 'Submit the claim to the insured place',
        description: 'Only with the checklist complete and a bill entered, and before the deadline: after it, the refusal names the date it passed and whom to contact.',
        params: Id,
        body: MessageBody,
        response: { 200: DetailSchema },
      },
    },
    async (request) => answer(db.tx((tx) => claims.submitClaim(tx, request.principal, request.params.id, request.body, clock.now()))),
  );

  app.post(
    '/api/claims/:id/answer',
    {
      schema: {
        tags,
        summary: "Answer the agency's request for more documents (upload them first)",
        params: Id,
        body: MessageBody,
        response: { 200: DetailSchema },
      },
    },
    async (request) => answer(db.tx((tx) => claims.answerRequest(tx, request.principal, request.params.id, request.body, clock.now()))),
  );

  app.post(
    '/api/claims/:id/decision',
    {
      schema: {
        tags,
        summary: "The insured place's decision: approve, partly approve with adjusted lines, reject, or ask for documents",
        description:
          'approve: pays the claim\'s bill · partly_approve: `reason` and the adjusted `bill` · reject: `reason` · request_documents: `message` and optionally the `documents` types wanted. Each decision is a new record; money moves only with the payment.',
        params: Id,
        body: Type.Object({
          decision: Type.Union([Type.Literal('approve'), Type.Literal('partly_approve'), Type.Literal('reject'), Type.Literal('request_documents')]),
          reason: Type.Optional(Type.String({ maxLength: 2000, description: 'why (partly_approve, reject)' })),
          message: Type.Optional(Type.String({ maxLength: 2000, description: 'to the person (approve, request_documents)' })),
          bill: Type.Optional(BillBody),
          documents: Type.Optional(Type.Array(DocType, { description: 'the types wanted (request_documents)' })),
        }),
        response: { 200: DetailSchema },
      },
    },
    async (request) => {
      const b = request.body;
      const { principal } = request;
      const id = request.params.id;
      return answer(db.tx((tx) => {
        switch (b.decision) {
          case 'request_documents':
            return claims.requestDocuments(tx, principal, id, { message: b.message ?? '', ...(b.documents ? { documents: b.documents } : {}) }, clock.now());
          case 'approve':
            return claims.decideClaim(tx, principal, id, { decision: 'approve', ...(b.message !== undefined ? { message: b.message } : {}) }, clock.now());
          case 'partly_approve':
            if (!b.bill) throw invalid('bill', 'is required: the adjusted fee lines (or totals by class) the approval pays');
            return claims.decideClaim(tx, principal, id, { decision: 'partly_approve', reason: b.reason ?? '', bill: toBill(b.bill) }, clock.now());
          case 'reject':
            return claims.decideClaim(tx, principal, id, { decision: 'reject', reason: b.reason ?? '' }, clock.now());
        }
      }));
    },
  );

  app.post(
    '/api/claims/:id/payment',
    {
      schema: {
        tags,
        summary: 'Record the payment of an approved claim',
        description:
          "Computed again on the person's year totals (locked, as a settlement does), which it then updates; posts the ledger transfer `claim:<id>:fund` from the insured place's fund to the person; all in one transaction.",
        params: Id,
        body: Type.Object({ payment_ref: Type.String({ minLength: 1, maxLength: 100, description: "the bank transfer's reference" }) }),
        response: { 200: DetailSchema },
      },
    },
    async (request) => answer(db.tx((tx) => claims.payClaim(tx, request.principal, request.params.id, request.body, clock.now()))),
  );
};
