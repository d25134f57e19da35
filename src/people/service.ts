import { audit } from '../auth/audit.ts';
import type { Principal } from '../auth/model.ts';
import { authorize, regionScope } from '../auth/permissions.ts';
import { isIsoDate, today as todayOf, systemClock } from '../core/clock.ts';
import { conflict, DomainError, invalidMany, notFound, type FieldIssue } from '../core/errors.ts';
import type { Fen } from '../core/money.ts';
import { schemaIssues } from '../core/validate.ts';
import type { Queryable } from '../db/pool.ts';
import { listChronicDiseases, requirePoolingArea } from '../reference/service.ts';
import type { Credential, DiseaseQualification, Enrolment, Person, PersonRecord, PresentedFacts } from './model.ts';
import {
  activeOn,
  credentialLabel,
  duplicateIssues,
  maskPerson,
  mayReveal,
  normaliseCertno,
  normalisePersonRecord,
  personIssues,
  pickEnrolment,
  presentedMismatches,
  PersonRecordSchema,
  PersonsFileSchema,
  scopePrefix,
  UNIQUE_FIELDS,
  type PersonRecordIn,
  type UniqueField,
} from './rules.ts';
import * as store from './store.ts';

export { mayReveal, maskCertno, maskPhone, maskPerson } from './rules.ts';

const REJECTED = 'the persons file was rejected, nothing was imported';

export interface ImportOptions {
  /**
   * The caller made the records itself and knows none is stored yet (the demo
   * generator): skips the per-record queries for clashes with stored persons.
   * Format and reference checks still run.
   */
  trusted?: boolean;
  /** yyyy-MM-dd, for "birth date in the future"; defaults to today in Asia/Shanghai. */
  today?: string;
}

/** Sorts issues by the record they are about, then keeps their order. */
function byRecord(issues: FieldIssue[]): FieldIssue[] {
  const index = (p: string) => Number(/^persons\[(\d+)\]/.exec(p)?.[1] ?? -1);
  return issues.map((i, k) => ({ i, k, n: index(i.path) })).sort((a, b) => a.n - b.n || a.k - b.k).map((x) => x.i);
}

/**
 * Checks every code of one kind once, however many records use it, and reports
 * the verdict at each place it is used.
 */
async function checkPoolingAreas(tx: Queryable, uses: Map<string, string[]>): Promise<FieldIssue[]> {
  const issues: FieldIssue[] = [];
  for (const [code, paths] of uses) {
    try {
      await requirePoolingArea(tx, code, paths[0]!);
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'validation') throw err;
      const message = err.issues[0]?.message ?? err.message;
      for (const path of paths) issues.push({ path, message });
    }
  }
  return issues;
}

function use(map: Map<string, string[]>, code: string, path: string): void {
  const list = map.get(code);
  if (list) list.push(path);
  else map.set(code, [path]);
}

/**
 * Imports a persons file (`{ persons: PersonRecord[] }`): every record is
 * checked and every problem reported with its path; if there is any, nothing is
 * written. The same function serves the CLI, the REST API and the demo
 * generator, which calls it in batches.
 */
export async function importPersons(
  tx: Queryable,
  actor: Principal | undefined,
  file: unknown,
  opts: ImportOptions = {},
): Promise<{ imported: number }> {
  // Whoever may not write persons anywhere learns it before any checking.
  authorize(actor, 'person.write', { region: actor ? (regionScope(actor) ?? undefined) : undefined });
  const today = opts.today ?? todayOf(systemClock);

  const shape = schemaIssues(PersonsFileSchema, file);
  if (shape.length > 0) throw invalidMany(shape, REJECTED);
  const raw = (file as { persons: unknown[] }).persons;

  const issues: FieldIssue[] = [];
  const good: { path: string; record: PersonRecord }[] = [];
  raw.forEach((r, i) => {
    const path = `persons[${i}]`;
    const bad = schemaIssues(PersonRecordSchema, r, path);
    if (bad.length > 0) {
      issues.push(...bad);
      return;
    }
    const record = normalisePersonRecord(r as PersonRecordIn);
    issues.push(...personIssues(record, path, today));
    good.push({ path, record });
  });
  issues.push(...duplicateIssues(good));

  const areaUses = new Map<string, string[]>();
  const diseaseUses = new Map<string, string[]>();
  for (const { path, record } of good) {
    use(areaUses, record.insuplc_admdvs, `${path}.insuplc_admdvs`);
    record.enrolments.forEach((e, j) => use(areaUses, e.insuplc_admdvs, `${path}.enrolments[${j}].insuplc_admdvs`));
    record.qualifications!.forEach((q, j) => {
      use(areaUses, q.insuplc_admdvs, `${path}.qualifications[${j}].insuplc_admdvs`);
      use(diseaseUses, q.disease_code, `${path}.qualifications[${j}].disease_code`);
    });
  }
  for (const area of areaUses.keys()) authorize(actor, 'person.write', { region: area });

  issues.push(...(await checkPoolingAreas(tx, areaUses)));
  const diseases = new Set((await listChronicDiseases(tx)).map((d) => d.code));
  for (const [code, paths] of diseaseUses) {
    if (!diseases.has(code)) for (const path of paths) issues.push({ path, message: `${code} is not a known chronic or special disease code` });
  }

  if (!opts.trusted && good.length > 0) {
    const values = Object.fromEntries(
      UNIQUE_FIELDS.map((f) => [f, good.map((g) => g.record[f]).filter((v): v is string => v !== null)]),
    ) as Record<UniqueField, string[]>;
    const stored = await store.storedValues(tx, values);
    for (const { path, record } of good) {
      for (const f of UNIQUE_FIELDS) {
        const v = record[f];
        if (v !== null && stored[f].has(v)) issues.push({ path: `${path}.${f}`, message: `another stored person already has this ${f}` });
      }
    }
  }

  if (issues.length > 0) throw invalidMany(byRecord(issues), REJECTED);
  if (good.length === 0) return { imported: 0 };

  try {
    await store.insertPersons(
      tx,
      good.map((g) => g.record),
    );
  } catch (err) {
    // A concurrent import (or a trusted caller that was wrong) stored one of these first.
    if ((err as { code?: string }).code === '23505') throw conflict(`a person in this file was stored meanwhile: ${(err as Error).message}`);
    throw err;
  }
  const areas: Record<string, number> = {};
  for (const { record } of good) areas[record.insuplc_admdvs] = (areas[record.insuplc_admdvs] ?? 0) + 1;
  await audit(tx, actor, 'import', 'person', null, { count: good.length, areas });
  return { imported: good.length };
}

/** Signed-out callers are told to sign in before anything is looked up. */
function requireSignedIn(actor: Principal | undefined): asserts actor is Principal {
  if (!actor) authorize(actor, 'person.read');
}

/**
 * Which persons this actor may see in bulk, narrowed by an optional insured
 * area: a person sees only themself, an insured-place agency its region.
 */
function readScope(actor: Principal | undefined, area: string | undefined): store.PersonScope {
  if (actor?.kind === 'person') {
    authorize(actor, 'person.read', { psnNo: actor.psnNo });
    return area === undefined ? { psnNo: actor.psnNo } : { psnNo: actor.psnNo, area };
  }
  const own = actor ? regionScope(actor) : null;
  authorize(actor, 'person.read', { region: area ?? own ?? undefined });
  const scope: store.PersonScope = {};
  if (own !== null) scope.areaPrefix = scopePrefix(own);
  if (area !== undefined) scope.area = area;
  return scope;
}

/** The persons file for the actor's region (optionally one insured area), ready to import elsewhere. */
export async function exportPersons(
  tx: Queryable,
  actor: Principal | undefined,
  filter: { insuplc_admdvs?: string } = {},
): Promise<{ persons: PersonRecord[] }> {
  return { persons: await store.exportRecords(tx, readScope(actor, filter.insuplc_admdvs)) };
}

/** The person holding a credential (ID number, social security card, e-voucher), unmasked: for identification at the desk. */
export async function findPerson(tx: Queryable, actor: Principal | undefined, credential: Credential): Promise<Person> {
  requireSignedIn(actor);
  const c = credential.type === 'id_card' ? { ...credential, certno: normaliseCertno(credential.certno) } : credential;
  const person = await store.personByCredential(tx, c);
  if (!person) throw notFound(`a person with this ${credentialLabel(c)}`);
  authorize(actor, 'person.read', { psnNo: person.psn_no, region: person.insuplc_admdvs });
  return person;
}

/** `findPerson` for display: personal data masked unless the actor may see it in full. */
export async function lookupPerson(tx: Queryable, actor: Principal | undefined, credential: Credential): Promise<Person> {
  const person = await findPerson(tx, actor, credential);
  return mayReveal(actor!, person) ? person : maskPerson(person);
}

/** What a desk learns from a presented credential (HIS 1101). */
export interface IdentifiedPerson {
  /** unmasked: the person presented the credential to be identified */
  person: Person;
  /** full years on the business date */
  age: number;
  /** every enrolment, each with whether it covers the business date */
  insurance: InsuranceOn[];
  /** the employee personal account, or null for persons without one */
  account: { balance_fen: Fen } | null;
}

/** Full years from `birth` to `date` (both yyyy-MM-dd); a 29 February birthday comes on 1 March in other years. */
function ageOn(birth: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(birth.slice(0, 4));
  return date.slice(5) >= birth.slice(5) ? years : years - 1;
}

/**
 * Identification at a desk: the person holding a credential, with their
 * insurance on `date`. Whoever may not identify anyone learns it before any
 * lookup, so a refusal does not tell whether the credential exists.
 */
export async function identifyPerson(
  tx: Queryable,
  actor: Principal | undefined,
  credential: Credential,
  date: string,
  presented: PresentedFacts = {},
): Promise<IdentifiedPerson> {
  authorize(actor, 'person.identify', { region: actor ? (regionScope(actor) ?? undefined) : undefined });
  const c = credential.type === 'id_card' ? { ...credential, certno: normaliseCertno(credential.certno) } : credential;
  const person = await store.personByCredential(tx, c);
  if (!person) {
    throw new DomainError('not_found', `no insured person with this ${credentialLabel(c)}: check the number, or treat the patient as self-paying`);
  }
  authorize(actor, 'person.identify', { psnNo: person.psn_no, region: person.insuplc_admdvs });
  const mismatches = presentedMismatches(person, c, presented);
  if (mismatches.length > 0) throw invalidMany(mismatches, `the ${credentialLabel(c)} does not match what was presented with it`);
  const balance = await store.accountBalance(tx, person.psn_no);
  return {
    person,
    age: ageOn(person.birth_date, date),
    insurance: (await store.enrolmentsOf(tx, person.psn_no)).map((e) => ({ ...e, active: activeOn(e, date) })),
    account: balance === null ? null : { balance_fen: balance },
  };
}

export interface PersonOverview {
  person: Person;
  enrolments: Enrolment[];
  account: { balance_fen: Fen } | null;
  qualifications: DiseaseQualification[];
}

export async function getPersonOverview(tx: Queryable, actor: Principal | undefined, psnNo: string): Promise<PersonOverview> {
  requireSignedIn(actor);
  const person = await store.personByNo(tx, psnNo);
  if (!person) throw notFound(`person ${psnNo}`);
  authorize(actor, 'person.read', { psnNo, region: person.insuplc_admdvs });
  const balance = await store.accountBalance(tx, psnNo);
  return {
    person: mayReveal(actor, person) ? person : maskPerson(person),
    enrolments: await store.enrolmentsOf(tx, psnNo),
    account: balance === null ? null : { balance_fen: balance },
    qualifications: await store.qualificationsOf(tx, psnNo),
  };
}

export interface PersonListQuery {
  insuplc_admdvs?: string;
  /** a psn_no or ID number (exact) or part of the name */
  q?: string;
  page: number;
  page_size: number;
}

/** A page of persons in the actor's scope, personal data masked. */
export async function listPersons(
  tx: Queryable,
  actor: Principal | undefined,
  query: PersonListQuery,
): Promise<{ items: Person[]; total: number; page: number; page_size: number }> {
  const scope = readScope(actor, query.insuplc_admdvs);
  const q = query.q === undefined ? undefined : normaliseCertno(query.q.trim());
  const { items, total } = await store.listPersons(tx, scope, q, query.page_size, (query.page - 1) * query.page_size);
  return { items: items.map(maskPerson), total, page: query.page, page_size: query.page_size };
}

/** A person's enrolment in one scheme, and whether it covers a given day. */
export interface InsuranceOn extends Enrolment {
  active: boolean;
}

/**
 * The person's insurance on `date`: the enrolment in `insutype`, or (null) the
 * basic scheme of their main insured area. For services that have already
 * checked the caller's right to ask (filing coverage, settlement).
 */
export async function insuranceOn(tx: Queryable, psnNo: string, insutype: string | null, date: string): Promise<InsuranceOn> {
  const found = await store.personWithEnrolments(tx, psnNo);
  if (!found) throw notFound(`person ${psnNo}`);
  const { person } = found;
  const enrolment = pickEnrolment(found.enrolments, person.insuplc_admdvs, insutype);
  if (!enrolment) throw notFound(insutype === null ? `an enrolment of person ${psnNo}` : `person ${psnNo}'s enrolment in insutype ${insutype}`);
  return { ...enrolment, active: activeOn(enrolment, date) };
}

/** Is the qualification in force on `date`? */
const qualificationHolds = (q: DiseaseQualification, date: string) => q.begin_date <= date && (q.end_date === null || q.end_date >= date);

/**
 * Whether the person holds a qualification for the chronic or special disease
 * from `insuplcAdmdvs` on `date`. For services that have already checked the
 * caller's right to ask (visit registration).
 */
export async function hasQualificationOn(tx: Queryable, psnNo: string, insuplcAdmdvs: string, diseaseCode: string, date: string): Promise<boolean> {
  return (await store.qualificationsOf(tx, psnNo)).some((q) => q.insuplc_admdvs === insuplcAdmdvs && q.disease_code === diseaseCode && qualificationHolds(q, date));
}

export interface QualificationFiling {
  psn_no: string;
  insutype: string;
  disease_code: string;
  begin_date: string;
  end_date: string | null;
}

/**
 * A chronic or special disease qualification filed by a designated hospital
 * of the person's insured place (HIS 2503). One qualification per disease at a
 * time: filing again while one holds is refused, saying which.
 */
export async function fileQualification(
  tx: Queryable,
  actor: Principal | undefined,
  input: QualificationFiling,
  today: string,
): Promise<DiseaseQualification & { id: number }> {
  const insurance = await insuranceOn(tx, input.psn_no, input.insutype, today);
  authorize(actor, 'hospital.file', { region: insurance.insuplc_admdvs });
  const issues: FieldIssue[] = [];
  if (!(await listChronicDiseases(tx)).some((d) => d.code === input.disease_code)) {
    issues.push({ path: 'disease_code', message: `${input.disease_code} is not a known chronic or special disease code` });
  }
  if (!isIsoDate(input.begin_date)) issues.push({ path: 'begin_date', message: 'must be a date yyyy-MM-dd' });
  if (input.end_date !== null && (!isIsoDate(input.end_date) || input.end_date < input.begin_date)) {
    issues.push({ path: 'end_date', message: 'must be a date yyyy-MM-dd on or after begin_date' });
  }
  if (!insurance.active) issues.push({ path: 'insutype', message: `the person's insurance in ${input.insutype} is not active` });
  if (issues.length > 0) throw invalidMany(issues, 'the qualification was not filed');
  const holding = (await store.qualificationsOf(tx, input.psn_no)).find(
    (q) =>
      q.disease_code === input.disease_code &&
      q.insuplc_admdvs === insurance.insuplc_admdvs &&
      (q.end_date === null || q.end_date >= input.begin_date) &&
      (input.end_date === null || q.begin_date <= input.end_date),
  );
  if (holding) {
    throw conflict(`the person already holds a qualification for ${input.disease_code} from ${holding.begin_date}${holding.end_date ? ` to ${holding.end_date}` : ''}: no need to file again.`);
  }
  const q: DiseaseQualification = { psn_no: input.psn_no, insuplc_admdvs: insurance.insuplc_admdvs, disease_code: input.disease_code, begin_date: input.begin_date, end_date: input.end_date };
  const id = await store.insertQualification(tx, q);
  await audit(tx, actor, 'file', 'disease_qualification', String(id), { disease_code: q.disease_code, begin_date: q.begin_date, end_date: q.end_date });
  return { ...q, id };
}

/**
 * Ends a qualification (HIS 2504) on `today`, or on its first day when it has
 * not begun: the row stays, as visits may have been settled under it.
 */
export async function endQualification(tx: Queryable, actor: Principal | undefined, id: number, psnNo: string, today: string): Promise<DiseaseQualification & { id: number }> {
  const q = await store.qualificationById(tx, id, true);
  if (!q || q.psn_no !== psnNo) throw notFound(`qualification ${id} of person ${psnNo}`);
  authorize(actor, 'hospital.file', { region: q.insuplc_admdvs });
  if (q.end_date !== null && q.end_date < today) throw conflict(`qualification ${id} already ended on ${q.end_date}.`);
  const end = q.begin_date > today ? q.begin_date : today;
  await store.setQualificationEnd(tx, id, end);
  await audit(tx, actor, 'end', 'disease_qualification', String(id), { disease_code: q.disease_code, end_date: end });
  return { ...q, end_date: end };
}

/**
 * The person, unmasked, with their age in full years on `date` and their
 * insurance in `insutype` on that day: what a settlement slip states. For
 * services that have already checked the caller's right.
 */
export async function personOn(tx: Queryable, psnNo: string, insutype: string, date: string): Promise<{ person: Person; age: number; insurance: InsuranceOn }> {
  const found = await store.personWithEnrolments(tx, psnNo);
  if (!found) throw notFound(`person ${psnNo}`);
  const { person } = found;
  const enrolment = pickEnrolment(found.enrolments, person.insuplc_admdvs, insutype);
  if (!enrolment) throw notFound(`person ${psnNo}'s enrolment in insutype ${insutype}`);
  return { person, age: ageOn(person.birth_date, date), insurance: { ...enrolment, active: activeOn(enrolment, date) } };
}

/**
 * The personal account balance, with the account locked until the caller's
 * transaction ends (null for a person without one): a settlement reads it,
 * decides what the account pays, and moves it with `moveAccount`.
 */
export async function lockAccount(tx: Queryable, psnNo: string): Promise<Fen | null> {
  return store.accountBalanceForUpdate(tx, psnNo);
}

/**
 * Moves money out of (negative) or back into (positive) a personal account,
 * as an append-only movement with the balance projection, in one statement of
 * the caller's transaction, and returns the balance after. For services that
 * have already checked the caller's right; refuses to overdraw.
 */
export async function moveAccount(
  tx: Queryable,
  m: { psn_no: string; amount_fen: Fen; reason: string; ref: string | null; at: Date },
): Promise<Fen> {
  if (!Number.isSafeInteger(m.amount_fen) || m.amount_fen === 0) throw invalidMany([{ path: 'amount_fen', message: 'must be a whole number of fen, not 0' }]);
  const after = await store.insertMovement(tx, m);
  if (after !== null) return after;
  const balance = await store.accountBalanceForUpdate(tx, m.psn_no);
  if (balance === null) throw notFound(`person ${m.psn_no}'s personal account`);
  throw new DomainError('business_rule', `the personal account of person ${m.psn_no} holds ${balance} fen, less than the ${-m.amount_fen} fen to pay from it`);
}
