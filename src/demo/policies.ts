import type { Benefit, Deductible, PersonClass, PolicyDoc, PolicySettings, Reductions, TopUp } from '../policy/model.ts';
import type { Level } from '../policy/rules.ts';
import { chronicDiseases } from '../reference/service.ts';
import { Rng } from './rng.ts';

/**
 * Synthetic insured-place policies: one employee (310) and one resident (390)
 * document per pooling area, with parameters drawn from the ranges real places
 * publish. Deterministic for a given generator state.
 */

/** Every disease settled directly across provinces gets a rule, so the policies follow the list as it grows. */
const CROSS_PROVINCE_DISEASES = chronicDiseases.filter((d) => d.cross_province).map((d) => d.code);
/** Uraemia dialysis: places limit it by a monthly quota rather than only by the annual cap. */
const DIALYSIS = 'M07800';

const LEVELS: readonly Level[] = [1, 2, 3];
const yuan = (n: number) => n * 100;
const pts = (n: number) => n * 100;
/** `min..max` in whole steps of `step`. */
const stepped = (rng: Rng, min: number, max: number, step: number) => rng.int(min / step, max / step) * step;

function admission(rng: Rng, firstYuan: number): Deductible {
  // Later admissions cost 50–100 % of the first, rounded down to 10 yuan so they never exceed it.
  const laterYuan = Math.floor((firstYuan * rng.int(50, 100)) / 1000) * 10;
  return { per: 'admission', first_fen: yuan(firstYuan), later_fen: yuan(laterYuan) };
}

const flat = (ratioPts: number) => [{ up_to_fen: null, ratio_bp: pts(ratioPts) }];

interface ClassRules {
  personClass: PersonClass;
  /** inpatient: per level, deductible and bands */
  inpatient: { deductible: Deductible; bands: Benefit['bands'] }[];
  pooledCapFen: number;
  outpatientDeductibleFen: number;
  /** outpatient ratio per level, percentage points */
  outpatientPts: number[];
  outpatientCapFen: number;
  chronicPts: number;
  dialysisQuotaFen: number;
}

function classBenefits(r: ClassRules): Benefit[] {
  const pooled = { cap_group: 'pooled', annual_cap_fen: r.pooledCapFen };
  const outpatient = { cap_group: 'outpatient', annual_cap_fen: r.outpatientCapFen };
  const yearly: Deductible = { per: 'year', amount_fen: r.outpatientDeductibleFen };
  const benefits: Benefit[] = LEVELS.map((level, i) => ({
    person_class: r.personClass,
    med_kind: 'inpatient',
    levels: [level],
    deductible: r.inpatient[i]!.deductible,
    bands: r.inpatient[i]!.bands,
    ...pooled,
  }));
  for (const [i, level] of LEVELS.entries()) {
    benefits.push({
      person_class: r.personClass,
      med_kind: 'outpatient',
      levels: [level],
      deductible: yearly,
      bands: flat(r.outpatientPts[i]!),
      ...outpatient,
    });
  }
  for (const code of CROSS_PROVINCE_DISEASES) {
    benefits.push({
      person_class: r.personClass,
      med_kind: 'chronic',
      disease_code: code,
      levels: [...LEVELS],
      deductible: { per: 'none' },
      bands: flat(r.chronicPts),
      ...pooled,
      ...(code === DIALYSIS ? { monthly_quota_fen: r.dialysisQuotaFen } : {}),
    });
  }
  // Drugs bought at a pharmacy count against the outpatient year, as at a level-1 clinic.
  benefits.push({
    person_class: r.personClass,
    med_kind: 'pharmacy',
    levels: [...LEVELS],
    deductible: yearly,
    bands: flat(r.outpatientPts[0]!),
    ...outpatient,
  });
  return benefits;
}

/** Three per-level ratios from `first` down, each 2–5 points below the one before, not below `floor`. */
function descending(rng: Rng, first: number, floor: number): number[] {
  const second = Math.max(floor, first - rng.int(2, 5));
  return [first, second, Math.max(floor, second - rng.int(2, 5))];
}

function medicalAssistance(rng: Rng): TopUp {
  return { fund: 'maf', threshold_fen: 0, bands: flat(rng.int(60, 70)), annual_cap_fen: yuan(stepped(rng, 20_000, 50_000, 5_000)) };
}

function employeePolicy(rng: Rng, base: Omit<PolicyDoc, 'insutype' | 'benefits' | 'topups' | 'name'>): PolicyDoc {
  const capFen = yuan(stepped(rng, 300_000, 600_000, 10_000));
  const deductibles = [stepped(rng, 500, 750, 50), stepped(rng, 800, 1_150, 50), stepped(rng, 1_200, 1_800, 50)].map((d) =>
    admission(rng, d),
  );
  const ratios = descending(rng, rng.int(86, 90), 80);
  const bandTop = yuan(stepped(rng, 30_000, 50_000, 5_000));
  const banded = (pointsUp: number) =>
    ratios.map((r) => [
      { up_to_fen: bandTop, ratio_bp: pts(Math.min(95, r + pointsUp)) },
      { up_to_fen: null, ratio_bp: pts(Math.min(95, r + pointsUp + 5)) },
    ]);
  const outpatientPts = descending(rng, rng.int(65, 75), 50);
  const common = {
    pooledCapFen: capFen,
    outpatientDeductibleFen: yuan(stepped(rng, 100, 300, 50)),
    outpatientCapFen: yuan(stepped(rng, 2_000, 10_000, 500)),
    dialysisQuotaFen: yuan(stepped(rng, 5_000, 8_000, 500)),
  };
  const chronicPts = rng.int(80, 90);
  // Retired persons get 5 points more everywhere, up to 95 %.
  const benefits = [
    ...classBenefits({
      personClass: 'in_service',
      inpatient: deductibles.map((deductible, i) => ({ deductible, bands: banded(0)[i]! })),
      outpatientPts,
      chronicPts,
      ...common,
    }),
    ...classBenefits({
      personClass: 'retired',
      inpatient: deductibles.map((deductible, i) => ({ deductible, bands: banded(5)[i]! })),
      outpatientPts: outpatientPts.map((p) => Math.min(95, p + 5)),
      chronicPts: Math.min(95, chronicPts + 5),
      ...common,
    }),
  ];
  const topups: TopUp[] = [
    // The large-amount subsidy takes over where the pooled fund's cap ends.
    { fund: 'hifob', threshold_fen: 0, bands: flat(90), annual_cap_fen: yuan(stepped(rng, 300_000, 500_000, 10_000)) },
    { fund: 'cvlserv', threshold_fen: 0, bands: flat(rng.int(30, 50)), annual_cap_fen: yuan(stepped(rng, 50_000, 100_000, 10_000)) },
  ];
  if (base.settings.medical_assistance_joined) topups.push(medicalAssistance(rng));
  return { ...base, insutype: '310', name: `${base.pooling_area} 职工基本医疗保险待遇 (${base.begndate} 起)`, benefits, topups };
}

function residentPolicy(rng: Rng, base: Omit<PolicyDoc, 'insutype' | 'benefits' | 'topups' | 'name'>): PolicyDoc {
  const capFen = yuan(stepped(rng, 150_000, 300_000, 10_000));
  const deductibles = [stepped(rng, 200, 400, 50), stepped(rng, 500, 800, 50), stepped(rng, 900, 1_500, 50)].map((d) => admission(rng, d));
  const level1 = rng.int(80, 90);
  const level3 = rng.int(50, 65);
  const ratios = [level1, Math.round((level1 + level3) / 2), level3];
  const benefits = classBenefits({
    personClass: 'resident',
    inpatient: deductibles.map((deductible, i) => ({ deductible, bands: flat(ratios[i]!) })),
    pooledCapFen: capFen,
    outpatientDeductibleFen: yuan(stepped(rng, 50, 200, 50)),
    outpatientPts: descending(rng, rng.int(50, 60), 40),
    outpatientCapFen: yuan(stepped(rng, 800, 3_000, 100)),
    chronicPts: rng.int(60, 75),
    dialysisQuotaFen: yuan(stepped(rng, 4_000, 6_000, 500)),
  });
  const topups: TopUp[] = [
    {
      fund: 'hifmi',
      threshold_fen: yuan(stepped(rng, 10_000, 20_000, 1_000)),
      bands: [
        { up_to_fen: yuan(stepped(rng, 50_000, 100_000, 10_000)), ratio_bp: pts(60) },
        { up_to_fen: null, ratio_bp: pts(70) },
      ],
      annual_cap_fen: yuan(stepped(rng, 300_000, 500_000, 10_000)),
    },
  ];
  if (base.settings.medical_assistance_joined) topups.push(medicalAssistance(rng));
  return { ...base, insutype: '390', name: `${base.pooling_area} 城乡居民基本医疗保险待遇 (${base.begndate} 起)`, benefits, topups };
}

/** Whether a province has joined cross-regional medical assistance: a fact of the province, the same for all its areas. */
function provinceJoinedAssistance(provinceCode: string): boolean {
  let h = 0x811c9dc5;
  for (let i = 0; i < provinceCode.length; i++) h = Math.imul(h ^ provinceCode.charCodeAt(i), 0x01000193) >>> 0;
  return new Rng(h).chance(0.6);
}

/**
 * The employee and the resident policy of a pooling area. Draws come from forks
 * labelled with the area, so one generator can serve every area without the
 * areas sharing parameters or shifting each other's draws.
 */
export function generatePolicies(rng: Rng, poolingArea: string, provinceCode: string, begndate: string): PolicyDoc[] {
  const s = rng.fork(`policy:${poolingArea}:settings`);
  const settings: PolicySettings = {
    long_term_min_months: s.int(0, 6),
    temporary_validity_months: s.pick([6, 12]),
    review_filing_kinds: s.chance(0.3) ? ['referral'] : [],
    whole_province_filing: s.chance(0.4),
    claim_submit_months: s.int(3, 12),
    claim_process_working_days: s.pick([20, 30]),
    medical_assistance_joined: provinceJoinedAssistance(provinceCode),
  };
  const reductions: Reductions = {
    referral_bp: s.pick([0, 500, 1000]),
    emergency_bp: s.pick([0, 500, 1000]),
    other_temporary_bp: s.pick([1000, 1500, 2000]),
    unfiled_manual_bp: s.pick([1000, 1500, 2000, 2500, 3000]),
  };
  const base = { pooling_area: poolingArea, begndate, settings, reductions };
  return [employeePolicy(rng.fork(`policy:${poolingArea}:310`), base), residentPolicy(rng.fork(`policy:${poolingArea}:390`), base)];
}
