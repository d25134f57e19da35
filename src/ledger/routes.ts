import Type from 'typebox';
import type { RouteModule } from '../http/types.ts';
import { ACCOUNT_KINDS } from './model.ts';
import * as ledger from './service.ts';

const Kind = Type.Enum(ACCOUNT_KINDS);
const Money = (description: string) => Type.Integer({ description: `${description} (fen)` });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'yyyy-MM-dd, a business date in Asia/Shanghai' });
const Code = Type.String({
  minLength: 3,
  maxLength: 60,
  description:
    'fund:<area> · prepaid:<PP0000> · claim:<treatment>:<insured> · agency:<area> · payable:<area>:<institution> · cash:<area>:<institution> · personal:<psn_no> · pocket:<psn_no>',
  examples: ['claim:440000:230000'],
});

const BalanceSchema = Type.Object({
  account: Type.String(),
  kind: Kind,
  region: Type.String(),
  credits_fen: Money('credited to the account'),
  debits_fen: Money('debited from the account'),
  balance_fen: Money('credits − debits: what the holder has or is owed; negative, what it paid out or owes'),
  as_of: Type.Union([Day, Type.Null()]),
});

const EntrySchema = Type.Object({
  id: Type.String(),
  business_date: Day,
  counter_account: Type.String(),
  amount_fen: Money('+ credited, − debited'),
  balance_fen: Money('the balance after this entry'),
  ref_kind: Type.String(),
  ref_id: Type.String(),
  reverses: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
});

const Paging = {
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
};

/** Read-only: transfers are posted by the services whose business moves the money (settlement, clearing, claims). */
export const routes: RouteModule = async (app, { db }) => {
  app.get(
    '/api/ledger/trial-balance',
    {
      schema: {
        tags: ['ledger'],
        summary: 'The sum over all ledger accounts (always 0) and the totals per account kind (national)',
        response: {
          200: Type.Object({
            currency: Type.Literal('CNY'),
            total_fen: Money('sum of every balance; anything but 0 is a broken ledger'),
            transfers: Type.Integer(),
            by_kind: Type.Array(
              Type.Object({ kind: Kind, accounts: Type.Integer(), credits_fen: Money('credits'), debits_fen: Money('debits'), balance_fen: Money('credits − debits') }),
            ),
          }),
        },
      },
    },
    async (request) => ledger.trialBalance(db, request.principal),
  );

  app.get(
    '/api/ledger/accounts',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Balances of the ledger accounts you may read',
        description:
          'National staff read every account; an agency those held in its region and the claims against it; an institution and a person their own. `prefix` narrows by code (`claim:440000:` is what others owe Guangdong), `region` by place.',
        querystring: Type.Object({
          prefix: Type.Optional(Type.String({ maxLength: 60, examples: ['claim:440000:'] })),
          region: Type.Optional(Type.String({ pattern: '^\\d{6}$' })),
          as_of: Type.Optional(Day),
          ...Paging,
        }),
        response: { 200: Type.Object({ items: Type.Array(BalanceSchema), total: Type.Integer(), page: Type.Integer(), page_size: Type.Integer() }) },
      },
    },
    async (request) => {
      const { as_of, ...rest } = request.query;
      return ledger.balances(db, request.principal, { ...rest, ...(as_of ? { asOf: as_of } : {}) });
    },
  );

  app.get(
    '/api/ledger/accounts/:code',
    {
      schema: {
        tags: ['ledger'],
        summary: "One account's balance and a page of its statement",
        description: 'Entries between `from` and `to` (business dates, inclusive) in date and posting order, with opening, closing and running balances.',
        params: Type.Object({ code: Code }),
        querystring: Type.Object({ from: Type.Optional(Day), to: Type.Optional(Day), ...Paging }),
        response: {
          200: Type.Object({
            balance: BalanceSchema,
            statement: Type.Object({
              account: Type.String(),
              from: Type.Union([Day, Type.Null()]),
              to: Type.Union([Day, Type.Null()]),
              opening_fen: Money('balance before from'),
              closing_fen: Money('balance at the end of to'),
              entries: Type.Array(EntrySchema),
              total: Type.Integer(),
              page: Type.Integer(),
              page_size: Type.Integer(),
            }),
          }),
        },
      },
    },
    async (request) => ledger.accountView(db, request.principal, request.params.code, request.query),
  );
};
