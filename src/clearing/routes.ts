import { Readable } from 'node:stream';
import Type from 'typebox';
import { businessDate } from '../core/clock.ts';
import type { RouteModule } from '../http/types.ts';
import * as clearing from './service.ts';

const tags = ['clearing'];
const Money = (description: string) => Type.Integer({ description: `${description} (fen)` });
const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'a month yyyy-MM (settlement dates in Asia/Shanghai)', examples: ['2026-10'] });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'yyyy-MM-dd' });
const Province = Type.String({ pattern: '^\\d{2}0000$', description: 'a province code PP0000', examples: ['440000'] });
const StatementId = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}0000-\\d{2}0000$',
  description: '<month>-<insured province>-<treatment province>',
  examples: ['2026-10-230000-440000'],
});
const Side = Type.Union([Type.Literal('insured'), Type.Literal('treatment')], { description: 'which side of the statement: the insured province (pays) or the treatment province (receives)' });
const MonthStatus = Type.Union([Type.Literal('closed'), Type.Literal('issued'), Type.Literal('cleared')], {
  description: 'closed: nothing may post into it · issued: statements out for confirmation · cleared: the money moved',
});
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Key = Type.String({ pattern: '^[A-Za-z0-9_.-]{1,60}$', description: 'an idempotency key: sending the same key again answers the stored record and moves nothing' });

const MonthSchema = Type.Object({
  month: Month,
  since_month: Nullable(Type.String({ description: 'the month cleared before; null for the first clearing, which also took every earlier month' })),
  status: MonthStatus,
  closed_at: Type.String({ format: 'date-time' }),
  closed_by: Type.String(),
  issued_at: Nullable(Type.String({ format: 'date-time' })),
  confirm_by: Nullable(Type.String({ description: 'the last day (yyyy-MM-dd) to confirm; afterwards the operator’s run deems the missing confirmations given' })),
  cleared_at: Nullable(Type.String({ format: 'date-time' })),
});

const PositionSchema = Type.Object({
  province: Province,
  receivable_fen: Money('what it receives as the treatment side'),
  payable_fen: Money('what it pays as the insured side'),
  net_fen: Money('receivable − payable; the nets of all provinces sum to 0'),
});

const Sums = (what: string) =>
  Type.Object(
    {
      rows: Type.Integer({ description: 'settlement rows' }),
      medfee_fen: Money('medfee_sumamt'),
      fund_fen: Money('fund_pay_sumamt'),
      acct_fen: Money('acct_pay'),
    },
    { description: what },
  );

const Confirmation = Nullable(
  Type.Object({ at: Type.String({ format: 'date-time' }), by: Type.String(), deemed: Type.Boolean({ description: 'recorded by the operator’s run after the deadline' }) }),
);

const StatementSchema = Type.Object({
  id: StatementId,
  month: Month,
  insured_province: Province,
  treatment_province: Province,
  own: Type.Object(
    {
      settlements: Type.Integer({ description: 'rows of kind settle or reinstate' }),
      reversals: Type.Integer({ description: 'rows of kind cancel (negative amounts)' }),
      medfee_fen: Money('medfee_sumamt, signed'),
      fund_fen: Money('fund_pay_sumamt, signed'),
      acct_fen: Money('acct_pay, signed'),
    },
    { description: 'the month’s own settlement rows between the two provinces' },
  ),
  carried: Sums('rows excluded from an earlier month and carried into this one'),
  excluded: Sums('rows excluded from this month (carried into the next)'),
  net_fen: Money('what the insured province pays the treatment province: fund + account, own + carried − excluded; negative when it is paid back'),
  insured_confirmation: Confirmation,
  treatment_confirmation: Confirmation,
  posted_at: Nullable(Type.String({ format: 'date-time', description: 'when the fund movements were posted in the ledger' })),
});

const ExclusionSchema = Type.Object({
  setl_id: Type.String(),
  month: Month,
  statement_id: StatementId,
  side: Side,
  reason: Type.String(),
  medfee_fen: Money('medfee_sumamt'),
  fund_fen: Money('fund_pay_sumamt'),
  acct_fen: Money('acct_pay'),
  excluded_by: Type.String(),
  excluded_at: Type.String({ format: 'date-time' }),
  carried_to: Nullable(Type.String({ description: 'the later month whose statement took it in again' })),
});

const LineSchema = Type.Object({
  setl_id: Type.String(),
  kind: Type.Union([Type.Literal('settle'), Type.Literal('cancel'), Type.Literal('reinstate')]),
  reverses: Nullable(Type.String()),
  setl_month: Month,
  setl_time: Type.String({ description: 'yyyy-MM-dd HH:mm:ss in Asia/Shanghai' }),
  psn_no: Type.String(),
  fixmedins_code: Type.String(),
  insuplc_admdvs: Type.String(),
  mdtrtarea_admvs: Type.String(),
  medfee_fen: Money('medfee_sumamt'),
  fund_fen: Money('fund_pay_sumamt'),
  acct_fen: Money('acct_pay'),
  part: Type.Union([Type.Literal('own'), Type.Literal('carried'), Type.Literal('excluded')]),
  excluded: Nullable(Type.Object({ side: Side, reason: Type.String() }, { description: 'excluded from this month’s statement' })),
  carried_from: Nullable(Type.Object({ month: Month, reason: Type.String() }, { description: 'excluded from this earlier month and carried in' })),
});

const MovementSchema = Type.Object({
  transfer_id: Type.String({ description: 'the ledger transfer that moved the money' }),
  province: Province,
  kind: Type.Union([Type.Literal('size'), Type.Literal('topup'), Type.Literal('adjust')]),
  amount_fen: Money('+ into the prepaid funds, − back to the province’s fund'),
  reason: Type.String(),
  business_date: Day,
  actor: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
});

const TargetSchema = Type.Object({
  province: Province,
  year: Type.Integer(),
  months: Type.Integer({ description: 'months of the previous year’s payments held' }),
  base_fen: Money('the previous year’s cross-provincial fund + account payments'),
  target_fen: Money('base × months / 12, half-up'),
  sized_by: Type.String(),
  sized_at: Type.String({ format: 'date-time' }),
});

const LevelSchema = Type.Object({
  province: Province,
  name_zh: Type.String(),
  name_en: Type.String(),
  prepaid_fen: Money('the balance of prepaid:<province>'),
  uncleared_fen: Money('owed to treatment provinces and not cleared yet'),
  available_fen: Money('prepaid − uncleared: falls as settlements accrue'),
  target_fen: Nullable(Money('this year’s target')),
  threshold_fen: Nullable(Money('the warning line: target × the warning share')),
  warning: Type.Boolean({ description: 'available below the threshold (or below 0 when the year is not sized)' }),
  suggested_topup_fen: Money('what brings the available funds back to the target'),
});

const PaymentSchema = Type.Object({
  transfer_id: Type.String(),
  admdvs: Type.String(),
  institution: Type.String(),
  month: Month,
  amount_fen: Money('paid'),
  business_date: Day,
  note: Nullable(Type.String()),
  paid_by: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
});

const ReportSchema = Type.Object({
  month: Month,
  status: MonthStatus,
  since_month: Nullable(Type.String()),
  settlements: Type.Integer({ description: 'settlement rows reconciled into the statements (own + carried)' }),
  statements: Type.Integer(),
  awaiting: Type.Integer({ description: 'statements still waiting for a side’s confirmation' }),
  deemed: Type.Integer({ description: 'confirmations this run recorded as deemed (deadline passed)' }),
  confirm_by: Nullable(Type.String()),
  net_total_fen: Money('the sum of the statements’ nets'),
});

const Paged = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ items: Type.Array(item), total: Type.Integer(), page: Type.Integer(), page_size: Type.Integer() });

/** Months, statements, prepaid funds, payables and the dashboard figures. The services decide who may do what. */
export const routes: RouteModule = async (app, { db, clock, config }) => {
  const today = () => businessDate(clock.now());
  const settings = config.clearing;

  // ---------------------------------------------------------------- months

  app.get(
    '/api/clearing/months',
    { schema: { tags, summary: 'The months closed for clearing, newest first', response: { 200: Type.Object({ items: Type.Array(MonthSchema) }) } } },
    async (request) => ({ items: await clearing.listMonths(db, request.principal) }),
  );

  app.get(
    '/api/clearing/months/:month',
    {
      schema: {
        tags,
        summary: 'A month: its state, totals and each province’s net position',
        description: 'National staff see every province’s position; a province agency its own.',
        params: Type.Object({ month: Type.String({ description: 'yyyy-MM' }) }),
        response: {
          200: Type.Object({
            ...MonthSchema.properties,
            statements: Type.Integer(),
            confirmed: Type.Integer({ description: 'statements both sides confirmed' }),
            totals: Type.Object({ rows: Type.Integer(), net_fen: Money('sum of the nets') }),
            positions: Type.Array(PositionSchema),
          }),
        },
      },
    },
    async (request) => clearing.getMonth(db, request.principal, request.params.month),
  );

  app.post(
    '/api/clearing/months/:month/clear',
    {
      schema: {
        tags,
        summary: 'Close and clear a month as far as it can go today (national)',
        description:
          'Closes the month (after it has ended in Asia/Shanghai; months in order), reconciles its statements and sends them for confirmation; once every statement is confirmed — or the confirmation deadline has passed — posts the fund movements. Idempotent and resumable: call it again at any time.',
        params: Type.Object({ month: Type.String({ description: 'yyyy-MM' }) }),
        response: { 200: ReportSchema },
      },
    },
    async (request) => clearing.clearMonth(db, request.principal, request.params.month, { today: today(), now: clock.now(), settings }),
  );

  app.get(
    '/api/clearing/months/:month/flows',
    {
      schema: {
        tags,
        summary: 'A month’s money between provinces, for a Sankey diagram (national)',
        description:
          'Nodes are provinces as the insured side (id I:<province>) and as the treatment side (T:<province>), so links never form a cycle; a link is what the insured province pays the treatment province (net > 0 only). From the statements once the month is reconciled, from the settlements before.',
        params: Type.Object({ month: Type.String({ description: 'yyyy-MM' }) }),
        response: {
          200: Type.Object({
            month: Month,
            source: Type.Union([Type.Literal('statements'), Type.Literal('settlements')]),
            nodes: Type.Array(Type.Object({ id: Type.String(), province: Province, side: Side, name_zh: Type.String(), name_en: Type.String() })),
            links: Type.Array(
              Type.Object({
                source: Type.String({ description: 'I:<insured province>' }),
                target: Type.String({ description: 'T:<treatment province>' }),
                amount_fen: Money('net paid'),
                settlements: Type.Integer({ description: 'rows behind it' }),
              }),
            ),
          }),
        },
      },
    },
    async (request) => clearing.monthFlows(db, request.principal, request.params.month),
  );

  // ---------------------------------------------------------------- statements

  app.get(
    '/api/clearing/statements',
    {
      schema: {
        tags,
        summary: 'Clearing statements',
        description:
          'National staff list any province’s; a province agency its own (the province defaults to the agency’s). `side` narrows to the statements where the province is the insured or the treatment side; `unconfirmed=true` to those still waiting for its confirmation on that side.',
        querystring: Type.Object({
          month: Type.Optional(Type.String({ description: 'yyyy-MM' })),
          province: Type.Optional(Type.String({ description: 'PP0000' })),
          side: Type.Optional(Type.String({ description: 'insured | treatment' })),
          unconfirmed: Type.Optional(Type.Boolean()),
        }),
        response: { 200: Type.Object({ items: Type.Array(StatementSchema) }) },
      },
    },
    async (request) => ({ items: await clearing.listStatements(db, request.principal, request.query) }),
  );

  app.get(
    '/api/clearing/statements/:id',
    {
      schema: {
        tags,
        summary: 'One statement with its exclusions',
        params: Type.Object({ id: Type.String({ description: '<month>-<insured province>-<treatment province>' }) }),
        response: { 200: Type.Object({ ...StatementSchema.properties, exclusions: Type.Array(ExclusionSchema) }) },
      },
    },
    async (request) => clearing.getStatement(db, request.principal, request.params.id),
  );

  app.get(
    '/api/clearing/statements/:id/settlements',
    {
      schema: {
        tags,
        summary: 'The settlement rows behind a statement figure, paged',
        description: '`part=own` the month’s own rows (the `own` figures), `carried` the rows carried in, `excluded` those excluded from this month; in setl_id order.',
        params: Type.Object({ id: Type.String() }),
        querystring: Type.Object({
          part: Type.Optional(Type.String({ description: 'own (default) | carried | excluded' })),
          page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
          page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
        }),
        response: { 200: Paged(LineSchema) },
      },
    },
    async (request) => clearing.statementLines(db, request.principal, request.params.id, request.query),
  );

  app.get(
    '/api/clearing/statements/:id/export.csv',
    {
      schema: {
        tags,
        summary: 'A statement’s rows as CSV',
        description: `text/csv, a header row then the own rows and the carried rows; money in yuan with two decimals. Columns: ${clearing.CSV_HEADER.join(', ')}.`,
        params: Type.Object({ id: Type.String() }),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const lines = clearing.statementCsv(db, request.principal, request.params.id);
      // The first chunk (the header) comes after the checks, so a refusal is still a problem+json answer.
      const first = await lines.next();
      const body = Readable.from(
        (async function* () {
          if (!first.done) yield first.value;
          yield* lines;
        })(),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${clearing.csvFileName(request.params.id)}"`)
        .send(body);
    },
  );

  app.post(
    '/api/clearing/statements/:id/confirm',
    {
      schema: {
        tags,
        summary: 'Confirm your province’s side of a statement',
        description: 'Only the agency of that side’s province. Confirming again changes nothing. The confirmation that completes the month posts its fund movements.',
        params: Type.Object({ id: Type.String() }),
        body: Type.Object({ side: Side }),
        response: { 200: StatementSchema },
      },
    },
    async (request) => db.tx((tx) => clearing.confirmStatement(tx, request.principal, request.params.id, request.body.side, { today: today(), now: clock.now() })),
  );

  app.post(
    '/api/clearing/statements/:id/exclusions',
    {
      schema: {
        tags,
        summary: 'Exclude a disputed settlement row from a statement',
        description: 'By the side’s province agency, before it confirms. The row is carried into the next month reconciled; the other side’s confirmation, if given, is withdrawn.',
        params: Type.Object({ id: Type.String() }),
        body: Type.Object({
          setl_id: Type.String({ description: 'a row of the statement (own or carried)' }),
          side: Side,
          reason: Type.String({ minLength: 1, maxLength: 500, description: 'why it is disputed' }),
        }),
        response: { 201: ExclusionSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await db.tx((tx) => clearing.excludeSettlement(tx, request.principal, request.params.id, request.body, { now: clock.now() }))),
  );

  // ---------------------------------------------------------------- prepaid funds

  app.get(
    '/api/clearing/prepaid',
    {
      schema: {
        tags,
        summary: 'Prepaid fund levels with warnings',
        description: 'Every insured province for national staff, its own for a province agency. available = prepaid − uncleared; warning when available < target × the warning share.',
        querystring: Type.Object({ year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100, description: 'the target’s year; this year by default' })) }),
        response: { 200: Type.Object({ items: Type.Array(LevelSchema) }) },
      },
    },
    async (request) => ({ items: await clearing.prepaidLevels(db, request.principal, { today: today(), settings, ...(request.query.year ? { year: request.query.year } : {}) }) }),
  );

  app.get(
    '/api/clearing/prepaid/movements',
    {
      schema: {
        tags,
        summary: 'Sizings, top-ups and adjustments of prepaid funds',
        querystring: Type.Object({ province: Type.Optional(Type.String({ description: 'PP0000' })) }),
        response: { 200: Type.Object({ items: Type.Array(MovementSchema) }) },
      },
    },
    async (request) => ({ items: await clearing.prepaidMovements(db, request.principal, request.query.province) }),
  );

  app.get(
    '/api/clearing/prepaid/targets',
    {
      schema: {
        tags,
        summary: 'A year’s prepaid targets (national)',
        querystring: Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) }),
        response: { 200: Type.Object({ items: Type.Array(TargetSchema) }) },
      },
    },
    async (request) => ({ items: await clearing.prepaidTargets(db, request.principal, request.query.year) }),
  );

  app.post(
    '/api/clearing/prepaid/sizing',
    {
      schema: {
        tags,
        summary: 'Size every province’s prepaid funds for a year (national)',
        description: `The previous year's cross-provincial payments × ${settings.prepaidMonths} months / 12 (YIDI_CLEARING_PREPAID_MONTHS); the difference to the balance moves between the province's fund and its prepaid funds. Once per province and year.`,
        body: Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) }),
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ province: Province, target: TargetSchema, before_fen: Money('the balance before'), moved_fen: Money('moved by this sizing; 0 when sized already') })),
          }),
        },
      },
    },
    async (request) => ({ items: await db.tx((tx) => clearing.sizePrepaid(tx, request.principal, request.body.year, { today: today(), now: clock.now(), settings })) }),
  );

  const prepaidBody = (amount: string) =>
    Type.Object({
      province: Type.String({ description: 'PP0000' }),
      amount_fen: Type.Integer({ description: amount }),
      reason: Type.Optional(Type.String({ maxLength: 500 })),
      key: Type.Optional(Key),
    });

  app.post(
    '/api/clearing/prepaid/top-ups',
    {
      schema: {
        tags,
        summary: 'Record a top-up of a province’s prepaid funds from its fund (national)',
        body: prepaidBody('> 0, in fen'),
        response: { 201: MovementSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await db.tx((tx) => clearing.topUpPrepaid(tx, request.principal, request.body, { today: today(), now: clock.now() }))),
  );

  app.post(
    '/api/clearing/prepaid/adjustments',
    {
      schema: {
        tags,
        summary: 'Adjust a province’s prepaid funds, either way, with a reason (national)',
        body: prepaidBody('+ into the prepaid funds, − back to the fund, in fen'),
        response: { 201: MovementSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await db.tx((tx) => clearing.adjustPrepaid(tx, request.principal, request.body, { today: today(), now: clock.now() }))),
  );

  // ---------------------------------------------------------------- payables

  app.get(
    '/api/clearing/payables',
    {
      schema: {
        tags,
        summary: 'What a treatment-place agency owes each institution for a month',
        description: 'From the ledger’s payable accounts: the balance at the month’s end, the payments since, what is still due, and the balance now.',
        querystring: Type.Object({ area: Type.String({ description: 'the agency’s area (6 digits)' }), month: Type.String({ description: 'yyyy-MM' }) }),
        response: {
          200: Type.Object({
            area: Type.String(),
            month: Month,
            items: Type.Array(
              Type.Object({
                institution: Type.String(),
                name: Type.String(),
                admdvs: Type.String(),
                owed_at_month_end_fen: Money('payable balance at the end of the month'),
                paid_since_fen: Money('paid since the month ended'),
                due_fen: Money('still due for the month and before'),
                balance_fen: Money('payable balance now'),
              }),
            ),
            totals: Type.Object({ owed_at_month_end_fen: Money('sum'), paid_since_fen: Money('sum'), due_fen: Money('sum'), balance_fen: Money('sum') }),
          }),
        },
      },
    },
    async (request) => clearing.payables(db, request.principal, request.query),
  );

  app.get(
    '/api/clearing/payments',
    {
      schema: {
        tags,
        summary: 'Payments recorded to institutions',
        querystring: Type.Object({
          area: Type.String({ description: 'the agency’s area' }),
          month: Type.Optional(Type.String({ description: 'yyyy-MM: the month paid for' })),
          institution: Type.Optional(Type.String()),
        }),
        response: { 200: Type.Object({ items: Type.Array(PaymentSchema) }) },
      },
    },
    async (request) => ({ items: await clearing.listPayments(db, request.principal, request.query) }),
  );

  app.post(
    '/api/clearing/payments',
    {
      schema: {
        tags,
        summary: 'Record a payment of the treatment-place agency to an institution',
        description: 'One ledger transfer from the institution’s payable to its cash; never more than is owed now.',
        body: Type.Object({
          institution: Type.String({ description: "'H' or 'P' + 11 digits" }),
          month: Type.String({ description: 'yyyy-MM: the month of payables paid' }),
          amount_fen: Type.Integer({ description: '> 0, in fen' }),
          note: Type.Optional(Type.String({ maxLength: 500 })),
          key: Type.Optional(Key),
        }),
        response: { 201: PaymentSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await db.tx((tx) => clearing.payInstitution(tx, request.principal, request.body, { today: today(), now: clock.now() }))),
  );

  // ---------------------------------------------------------------- dashboard

  app.get(
    '/api/clearing/dashboard/daily',
    {
      schema: {
        tags,
        summary: 'Settlements and fund amounts per day and per province',
        description:
          'Over at most 366 days. `side` groups by the insured or the treatment province (default treatment); `scope=all` counts every direct settlement, `cross_province` (default) those the clearing is made of. A province agency sees its own province.',
        querystring: Type.Object({
          from: Type.String({ description: 'yyyy-MM-dd' }),
          to: Type.String({ description: 'yyyy-MM-dd' }),
          side: Type.Optional(Type.String({ description: 'insured | treatment' })),
          province: Type.Optional(Type.String({ description: 'PP0000' })),
          scope: Type.Optional(Type.String({ description: 'cross_province | all' })),
        }),
        response: {
          200: Type.Object({
            from: Day,
            to: Day,
            side: Side,
            items: Type.Array(
              Type.Object({
                date: Day,
                province: Province,
                settlements: Type.Integer({ description: 'rows of kind settle or reinstate' }),
                reversals: Type.Integer({ description: 'rows of kind cancel' }),
                medfee_fen: Money('medfee_sumamt, signed'),
                fund_fen: Money('fund_pay_sumamt, signed'),
                acct_fen: Money('acct_pay, signed'),
              }),
            ),
          }),
        },
      },
    },
    async (request) => clearing.dailyFigures(db, request.principal, request.query),
  );
};
