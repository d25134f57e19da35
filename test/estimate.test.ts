import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/pool.ts';
import { fen } from '../src/core/money.ts';
import { generatePolicies } from '../src/demo/policies.ts';
import { Rng } from '../src/demo/rng.ts';
import { importCatalog } from '../src/catalog/service.ts';
import * as filing from '../src/filing/service.ts';
import { importPolicies } from '../src/policy/service.ts';
import { seedReference } from '../src/reference/service.ts';
import { estimate } from '../src/settlement/service.ts';
import { testDb } from './support/db.ts';
import { addPersons, personActor, personOf, system } from './support/fixtures.ts';

const HARBIN = '230100';
const SHENZHEN = '440300';
const TODAY = '2026-11-23';
let db: Db;
const resident = personOf(HARBIN, { psnType: '1201' });
const traveller = personOf(HARBIN, { psnType: '1201' });
const unfiled = personOf(HARBIN, { psnType: '1201' });

// policy.md's worked example: deductible 1 200, ratio 80 %, cap 300 000, class-B share 10 %.
beforeAll(async () => {
  db = await testDb();
  await db.tx(async (tx) => {
    await seedReference(tx);
    const rng = new Rng(3);
    const policies = [HARBIN, SHENZHEN].flatMap((area) => generatePolicies(rng, area, `${area.slice(0, 2)}0000`, '2026-01-01'));
    for (const doc of policies) {
      doc.topups = [];
      doc.settings.review_filing_kinds = [];
      doc.reductions = { referral_bp: 1000, emergency_bp: 1000, other_temporary_bp: 1000, unfiled_manual_bp: 2000 };
      for (const b of doc.benefits) {
        if (b.med_kind === 'inpatient' || b.med_kind === 'chronic') {
          b.deductible = b.med_kind === 'inpatient' ? { per: 'admission', first_fen: 120000, later_fen: 120000 } : b.deductible;
          b.bands = b.med_kind === 'inpatient' ? [{ up_to_fen: null, ratio_bp: 8000 }] : b.bands;
          b.annual_cap_fen = 30000000;
        }
      }
    }
    await importPolicies(tx, system, { policies });
    await importCatalog(tx, system, {
      items: ['001', '002', '003'].map((n) => ({
        province: '440000', hilist_code: `XB${n}`, hilist_name: `乙类药${n}`, list_type: '101', med_chrgitm_type: '09',
        chrgitm_lv: '02', selfpay_prop_bp: 1000, pric_uplmt_fen: null, begndate: '2026-01-01', enddate: null,
      })),
    });
    await addPersons(tx, [resident, traveller, unfiled]);
    const base = { insutype: '310', area: SHENZHEN, begin_date: TODAY, channel: 'national_app' as const, proof: { type: 'commitment' as const, signed: true as const } };
    await filing.file(tx, personActor(resident), { ...base, psn_no: resident.psn_no, kind: 'long_term_resident' }, TODAY);
    await filing.file(tx, personActor(traveller), { ...base, psn_no: traveller.psn_no, kind: 'other_temporary' }, TODAY);
  });
});
afterAll(async () => db?.close());

const bill = { total_fen: fen(3000000), split: { classA_fen: fen(2000000), classB_fen: fen(800000), classC_fen: fen(200000) } };

describe('estimate before travelling', () => {
  it('settles the worked example exactly for a long-term resident', async () => {
    const e = await estimate(db, personActor(resident), { psn_no: resident.psn_no, area: SHENZHEN, level: 3, med_kind: 'inpatient', ...bill }, TODAY);
    expect(e.basis).toBe('direct_settlement');
    expect(e.filing_kind).toBe('long_term_resident');
    expect(e.class_b_share_bp).toBe(1000);
    expect(e.result.setlinfo).toMatchObject({
      medfee_sumamt: 3000000,
      fulamt_ownpay_amt: 200000,
      preselfpay_amt: 80000,
      inscp_scp_amt: 2720000,
      act_pay_dedc: 120000,
      hifp_pay: 2080000,
      fund_pay_sumamt: 2080000,
      psn_part_amt: 920000,
    });
  });

  it('applies the other-temporary reduction of 10 points', async () => {
    const e = await estimate(db, personActor(traveller), { psn_no: traveller.psn_no, area: SHENZHEN, level: 3, med_kind: 'inpatient', ...bill }, TODAY);
    expect(e.reduction_bp).toBe(1000);
    expect(e.result.setlinfo.hifp_pay).toBe(1820000);
    expect(e.result.setlinfo.psn_part_amt).toBe(1180000);
  });

  it('without a filing, says there is no direct settlement and uses the unfiled ratio', async () => {
    const e = await estimate(db, personActor(unfiled), { psn_no: unfiled.psn_no, area: SHENZHEN, level: 3, med_kind: 'inpatient', ...bill }, TODAY);
    expect(e.basis).toBe('manual_claim');
    expect(e.coverage.covered).toBe(false);
    expect(e.result.setlinfo.hifp_pay).toBe(1560000); // (27 200 − 1 200) × 60 %
  });

  it('refuses a split that does not add up, naming the field', async () => {
    await expect(
      estimate(db, personActor(resident), { psn_no: resident.psn_no, area: SHENZHEN, level: 3, med_kind: 'inpatient', total_fen: fen(100), split: { classA_fen: fen(1), classB_fen: fen(1), classC_fen: fen(1) } }, TODAY),
    ).rejects.toMatchObject({ code: 'validation', issues: [{ path: 'split' }] });
  });

  it("does not estimate for another person's account", async () => {
    await expect(
      estimate(db, personActor(traveller), { psn_no: resident.psn_no, area: SHENZHEN, level: 3, med_kind: 'inpatient', ...bill }, TODAY),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });
});
