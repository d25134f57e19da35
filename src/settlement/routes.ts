import Type from 'typebox';
import { today } from '../core/clock.ts';
import { fen } from '../core/money.ts';
import type { RouteModule } from '../http/types.ts';
import { estimate, getSettlement, listSettlements, settlementsOfPerson } from './service.ts';

const Fen = (description: string) => Type.Integer({ minimum: 0, maximum: 100_000_000_00, description: `${description} (fen)` });

const Text = (description?: string) => Type.String(description === undefined ? {} : { description });
const NullableText = (description?: string) => Type.Union([Type.String(), Type.Null()], description === undefined ? {} : { description });
const Money = (description: string) => Type.Integer({ description: `${description} (fen; negative on a cancellation)` });
const Explanation = Type.Array(Type.Object({ zh: Text(), en: Text() }), { description: "the engine's calculation in words, step by step" });
const TopUpYear = Type.Object({ paid_fen: Type.Integer(), base_fen: Type.Integer() });
const YearTotals = Type.Object(
  {
    deductible_paid_fen: Type.Integer(),
    pooled_paid_fen: Type.Integer(),
    topups: Type.Object({ hifob: TopUpYear, hifmi: TopUpYear, cvlserv: TopUpYear, maf: TopUpYear }),
  },
  { description: "the person's totals for the year (deductible paid, pooled fund paid in the cap group, each top-up fund)" },
);

const SettlementSchema = Type.Object({
  setl_id: Text('settlement id'),
  kind: Type.Union([Type.Literal('settle'), Type.Literal('cancel'), Type.Literal('reinstate')], {
    description: 'settle; cancel (negative amounts, reverses the settlement); reinstate (a cancellation undone by HIS 2601)',
  }),
  reverses: NullableText('the settlement a cancellation cancels, or the cancellation a reinstatement undoes'),
  origin_setl_id: Text('the first settlement of this chain'),
  live: Type.Boolean({ description: 'in force: not cancelled, and not a cancellation' }),
  mdtrt_id: Text(),
  psn_no: Text(),
  psn_name: Text(),
  psn_cert_type: Text(),
  certno: Text('ID number; masked unless you are the person or an agency of their insured place'),
  gend: Text(),
  naty: Text(),
  brdy: Text('yyyy-MM-dd'),
  age: Type.Integer(),
  cvlserv_flag: Text(),
  mdtrt_cert_type: NullableText(),
  fixmedins_code: Text('the institution'),
  insuplc_admdvs: Text('insured place'),
  mdtrtarea_admvs: Text('treatment place'),
  insutype: Text(),
  psn_type: Text(),
  med_type: Text(),
  clr_type: Text('11 outpatient, 21 inpatient, 41 pharmacy'),
  setl_time: Text('yyyy-MM-dd HH:mm:ss, Beijing time'),
  setl_date: Text('business date'),
  setl_month: Text('clearing month yyyy-MM'),
  msgid: NullableText('the HIS message (medins_setl_id)'),
  invono: NullableText(),
  acct_used_flag: Text(),
  mid_setl_flag: Text(),
  terms: Type.Object({
    level: Type.Integer({ description: 'institution level' }),
    med_kind: Text(),
    filing_no: NullableText(),
    filing_kind: NullableText(),
    emergency: Type.Boolean(),
    reduction_bp: Type.Integer({ description: 'ratio reduction of the filing kind (basis points)' }),
    policy_version_id: Type.Integer(),
    year: Type.Integer(),
    cap_group: Text(),
    admission_ordinal: Type.Union([Type.Integer(), Type.Null()]),
  }),
  amounts: Type.Object({
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
    fund_pay_sumamt: Money('all funds'),
    psn_part_amt: Money("the person's share"),
    acct_pay: Money('paid from the personal account'),
    psn_cash_pay: Money('paid in cash'),
    hosp_part_amt: Money('borne by the hospital'),
    balc: Money('personal account balance after'),
  }),
  setldetail: Type.Array(
    Type.Object({
      fund_pay_type: Text(),
      inscp_scp_amt: Money("the amount the fund's ratios applied to"),
      crt_payb_lmt_amt: Money('what the fund could still pay this year'),
      fund_payamt: Money('what the fund paid'),
      fund_pay_type_name: Text(),
      setl_proc_info: Text(),
    }),
  ),
  explanation: Explanation,
  year_totals_before: YearTotals,
  year_totals_after: YearTotals,
  line_ids: Type.Array(Type.Integer(), { description: 'the fee lines settled' }),
  created_at: Text(),
});

const SettlementPage = Type.Object({ items: Type.Array(SettlementSchema), total: Type.Integer(), page: Type.Integer(), page_size: Type.Integer() });
const Page = {
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
};
const Month = Type.String({ pattern: '^\\d{4}-\\d{2}$', description: 'yyyy-MM' });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'yyyy-MM-dd' });
const Division = (description: string) => Type.String({ pattern: '^\\d{6}$', description });

export const routes: RouteModule = async (app, { db, clock }) => {
  app.post(
    '/api/estimates',
    {
      schema: {
        tags: ['settlement'],
        summary: 'Estimate what the funds and the person would pay for an expected bill',
        description:
          "Uses the person's insured-place policy, their filing for the area (or the unfiled manual-claim ratio), this year's totals, and the same engine that settles bills at the desk. Without a class split the whole bill is taken as class A.",
        body: Type.Object(
          {
            psn_no: Type.String({ minLength: 1 }),
            insutype: Type.Optional(Type.String({ pattern: '^\\d{3}$' })),
            area: Type.String({ pattern: '^\\d{6}$', description: 'treatment pooling area' }),
            level: Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)]),
            med_kind: Type.Union([Type.Literal('inpatient'), Type.Literal('outpatient'), Type.Literal('chronic'), Type.Literal('pharmacy')]),
            disease_code: Type.Optional(Type.String()),
            total_fen: Fen('expected bill'),
            split: Type.Optional(Type.Object({ classA_fen: Fen('class A'), classB_fen: Fen('class B'), classC_fen: Fen('class C and unlisted') })),
            use_account: Type.Optional(Type.Boolean()),
          },
          { examples: [{ psn_no: '23010000000000000001', area: '440300', level: 3, med_kind: 'inpatient', total_fen: 3000000, split: { classA_fen: 2000000, classB_fen: 800000, classC_fen: 200000 } }] },
        ),
      },
    },
    async (request) => {
      const { split, total_fen, ...rest } = request.body;
      return estimate(
        db,
        request.principal,
        {
          ...rest,
          total_fen: fen(total_fen),
          ...(split ? { split: { classA_fen: fen(split.classA_fen), classB_fen: fen(split.classB_fen), classC_fen: fen(split.classC_fen) } } : {}),
        },
        today(clock),
      );
    },
  );

  app.get(
    '/api/persons/:psn_no/settlements',
    {
      schema: {
        tags: ['settlement'],
        summary: "A person's settlement slips, newest first",
        description:
          'Each slip has the full breakdown (what each fund paid, the deductible, what the person paid from the account and in cash), the terms it was computed under and the calculation in words (zh and en). Cancellations are slips of their own with negative amounts.',
        params: Type.Object({ psn_no: Type.String({ pattern: '^\\d{20}$' }) }),
        querystring: Type.Object({ month: Type.Optional(Month), ...Page }),
        response: { 200: SettlementPage },
      },
    },
    async (request) => settlementsOfPerson(db, request.principal, request.params.psn_no, request.query),
  );

  app.get(
    '/api/settlements/:setl_id',
    {
      schema: {
        tags: ['settlement'],
        summary: 'One settlement (or cancellation) with its breakdown',
        params: Type.Object({ setl_id: Type.String({ pattern: '^A\\d{22}$' }) }),
        response: { 200: SettlementSchema },
      },
    },
    async (request) => getSettlement(db, request.principal, request.params.setl_id),
  );

  app.get(
    '/api/settlements',
    {
      schema: {
        tags: ['settlement'],
        summary: 'Settlements you may see, newest first',
        description:
          "An insured-place agency sees its insured persons' settlements, a treatment-place agency those in its area, an institution its own, the national operator all; the filters narrow that. Areas may be a pooling area, a city or a province.",
        querystring: Type.Object({
          psn_no: Type.Optional(Type.String({ pattern: '^\\d{20}$' })),
          fixmedins_code: Type.Optional(Type.String({ pattern: '^[HP]\\d{11}$' })),
          mdtrt_id: Type.Optional(Type.String()),
          insuplc_admdvs: Type.Optional(Division('insured place')),
          mdtrtarea_admvs: Type.Optional(Division('treatment place')),
          month: Type.Optional(Month),
          from: Type.Optional(Day),
          to: Type.Optional(Day),
          ...Page,
        }),
        response: { 200: SettlementPage },
      },
    },
    async (request) => listSettlements(db, request.principal, request.query),
  );
};
