import Type from 'typebox';
import { today } from '../core/clock.ts';
import { fen } from '../core/money.ts';
import type { RouteModule } from '../http/types.ts';
import { estimate } from './service.ts';

const Fen = (description: string) => Type.Integer({ minimum: 0, maximum: 100_000_000_00, description: `${description} (fen)` });

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
};
