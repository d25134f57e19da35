import Type from 'typebox';
import type { FieldIssue } from '../core/errors.ts';
import { parseCertno } from '../core/idcard.ts';
import { regionCovers } from '../auth/permissions.ts';
import type { Principal } from '../auth/model.ts';
import type { Credential, Enrolment, Person, PersonRecord, PresentedFacts } from './model.ts';

/**
 * What a persons file must look like, and the checks a schema cannot express
 * (the ID number agreeing with birth date and gender, dates in order, who may
 * hold a personal account). Everything here is pure: the service adds what needs
 * the database (pooling areas, disease codes, clashes with stored persons).
 */

const DateString = (description: string) => Type.String({ format: 'date', description: `${description} (yyyy-MM-dd)` });
const nullable = <T>(schema: Record<string, unknown>) =>
  Type.Unsafe<T | null>({ ...schema, type: [schema.type as string, 'null'] });
const AreaCode = (description: string) => Type.String({ pattern: '^\\d{6}$', description: `${description} (6-digit division code)` });

/** Employee basic medical insurance: the only scheme with a personal account. */
export const EMPLOYEE_SCHEME = '310';

export const EnrolmentInSchema = Type.Object({
  insutype: Type.String({ pattern: '^\\d{3}$', description: '310 employee basic, 390 resident basic, …' }),
  psn_type: Type.String({ pattern: '^\\d{4}$', description: '1101 employee in service, 1201 retired, 1501 adult resident, …' }),
  insuplc_admdvs: AreaCode('insured pooling area'),
  status: Type.Enum(['active', 'suspended']),
  begin_date: DateString('insured since'),
  suspended_date: Type.Optional(nullable<string>({ type: 'string', format: 'date', description: 'insurance suspended on (yyyy-MM-dd)' })),
  cvlserv_flag: Type.Optional(Type.Enum(['0', '1'], { description: '1: civil servant subsidy' })),
  emp_name: Type.Optional(nullable<string>({ type: 'string', maxLength: 200 })),
});

export const QualificationInSchema = Type.Object({
  insuplc_admdvs: AreaCode('pooling area that granted the qualification'),
  disease_code: Type.String({ minLength: 1, maxLength: 20, description: 'outpatient chronic/special disease code' }),
  begin_date: DateString('qualified from'),
  end_date: Type.Optional(nullable<string>({ type: 'string', format: 'date', description: 'qualified until, inclusive (yyyy-MM-dd)' })),
});

export const PersonRecordSchema = Type.Object({
  psn_no: Type.String({ pattern: '^\\d{20}$', description: 'person number: the 6-digit insured area + 14 digits' }),
  psn_cert_type: Type.Optional(Type.String({ pattern: '^\\d{2}$', description: "certificate type, '01' resident ID card (default)" })),
  certno: Type.String({ minLength: 1, maxLength: 50, description: 'certificate number (18-character ID number for type 01)' }),
  ss_card_no: Type.Optional(nullable<string>({ type: 'string', pattern: '^[0-9A-Za-z]{6,32}$', description: 'social security card number' })),
  ss_card_sn: Type.Optional(nullable<string>({ type: 'string', pattern: '^[0-9A-Za-z]{1,64}$', description: 'card serial (card_sn)' })),
  evoucher_token: Type.Optional(
    nullable<string>({ type: 'string', pattern: '^[0-9A-Za-z_\\-]{8,128}$', description: 'medical insurance e-voucher token' }),
  ),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  gender: Type.Enum(['1', '2', '9'], { description: '1 male, 2 female, 9 unspecified' }),
  naty: Type.Optional(Type.String({ pattern: '^\\d{2}$', description: "nationality (ethnic group) code, default '01'" })),
  birth_date: DateString('birth date'),
  phone: Type.Optional(nullable<string>({ type: 'string', pattern: '^\\+?[0-9][0-9 \\-]{4,19}$' })),
  insuplc_admdvs: AreaCode('insured pooling area of the main enrolment'),
  enrolments: Type.Array(EnrolmentInSchema, { minItems: 1 }),
  account_balance_fen: Type.Optional(
    Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'personal account opening balance (fen), employees only' }),
  ),
  qualifications: Type.Optional(Type.Array(QualificationInSchema)),
});

/** The file's outer shape; each record is then checked on its own so every bad record is reported. */
export const PersonsFileSchema = Type.Object({ persons: Type.Array(Type.Unknown()) });

export type PersonRecordIn = Type.Static<typeof PersonRecordSchema>;

/** People type the ID number's check character as a lowercase x; it is stored and looked up as X. */
export function normaliseCertno(certno: string): string {
  return /^\d{17}x$/.test(certno) ? `${certno.slice(0, 17)}X` : certno;
}

/** Fills the defaults an import file may leave out, giving the stored shape. */
export function normalisePersonRecord(r: PersonRecordIn): PersonRecord {
  const out: PersonRecord = {
    psn_no: r.psn_no,
    psn_cert_type: r.psn_cert_type ?? '01',
    certno: normaliseCertno(r.certno),
    ss_card_no: r.ss_card_no ?? null,
    ss_card_sn: r.ss_card_sn ?? null,
    evoucher_token: r.evoucher_token ?? null,
    name: r.name,
    gender: r.gender,
    naty: r.naty ?? '01',
    birth_date: r.birth_date,
    phone: r.phone ?? null,
    insuplc_admdvs: r.insuplc_admdvs,
    enrolments: r.enrolments.map((e) => ({
      insutype: e.insutype,
      psn_type: e.psn_type,
      insuplc_admdvs: e.insuplc_admdvs,
      status: e.status,
      begin_date: e.begin_date,
      suspended_date: e.suspended_date ?? null,
      cvlserv_flag: e.cvlserv_flag ?? '0',
      emp_name: e.emp_name ?? null,
    })),
    qualifications: (r.qualifications ?? []).map((q) => ({
      insuplc_admdvs: q.insuplc_admdvs,
      disease_code: q.disease_code,
      begin_date: q.begin_date,
      end_date: q.end_date ?? null,
    })),
  };
  if (r.account_balance_fen !== undefined) out.account_balance_fen = r.account_balance_fen as PersonRecord['account_balance_fen'];
  return out;
}

/** Checks one well-formed record against itself; `path` is where it sits in the file (`persons[12]`). */
export function personIssues(r: PersonRecord, path: string, today: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const at = (field: string, message: string) => issues.push({ path: `${path}.${field}`, message });

  if (r.psn_cert_type === '01') {
    const id = parseCertno(r.certno, today);
    if (!id.ok) at('certno', id.reason);
    else {
      if (id.birthDate !== r.birth_date) at('birth_date', `does not agree with the ID number, which gives ${id.birthDate}`);
      if (id.gender !== r.gender) at('gender', `does not agree with the ID number, which gives ${id.gender}`);
    }
  } else if (r.birth_date > today) at('birth_date', 'is in the future');
  if (r.psn_no.slice(0, 6) !== r.insuplc_admdvs) {
    at('psn_no', `must begin with the insured area ${r.insuplc_admdvs} (the person number is the insured area + 14 digits)`);
  }

  const seenScheme = new Map<string, number>();
  r.enrolments.forEach((e, j) => {
    const ep = `enrolments[${j}]`;
    const first = seenScheme.get(e.insutype);
    if (first !== undefined) at(`${ep}.insutype`, `repeats enrolments[${first}].insutype: one enrolment per scheme`);
    else seenScheme.set(e.insutype, j);
    if (e.begin_date < r.birth_date) at(`${ep}.begin_date`, 'is before the birth date');
    if (e.status === 'suspended' && e.suspended_date === null) at(`${ep}.suspended_date`, 'is required when the status is suspended');
    if (e.status === 'active' && e.suspended_date !== null) at(`${ep}.suspended_date`, 'must be empty while the status is active');
    if (e.suspended_date !== null && e.suspended_date < e.begin_date) at(`${ep}.suspended_date`, 'is before begin_date');
  });
  const areas = new Set(r.enrolments.map((e) => e.insuplc_admdvs));
  if (!areas.has(r.insuplc_admdvs)) at('insuplc_admdvs', "must be the insured area of one of the person's enrolments");

  if (r.account_balance_fen !== undefined && !seenScheme.has(EMPLOYEE_SCHEME)) {
    at('account_balance_fen', `only employees (insutype ${EMPLOYEE_SCHEME}) have a personal account`);
  }

  (r.qualifications ?? []).forEach((q, j) => {
    const qp = `qualifications[${j}]`;
    if (!areas.has(q.insuplc_admdvs)) at(`${qp}.insuplc_admdvs`, "must be the insured area of one of the person's enrolments");
    if (q.begin_date < r.birth_date) at(`${qp}.begin_date`, 'is before the birth date');
    if (q.end_date !== null && q.end_date < q.begin_date) at(`${qp}.end_date`, 'is before begin_date');
  });
  return issues;
}

/** Insured on `date`: begun by then and not suspended by then (the suspension date is the first day without cover). */
export function activeOn(e: Pick<Enrolment, 'begin_date' | 'suspended_date'>, date: string): boolean {
  return e.begin_date <= date && (e.suspended_date === null || e.suspended_date > date);
}

/** Basic medical insurance schemes: the enrolment that decides a person's treatment. */
const BASIC_SCHEMES = ['310', '390'];

/**
 * The enrolment a question is about: the named scheme's, or else the person's
 * basic scheme at their main insured area (then any basic scheme, then any).
 */
export function pickEnrolment<E extends Pick<Enrolment, 'insutype' | 'insuplc_admdvs'>>(
  enrolments: readonly E[],
  mainArea: string,
  insutype: string | null,
): E | null {
  if (insutype !== null) return enrolments.find((e) => e.insutype === insutype) ?? null;
  return (
    enrolments.find((e) => BASIC_SCHEMES.includes(e.insutype) && e.insuplc_admdvs === mainArea) ??
    enrolments.find((e) => BASIC_SCHEMES.includes(e.insutype)) ??
    enrolments[0] ??
    null
  );
}

/** The identifying fields that must be unique across persons. */
export const UNIQUE_FIELDS = ['psn_no', 'certno', 'ss_card_no', 'evoucher_token'] as const;
export type UniqueField = (typeof UNIQUE_FIELDS)[number];

/** Values repeated inside one file: each later occurrence names the first. */
export function duplicateIssues(records: readonly { path: string; record: PersonRecord }[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const field of UNIQUE_FIELDS) {
    const first = new Map<string, string>();
    for (const { path, record } of records) {
      const v = record[field];
      if (v === null) continue;
      const prior = first.get(v);
      if (prior !== undefined) issues.push({ path: `${path}.${field}`, message: `repeats ${prior}.${field}` });
      else first.set(v, path);
    }
  }
  return issues;
}

/** Short or unknown forms: everything but the last two characters (all of a very short one). */
function maskMost(s: string): string {
  const tail = s.length > 4 ? 2 : 0;
  return '*'.repeat(s.length - tail) + s.slice(s.length - tail);
}

/** `440102199001011234` → `440102********1234`: enough to recognise, not enough to use. */
export function maskCertno(s: string): string {
  return s.length >= 15 ? s.slice(0, 6) + '*'.repeat(s.length - 10) + s.slice(-4) : maskMost(s);
}

/** `13812345678` → `138****5678`. */
export function maskPhone(s: string): string {
  return s.length >= 11 ? s.slice(0, 3) + '*'.repeat(s.length - 7) + s.slice(-4) : maskMost(s);
}

/** Card number and e-voucher token are credentials too: only their last characters are shown. */
function maskCredential(s: string): string {
  return '*'.repeat(Math.max(0, s.length - 4)) + s.slice(-4);
}

export function maskPerson<P extends Person>(p: P): P {
  return {
    ...p,
    certno: maskCertno(p.certno),
    phone: p.phone === null ? null : maskPhone(p.phone),
    ss_card_no: p.ss_card_no === null ? null : maskCredential(p.ss_card_no),
    ss_card_sn: p.ss_card_sn === null ? null : maskCredential(p.ss_card_sn),
    evoucher_token: p.evoucher_token === null ? null : maskCredential(p.evoucher_token),
  };
}

/** Unmasked personal data is for the person themself and the agencies of their insured place (and local operators). */
export function mayReveal(actor: Principal, person: Pick<Person, 'psn_no' | 'insuplc_admdvs'>): boolean {
  switch (actor.kind) {
    case 'system':
      return true;
    case 'person':
      return actor.psnNo === person.psn_no;
    case 'insured_agency':
      return regionCovers(actor.region, person.insuplc_admdvs);
    default:
      return false;
  }
}

/** The prefix of the division codes a region scope covers: a province `PP0000` → `PP`, a city `PPCC00` → `PPCC`. */
export function scopePrefix(scope: string): string {
  if (scope.endsWith('0000')) return scope.slice(0, 2);
  if (scope.endsWith('00')) return scope.slice(0, 4);
  return scope;
}

/** A readable label for a credential in messages, without echoing the credential itself. */
export function credentialLabel(c: Credential): string {
  switch (c.type) {
    case 'id_card':
      return 'ID number';
    case 'ss_card':
      return 'social security card number';
    case 'evoucher':
      return 'e-voucher token';
  }
}

/**
 * The facts presented beside a credential that are not the identified
 * person's: a card serial of a replaced (lost) card, another ID number, or
 * another name. Blank facts are not compared.
 */
export function presentedMismatches(person: Pick<Person, 'ss_card_sn' | 'certno' | 'name'>, credential: Credential, presented: PresentedFacts): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const given = (v: string | undefined) => (v === undefined || v.trim() === '' ? null : v.trim());
  const sn = given(presented.card_sn);
  if (sn !== null && credential.type === 'ss_card' && person.ss_card_sn !== null && sn !== person.ss_card_sn) {
    issues.push({ path: 'card_sn', message: 'is not the serial number of the card issued to this person: the card was replaced or reported lost; ask for the current card, the e-voucher or the ID card' });
  }
  const certno = given(presented.certno);
  if (certno !== null && certno.toUpperCase() !== person.certno.toUpperCase()) {
    issues.push({ path: 'certno', message: 'is not the ID number of the person the credential belongs to: check the credential and the ID number' });
  }
  const name = given(presented.psn_name);
  if (name !== null && name !== person.name) {
    issues.push({ path: 'psn_name', message: 'is not the name of the person the credential belongs to: check the credential and the name' });
  }
  return issues;
}
