import Type from 'typebox';
import { DomainError, type FieldIssue } from '../core/errors.ts';
import { bp, type Bp } from '../core/money.ts';
import { schemaIssues } from '../core/validate.ts';
import {
  BenefitSchema,
  PolicyDocSchema,
  TopUpSchema,
  type Band,
  type Benefit,
  type FilingKind,
  type Fund,
  type MedKind,
  type PersonClass,
  type PolicyDoc,
  type TopUp,
} from './model.ts';

/** Institution level (1 primary … 3 tertiary), as benefits are keyed by it. */
export type Level = 1 | 2 | 3;
export type Scheme = 'employee' | 'resident';

/**
 * The basic schemes a policy document may be written for, and the person classes
 * each covers. The subsidy and serious-illness schemes (320, 330, 392) are not
 * policies of their own: they are the top-ups inside these two.
 */
const SCHEMES: Record<string, { scheme: Scheme; classes: readonly PersonClass[] }> = {
  '310': { scheme: 'employee', classes: ['in_service', 'retired'] },
  '390': { scheme: 'resident', classes: ['resident'] },
};

export function schemeOf(insutype: string): Scheme | undefined {
  return SCHEMES[insutype]?.scheme;
}

const FUND_SCHEME: Record<Fund, { scheme: Scheme | null; label: string }> = {
  hifob: { scheme: 'employee', label: "employees' large-amount subsidy" },
  cvlserv: { scheme: 'employee', label: 'civil servant subsidy' },
  hifmi: { scheme: 'resident', label: "residents' serious illness insurance" },
  maf: { scheme: null, label: 'medical assistance' },
};

/** Kinds that must cover every level: a place cannot leave a hospital level without a rule for these. */
const REQUIRED_KINDS: readonly MedKind[] = ['inpatient', 'outpatient'];
const LEVELS: readonly Level[] = [1, 2, 3];

const at = (root: string, rel: string) => (root === '' ? rel : `${root}.${rel}`);

/** `yyyy-MM-dd` that names a real day (the schema only checks the shape; PostgreSQL would fail on 2024-02-30). */
export function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number(s.slice(0, 4)) < 1900) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function bandIssues(bands: readonly Band[], path: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  let previous = 0;
  bands.forEach((band, i) => {
    const p = `${path}[${i}].up_to_fen`;
    const last = i === bands.length - 1;
    if (band.up_to_fen === null) {
      if (!last) issues.push({ path: p, message: 'only the last band may be open-ended (null): the bands after it would never apply' });
      return;
    }
    if (last) issues.push({ path: p, message: `the last band must be open-ended (null), or amounts above ${band.up_to_fen} fen would have no ratio` });
    if (band.up_to_fen <= previous) {
      issues.push({
        path: p,
        message: i === 0 ? 'must be greater than 0' : `must be greater than the previous band's upper end (${previous} fen): bands ascend strictly`,
      });
    }
    previous = Math.max(previous, band.up_to_fen);
  });
  return issues;
}

function describeRule(b: Pick<Benefit, 'person_class' | 'med_kind' | 'disease_code'>): string {
  return `${b.person_class} ${b.med_kind}${b.disease_code === undefined ? '' : ` ${b.disease_code}`}`;
}

/** Checks that need only the benefit itself. */
function benefitIssues(b: Benefit, path: string): FieldIssue[] {
  const issues = bandIssues(b.bands, `${path}.bands`);
  if (b.med_kind === 'chronic' && b.disease_code === undefined) {
    issues.push({ path: `${path}.disease_code`, message: 'is required for a chronic rule: it names the disease the rule is for' });
  }
  if (b.med_kind !== 'chronic' && b.disease_code !== undefined) {
    issues.push({ path: `${path}.disease_code`, message: `only chronic rules name a disease (this rule is ${b.med_kind})` });
  }
  if (b.deductible.per === 'admission' && b.deductible.later_fen > b.deductible.first_fen) {
    issues.push({
      path: `${path}.deductible.later_fen`,
      message: `must not exceed first_fen (${b.deductible.first_fen}): later admissions of the year never cost more`,
    });
  }
  return issues;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks on the parts of a document that are well formed on their own. */
function localIssues(doc: Record<string, unknown>, root: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (typeof doc.begndate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(doc.begndate) && !isCalendarDate(doc.begndate)) {
    issues.push({ path: at(root, 'begndate'), message: `is not a real date from 1900 on: "${doc.begndate}"` });
  }
  if (Array.isArray(doc.benefits)) {
    doc.benefits.forEach((b: unknown, i) => {
      if (schemaIssues(BenefitSchema, b).length === 0) issues.push(...benefitIssues(b as Benefit, at(root, `benefits[${i}]`)));
    });
  }
  if (Array.isArray(doc.topups)) {
    doc.topups.forEach((t: unknown, i) => {
      if (schemaIssues(TopUpSchema, t).length === 0) issues.push(...bandIssues((t as TopUp).bands, at(root, `topups[${i}].bands`)));
    });
  }
  return issues;
}

/** Checks across benefits and top-ups; they need the whole document well formed. */
function crossIssues(doc: PolicyDoc, root: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const scheme = SCHEMES[doc.insutype];
  if (!scheme) {
    issues.push({
      path: at(root, 'insutype'),
      message: `must be 310 (employee basic) or 390 (resident basic), not ${doc.insutype}: subsidy and serious-illness funds are top-ups inside these policies`,
    });
  }

  const covered = new Map<string, number>();
  const caps = new Map<string, { index: number; cap: number }>();
  doc.benefits.forEach((b, i) => {
    const path = at(root, `benefits[${i}]`);
    if (scheme && !scheme.classes.includes(b.person_class)) {
      issues.push({
        path: `${path}.person_class`,
        message: `scheme ${doc.insutype} covers ${scheme.classes.join(' and ')} persons, not ${b.person_class}`,
      });
    }
    b.levels.forEach((level, k) => {
      const key = `${b.person_class}|${b.med_kind}|${b.disease_code ?? ''}|${level}`;
      const earlier = covered.get(key);
      if (earlier === undefined) covered.set(key, i);
      else {
        issues.push({
          path: `${path}.levels[${k}]`,
          message: `level ${level} of ${describeRule(b)} is already covered by ${at(root, `benefits[${earlier}]`)}: one rule per case`,
        });
      }
    });
    // A person has one class, so the cap of a group is per class: in-service and retired may differ.
    const capKey = `${b.person_class}|${b.cap_group}`;
    const first = caps.get(capKey);
    if (first === undefined) caps.set(capKey, { index: i, cap: b.annual_cap_fen });
    else if (first.cap !== b.annual_cap_fen) {
      issues.push({
        path: `${path}.annual_cap_fen`,
        message: `is ${b.annual_cap_fen} but ${at(root, `benefits[${first.index}]`)} of the same cap group "${b.cap_group}" (${b.person_class}) says ${first.cap}: one cap group has one annual cap`,
      });
    }
  });

  if (scheme) {
    for (const personClass of scheme.classes) {
      for (const medKind of REQUIRED_KINDS) {
        for (const level of LEVELS) {
          if (!doc.benefits.some((b) => b.person_class === personClass && b.med_kind === medKind && b.levels.includes(level))) {
            issues.push({ path: at(root, 'benefits'), message: `has no ${medKind} rule for ${personClass} persons at level ${level} institutions` });
          }
        }
      }
    }
  }

  const funds = new Map<Fund, number>();
  doc.topups.forEach((t, i) => {
    const path = at(root, `topups[${i}].fund`);
    const earlier = funds.get(t.fund);
    if (earlier !== undefined) {
      issues.push({ path, message: `${t.fund} is already given in ${at(root, `topups[${earlier}]`)}: one entry per fund` });
    } else funds.set(t.fund, i);
    const { scheme: fundScheme, label } = FUND_SCHEME[t.fund];
    if (scheme && fundScheme !== null && fundScheme !== scheme.scheme) {
      const home = fundScheme === 'employee' ? 'employee scheme 310' : 'resident scheme 390';
      issues.push({ path, message: `${t.fund} (${label}) belongs to the ${home}, not to ${doc.insutype}` });
    }
    if (t.fund === 'maf' && !doc.settings.medical_assistance_joined) {
      issues.push({ path, message: 'maf (medical assistance) needs settings.medical_assistance_joined: the province has not joined it' });
    }
  });
  return issues;
}

/**
 * Every problem of a policy document: schema violations, then what a schema
 * cannot say (band order, one rule per case, full coverage of the levels, one
 * cap per cap group, top-ups that fit the scheme). Paths are prefixed by `root`.
 */
export function policyIssues(doc: unknown, root = ''): FieldIssue[] {
  const schema = schemaIssues(PolicyDocSchema, doc, root);
  if (!isRecord(doc)) return schema;
  const local = localIssues(doc, root);
  if (schema.length > 0) return [...schema, ...local];
  return [...local, ...crossIssues(doc as PolicyDoc, root)];
}

const FileEnvelopeSchema = Type.Object({ policies: Type.Array(Type.Unknown()) });

/** Every problem of an import file `{ policies: [...] }`, with paths like `policies[2].bands[0].ratio_bp`. */
export function policyFileIssues(file: unknown): FieldIssue[] {
  const envelope = schemaIssues(FileEnvelopeSchema, file);
  if (envelope.length > 0) return envelope;
  const docs = (file as { policies: unknown[] }).policies;
  const issues: FieldIssue[] = [];
  const seen = new Map<string, number>();
  docs.forEach((doc, i) => {
    issues.push(...policyIssues(doc, `policies[${i}]`));
    if (!isRecord(doc)) return;
    const { pooling_area, insutype, begndate } = doc;
    if (typeof pooling_area !== 'string' || typeof insutype !== 'string' || typeof begndate !== 'string') return;
    const key = `${pooling_area}|${insutype}|${begndate}`;
    const earlier = seen.get(key);
    if (earlier === undefined) seen.set(key, i);
    else {
      issues.push({
        path: `policies[${i}].begndate`,
        message: `repeats policies[${earlier}]: the same pooling area ${pooling_area}, scheme ${insutype} and begndate ${begndate}`,
      });
    }
  });
  return issues;
}

/**
 * The policy person class of an HIS `psn_type`. Under the resident scheme 390
 * every insured person is a resident, whatever local code the place uses. Under
 * other schemes the national prefix decides (11 in service; 12 retired and 13
 * retired cadres; 14 children and students, 15 adults: residents); an unknown
 * code is refused rather than guessed, because in service and retired are paid
 * at different ratios.
 */
export function personClassOf(psnType: string, insutype?: string): PersonClass {
  if (insutype !== undefined && schemeOf(insutype) === 'resident') return 'resident';
  switch (/^\d{4}/.test(psnType) ? psnType.slice(0, 2) : '') {
    case '11':
      return 'in_service';
    case '12':
    case '13':
      return 'retired';
    case '14':
    case '15':
      return 'resident';
  }
  const message = `is not a known person type: "${psnType}" (expected 11xx in service, 12xx/13xx retired, 14xx/15xx resident)`;
  throw new DomainError('validation', `psn_type: ${message}`, [{ path: 'psn_type', message }]);
}

const MED_KINDS: Record<string, MedKind> = {
  '11': 'outpatient',
  '12': 'outpatient', // outpatient registration
  '13': 'outpatient', // emergency visits are settled as outpatient
  '14': 'chronic',
  '21': 'inpatient',
  '23': 'inpatient', // referred
  '24': 'inpatient', // emergency admitted
  '41': 'pharmacy',
};

/** The policy kind of an HIS `med_type`. */
export function medKindOf(medType: string): MedKind {
  const kind = MED_KINDS[medType];
  if (kind) return kind;
  if (medType === '51' || medType === '52') {
    const message = 'maternity (51/52) is paid by the maternity scheme 510, which insured-place medical policies do not cover';
    throw new DomainError('business_rule', `med_type: ${message}`, [{ path: 'med_type', message }]);
  }
  const message = `is not a known medical type: "${medType}" (expected 11, 12, 13, 14, 21, 23, 24 or 41)`;
  throw new DomainError('validation', `med_type: ${message}`, [{ path: 'med_type', message }]);
}

export interface BenefitCase {
  personClass: PersonClass;
  medKind: MedKind;
  level: Level;
  /** required for chronic visits */
  diseaseCode?: string;
}

/** The benefit rule of the insured place that applies to a case, or a business-rule error saying there is none. */
export function resolveBenefit(doc: PolicyDoc, c: BenefitCase): Benefit {
  if (c.medKind === 'chronic' && c.diseaseCode === undefined) {
    const message = 'is required for an outpatient chronic or special disease visit';
    throw new DomainError('validation', `disease_code: ${message}`, [{ path: 'disease_code', message }]);
  }
  const found = doc.benefits.find(
    (b) =>
      b.person_class === c.personClass &&
      b.med_kind === c.medKind &&
      b.levels.includes(c.level) &&
      (c.medKind !== 'chronic' || b.disease_code === c.diseaseCode),
  );
  if (found) return found;
  const what = `${c.personClass} ${c.medKind}${c.medKind === 'chronic' ? ` ${c.diseaseCode}` : ''} at level ${c.level} institutions`;
  throw new DomainError(
    'business_rule',
    `the insured place ${doc.pooling_area} has no rule for ${what} in its scheme ${doc.insutype} policy from ${doc.begndate}`,
  );
}

/** The ratio reduction for a filing kind: none for long-term filings, the policy's reductions otherwise. */
export function reductionFor(doc: PolicyDoc, kind: FilingKind | 'unfiled_manual'): Bp {
  switch (kind) {
    case 'resettled_retiree':
    case 'long_term_resident':
    case 'stationed_worker':
      return bp(0);
    case 'referral':
      return bp(doc.reductions.referral_bp);
    case 'emergency':
      return bp(doc.reductions.emergency_bp);
    case 'other_temporary':
      return bp(doc.reductions.other_temporary_bp);
    case 'unfiled_manual':
      return bp(doc.reductions.unfiled_manual_bp);
  }
}

