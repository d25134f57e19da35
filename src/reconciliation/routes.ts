import Type from 'typebox';
import type { RouteModule } from '../http/types.ts';
import * as reconciliation from './service.ts';

const Money = (description: string) => Type.Integer({ description: `${description} (fen)` });

const ApplicationSchema = Type.Object({
  clr_appy_evt_id: Type.String({ description: 'the id HIS 3203 answered' }),
  fixmedins_code: Type.String(),
  name: Type.String({ description: 'the institution’s name' }),
  admdvs: Type.String({ description: 'the institution’s area' }),
  setlym: Type.String({ description: 'the month applied for, yyyy-MM' }),
  clr_type: Type.String({ description: '11 outpatient, 21 inpatient, 41 pharmacy, 99 other' }),
  clr_way: Type.String(),
  begndate: Type.String({ description: 'yyyy-MM-dd' }),
  enddate: Type.String({ description: 'yyyy-MM-dd' }),
  psntime: Type.Integer({ description: 'person-times: settlements less cancellations' }),
  medfee_sumamt_fen: Money('total medical fees'),
  med_sumfee_fen: Money('fees within the insurance scope, as the institution declared them'),
  fund_appy_sum_fen: Money('the funds’ share applied for'),
  cash_payamt_fen: Money('paid in cash by the patients'),
  acct_pay_fen: Money('paid from personal accounts'),
  excluded_cnt: Type.Integer({ description: 'settlement rows the institution excluded from the month (HIS 3261), left out of the figures' }),
  msgid: Type.String(),
  applied_at: Type.String({ format: 'date-time' }),
  status: Type.Union([Type.Literal('live'), Type.Literal('cancelled')], { description: 'cancelled by HIS 3204' }),
  cancelled_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

/** The institutions' clearing applications, for their treatment-place agency. The service decides who may read them. */
export const routes: RouteModule = async (app, { db }) => {
  app.get(
    '/api/clearing/applications',
    {
      schema: {
        tags: ['clearing'],
        summary: 'Clearing applications of the institutions of an area (HIS 3203), cancelled ones marked',
        description: 'For the treatment-place agency of the area and the national operator: which institutions applied for which month and clearing type, and for what amounts.',
        querystring: Type.Object({
          area: Type.String({ description: 'an area, a city (PPCC00) or a province (PP0000)' }),
          month: Type.Optional(Type.String({ description: 'yyyy-MM; every month when omitted' })),
        }),
        response: { 200: Type.Object({ items: Type.Array(ApplicationSchema) }) },
      },
    },
    async (request) => ({ items: await reconciliation.listApplications(db, request.principal, request.query) }),
  );
};
