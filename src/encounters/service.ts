import { audit } from '../auth/audit.ts';
import type { Principal } from '../auth/model.ts';
import { authorize, isAllowed } from '../auth/permissions.ts';
import type { CatalogItem } from '../catalog/model.ts';
import { classifyManyOn } from '../catalog/service.ts';
import { businessDate, shanghaiDateTime } from '../core/clock.ts';
import { DomainError, invalid, invalidMany, notFound, type FieldIssue } from '../core/errors.ts';
import { fen, yuanFromJson, type Fen } from '../core/money.ts';
import type { Queryable } from '../db/pool.ts';
import { mdtrtId as newMdtrtId } from '../core/ids.ts';
import { coverage } from '../filing/service.ts';
import { getInstitution, mappedHilistCodes } from '../institutions/service.ts';
import { hasQualificationOn, insuranceOn } from '../people/service.ts';
import { isKnownCode, listChronicDiseases, provinceOf } from '../reference/service.ts';
import { classifyLine, sumParts } from '../settlement/engine.ts';
import {
  CHRONIC_MED_TYPE,
  type ClassifiedFeeLine,
  type DiagnosisInput,
  type DischargeInput,
  type Encounter,
  type FeeLineIn,
  type FeeSelection,
  type PricedFeeLine,
  type RegisterInput,
  type VisitForSettlement,
  type VisitKind,
  type VisitUpdate,
} from './model.ts';
import {
  applyRefund,
  chronicCodeOf,
  decideEligibility,
  defaultMedType,
  lineAmountProblem,
  normaliseDiagnoses,
  parseHisTime,
  parseQty,
  refundProblem,
  remainderAfter,
  takesAll,
  visitKindOf,
  type Eligibility,
  type Remainder,
} from './rules.ts';
import * as store from './store.ts';

/**
 * Visits and their fee lines, as an institution reports them. An institution
 * acts on its own visits only; every change is audited in its transaction.
 * The settlement service reads a visit through `visitForSettlement` (locking
 * it) and records its settlement with `markSettled` / `markUnsettled`.
 */

type Institution = Extract<Principal, { kind: 'institution' }>;

/** What the HIS names beside the mdtrt_id; checked against the visit when given. */
export interface VisitCheck {
  psn_no?: string;
  visit_kind?: VisitKind;
}

const KIND_WORDS: Record<VisitKind, string> = { outpatient: 'an outpatient visit', inpatient: 'an admission', pharmacy: 'a pharmacy purchase' };

function requireInstitution(actor: Principal | undefined): Institution {
  if (!actor) throw new DomainError('unauthenticated', 'Sign in first.');
  if (actor.kind !== 'institution') throw new DomainError('forbidden', 'Visits are registered by designated institutions through the hospital interface.');
  authorize(actor, 'encounter.write', { institution: actor.code });
  return actor;
}

/** The visit, locked, when the actor's institution registered it and it matches what the HIS names. */
async function ownVisit(tx: Queryable, actor: Principal | undefined, mdtrtId: string, check: VisitCheck = {}): Promise<Encounter> {
  if (!actor) throw new DomainError('unauthenticated', 'Sign in first.');
  const visit = await store.encounterById(tx, mdtrtId, true);
  if (!visit) throw new DomainError('not_found', `there is no visit ${mdtrtId}: send the mdtrt_id the registration (2201/2401) answered.`);
  if (!isAllowed(actor, 'encounter.write', { institution: visit.fixmedins_code })) {
    throw new DomainError('forbidden', `visit ${mdtrtId} was registered by another institution: an institution acts on its own visits only.`);
  }
  if (check.psn_no !== undefined && check.psn_no !== visit.psn_no) {
    throw invalid('psn_no', `is not the person of visit ${mdtrtId}: send the psn_no the visit was registered for`);
  }
  if (check.visit_kind !== undefined && check.visit_kind !== visit.visit_kind) {
    throw new DomainError('business_rule', `visit ${mdtrtId} is ${KIND_WORDS[visit.visit_kind]}, not ${KIND_WORDS[check.visit_kind]}: use the transaction for ${KIND_WORDS[visit.visit_kind]}.`);
  }
  return visit;
}

function requireChangeable(visit: Encounter, what: string): void {
  if (visit.status === 'cancelled') throw new DomainError('business_rule', `visit ${visit.mdtrt_id} was cancelled: ${what} is not possible; register a new visit.`);
  if (visit.settled_setl_id !== null) {
    throw new DomainError('business_rule', `visit ${visit.mdtrt_id} is settled (setl_id ${visit.settled_setl_id}): cancel the settlement first, then ${what}.`);
  }
}

function medTypeOf(v: string, kind: VisitKind): string {
  if (!isKnownCode('med_type', v)) throw invalid('med_type', `${v} is not a med_type code (11 general outpatient, 13 emergency, 14 chronic disease, 21 inpatient, 24 emergency to inpatient, 41 pharmacy, …)`);
  if (visitKindOf(v) !== kind) throw invalid('med_type', `${v} is not a med_type of ${KIND_WORDS[kind]}`);
  return v;
}

/** The visit's terms of direct settlement, from the person's insurance, coverage and disease qualification on the visit date. */
async function eligibilityOf(
  tx: Queryable,
  actor: Institution,
  v: { psn_no: string; insutype: string; visit_kind: VisitKind; med_type: string; emergency: boolean; date: string; opsp_dise_code: string | null },
): Promise<Eligibility & { insuplc_admdvs: string }> {
  const insurance = await insuranceOn(tx, v.psn_no, v.insutype, v.date);
  if (!insurance.active) {
    throw new DomainError('business_rule', `the person's insurance (insutype ${v.insutype}) is not active on ${v.date}: no direct settlement; settle in full.`);
  }
  const institution = await getInstitution(tx, actor.code);
  const cover = await coverage(tx, actor, { psn_no: v.psn_no, place: actor.admdvs, date: v.date, insutype: v.insutype });
  let chronic;
  if (v.med_type === CHRONIC_MED_TYPE && v.opsp_dise_code !== null) {
    const disease = (await listChronicDiseases(tx)).find((d) => d.code === v.opsp_dise_code) ?? null;
    const qualified = disease !== null && (await hasQualificationOn(tx, v.psn_no, insurance.insuplc_admdvs, v.opsp_dise_code, v.date));
    chronic = { code: v.opsp_dise_code, disease, qualified };
  }
  const decided = decideEligibility({
    visitKind: v.visit_kind,
    medType: v.med_type,
    declaredEmergency: v.emergency,
    area: actor.admdvs,
    date: v.date,
    institution,
    coverage: cover,
    ...(chronic ? { chronic } : {}),
  });
  return { ...decided, insuplc_admdvs: insurance.insuplc_admdvs };
}

async function chronicCodes(tx: Queryable): Promise<Set<string>> {
  return new Set((await listChronicDiseases(tx)).map((d) => d.code));
}

const opt = (v: string | undefined) => v ?? null;

function diagnosesFrom(list: readonly DiagnosisInput[] | undefined, path: string) {
  return list === undefined ? undefined : normaliseDiagnoses(list, path, parseHisTime);
}

/**
 * Registers an outpatient visit (2201), an admission (2401) or a pharmacy
 * purchase, after checking that it may be settled directly here: the person
 * insured on the day, the visit covered by a filing (or an emergency), the
 * service open at the institution, and for med_type 14 a directly settled
 * chronic disease the person is qualified for.
 */
export async function register(tx: Queryable, actor: Principal | undefined, input: RegisterInput, now: Date): Promise<{ mdtrt_id: string }> {
  const inst = requireInstitution(actor);
  const begin = parseHisTime(input.begntime, 'begntime');
  const date = businessDate(begin);
  if (date > businessDate(now)) throw invalid('begntime', `is after today (${businessDate(now)}): register a visit when it begins`);
  const given = input.med_type ?? defaultMedType(input.visit_kind);
  if (given === null) throw invalid('med_type', `is required for ${KIND_WORDS[input.visit_kind]} (21 general inpatient, 23 referred, 24 emergency to inpatient, 52 maternity)`);
  const medType = medTypeOf(given, input.visit_kind);
  const opsp = medType === CHRONIC_MED_TYPE ? chronicCodeOf(input, await chronicCodes(tx)) : null;
  const diagnoses = diagnosesFrom(input.diagnoses, 'diseinfo');

  const terms = await eligibilityOf(tx, inst, {
    psn_no: input.psn_no,
    insutype: input.insutype,
    visit_kind: input.visit_kind,
    med_type: medType,
    emergency: input.emergency ?? false,
    date,
    opsp_dise_code: opsp,
  });
  if (input.insuplc_admdvs !== undefined && input.insuplc_admdvs !== terms.insuplc_admdvs) {
    throw invalid('insuplc_admdvs', `is ${input.insuplc_admdvs}, but the person is insured in ${terms.insuplc_admdvs} under insutype ${input.insutype}: send the insuplc_admdvs 1101 answered`);
  }
  if (input.visit_kind === 'inpatient') {
    const other = await store.openAdmissionOf(tx, input.psn_no);
    if (other) {
      throw new DomainError('conflict', `the person is already admitted (mdtrt_id ${other.mdtrt_id}${other.fixmedins_code === inst.code ? '' : ` at ${other.fixmedins_code}`}): discharge or cancel that admission first.`);
    }
  }

  // Serials run past 10 digits only after 10 billion visits; the date in the id keeps wrapped ones apart.
  const mdtrt_id = newMdtrtId(inst.admdvs, businessDate(now), (await store.nextMdtrtSerial(tx)) % 10_000_000_000);
  await admitOnce(
    store.insertEncounter(tx, {
      mdtrt_id,
      fixmedins_code: inst.code,
      mdtrtarea_admvs: inst.admdvs,
      psn_no: input.psn_no,
      insutype: input.insutype,
      insuplc_admdvs: terms.insuplc_admdvs,
      med_type: medType,
      visit_kind: input.visit_kind,
      begntime: begin,
      endtime: null,
      mdtrt_cert_type: opt(input.mdtrt_cert_type),
      mdtrt_cert_no: opt(input.mdtrt_cert_no),
      ipt_otp_no: opt(input.ipt_otp_no),
      medrcdno: opt(input.medrcdno),
      dept_code: opt(input.dept_code),
      dept_name: opt(input.dept_name),
      caty: opt(input.caty),
      adm_bed: opt(input.adm_bed),
      atddr_no: opt(input.atddr_no),
      dr_name: opt(input.dr_name),
      adm_diag_dscr: opt(input.adm_diag_dscr),
      dise_codg: opt(input.dise_codg),
      dise_name: opt(input.dise_name),
      main_cond_dscr: opt(input.main_cond_dscr),
      opsp_dise_code: opsp,
      dscg_way: null,
      filing_no: terms.filing_no,
      filing_kind: terms.filing_kind,
      emergency: terms.emergency,
      created_msgid: opt(input.msgid),
    }, now),
  );
  if (diagnoses) await store.replaceDiagnoses(tx, mdtrt_id, 'visit', diagnoses);
  await audit(tx, inst, 'register', 'encounter', mdtrt_id, {
    visit_kind: input.visit_kind,
    med_type: medType,
    filing_no: terms.filing_no,
    emergency: terms.emergency,
    msgid: input.msgid ?? null,
  });
  return { mdtrt_id };
}

/** A concurrent admission of the same person got in first: the one-bed index refuses this one. */
async function admitOnce(insert: Promise<void>): Promise<void> {
  try {
    await insert;
  } catch (err) {
    const e = err as { code?: string; constraint?: string };
    if (e.code === '23505' && e.constraint === 'encounter_one_admission') {
      throw new DomainError('conflict', 'the person was admitted by another request just now: discharge or cancel that admission first.');
    }
    throw err;
  }
}

/** A visit of the actor's institution. */
export async function getVisit(tx: Queryable, actor: Principal | undefined, mdtrtId: string): Promise<Encounter> {
  if (!actor) throw new DomainError('unauthenticated', 'Sign in first.');
  const visit = await store.encounterById(tx, mdtrtId);
  if (!visit) throw notFound(`visit ${mdtrtId}`);
  authorize(actor, 'encounter.write', { institution: visit.fixmedins_code });
  return visit;
}

/** Cancels a registration (2202) or admission (2404) that has no fee lines waiting and no settlement. */
export async function cancelRegistration(tx: Queryable, actor: Principal | undefined, mdtrtId: string, now: Date, check: VisitCheck = {}): Promise<Encounter> {
  const visit = await ownVisit(tx, actor, mdtrtId, check);
  requireChangeable(visit, 'cancelling it');
  if (visit.status === 'discharged') throw new DomainError('business_rule', `visit ${mdtrtId} is discharged: cancel the discharge (2405) before cancelling the admission.`);
  const waiting = await store.linesOf(tx, mdtrtId, ['uploaded']);
  if (waiting.length > 0) {
    throw new DomainError('business_rule', `visit ${mdtrtId} has ${waiting.length} uploaded fee line(s): cancel them first (2302/2205 with "0000" cancels all), then cancel the visit.`);
  }
  await store.updateEncounter(tx, mdtrtId, { status: 'cancelled' }, now);
  await audit(tx, actor!, 'cancel', 'encounter', mdtrtId, {});
  return { ...visit, status: 'cancelled' };
}

/**
 * Visit information (2203/2203A) or an admission change (2403): the fields
 * given replace the visit's; a change of med_type, begin time, emergency or
 * disease is checked again as at registration.
 */
export async function updateVisit(tx: Queryable, actor: Principal | undefined, mdtrtId: string, update: VisitUpdate, now: Date, check: VisitCheck = {}): Promise<Encounter> {
  const visit = await ownVisit(tx, actor, mdtrtId, check);
  requireChangeable(visit, 'changing it');
  const inst = actor as Institution;
  const medType = update.med_type === undefined ? visit.med_type : medTypeOf(update.med_type, visit.visit_kind);
  const begin = update.begntime === undefined ? null : parseHisTime(update.begntime, 'begntime');
  if (begin && businessDate(begin) > businessDate(now)) throw invalid('begntime', `is after today (${businessDate(now)})`);
  if (begin && visit.endtime !== null && begin > parseHisTime(visit.endtime, 'endtime')) throw invalid('begntime', `is after the discharge time ${visit.endtime}`);
  const opsp =
    medType !== CHRONIC_MED_TYPE
      ? null
      : chronicCodeOf({ opsp_dise_code: update.opsp_dise_code ?? null, dise_codg: update.dise_codg ?? null }, await chronicCodes(tx)) ?? visit.opsp_dise_code;
  const diagnoses = diagnosesFrom(update.diagnoses, 'diseinfo');
  const declared = update.emergency ?? (visit.emergency && !isEmergencyType(visit.med_type));

  const recheck =
    medType !== visit.med_type || begin !== null || opsp !== visit.opsp_dise_code || (update.emergency !== undefined && update.emergency !== visit.emergency);
  const terms = recheck
    ? await eligibilityOf(tx, inst, {
        psn_no: visit.psn_no,
        insutype: visit.insutype,
        visit_kind: visit.visit_kind,
        med_type: medType,
        emergency: declared,
        date: businessDate(begin ?? parseHisTime(visit.begntime, 'begntime')),
        opsp_dise_code: opsp,
      })
    : null;

  const changes = {
    med_type: medType,
    ...(begin ? { begntime: begin } : {}),
    ipt_otp_no: update.ipt_otp_no,
    medrcdno: update.medrcdno,
    dept_code: update.dept_code,
    dept_name: update.dept_name,
    caty: update.caty,
    adm_bed: update.adm_bed,
    atddr_no: update.atddr_no,
    dr_name: update.dr_name,
    adm_diag_dscr: update.adm_diag_dscr,
    dise_codg: update.dise_codg,
    dise_name: update.dise_name,
    main_cond_dscr: update.main_cond_dscr,
    opsp_dise_code: opsp,
    ...(terms ? { filing_no: terms.filing_no, filing_kind: terms.filing_kind, emergency: terms.emergency } : {}),
  };
  await store.updateEncounter(tx, mdtrtId, changes, now);
  if (diagnoses) await store.replaceDiagnoses(tx, mdtrtId, 'visit', diagnoses);
  await audit(tx, inst, 'update', 'encounter', mdtrtId, {
    fields: Object.entries(changes).filter(([, v]) => v !== undefined).map(([k]) => k).concat(diagnoses ? ['diseinfo'] : []),
    med_type: medType,
  });
  return (await store.encounterById(tx, mdtrtId))!;
}

const isEmergencyType = (medType: string) => medType === '13' || medType === '24';

/** Discharge (2402): the admission ends at `endtime`; fee lines may still be uploaded until it is settled. */
export async function discharge(tx: Queryable, actor: Principal | undefined, mdtrtId: string, input: DischargeInput, now: Date, check: VisitCheck = {}): Promise<Encounter> {
  const visit = await ownVisit(tx, actor, mdtrtId, { ...check, visit_kind: 'inpatient' });
  requireChangeable(visit, 'discharging');
  if (visit.status === 'discharged') throw new DomainError('business_rule', `visit ${mdtrtId} was discharged at ${visit.endtime}: cancel the discharge (2405) to change it.`);
  const end = parseHisTime(input.endtime, 'endtime');
  if (end < parseHisTime(visit.begntime, 'begntime')) throw invalid('endtime', `is before the admission time ${visit.begntime}`);
  if (end.getTime() > now.getTime() + 5 * 60_000) throw invalid('endtime', 'is in the future: discharge when the patient leaves');
  const diagnoses = diagnosesFrom(input.diagnoses, 'diseinfo');
  await store.updateEncounter(
    tx,
    mdtrtId,
    { status: 'discharged', endtime: end, dscg_way: input.dscg_way ?? null, dise_codg: input.dise_codg, dise_name: input.dise_name },
    now,
  );
  if (diagnoses) await store.replaceDiagnoses(tx, mdtrtId, 'discharge', diagnoses);
  await audit(tx, actor!, 'discharge', 'encounter', mdtrtId, { dscg_way: input.dscg_way ?? null });
  return (await store.encounterById(tx, mdtrtId))!;
}

/** Discharge cancel (2405): the admission is open again, while it is not settled. */
export async function cancelDischarge(tx: Queryable, actor: Principal | undefined, mdtrtId: string, now: Date, check: VisitCheck = {}): Promise<Encounter> {
  const visit = await ownVisit(tx, actor, mdtrtId, { ...check, visit_kind: 'inpatient' });
  requireChangeable(visit, 'cancelling the discharge');
  if (visit.status !== 'discharged') throw new DomainError('business_rule', `visit ${mdtrtId} is not discharged: there is no discharge to cancel.`);
  const other = await store.openAdmissionOf(tx, visit.psn_no);
  if (other) throw new DomainError('conflict', `the person has been admitted again since (mdtrt_id ${other.mdtrt_id}): that admission must end first.`);
  await store.updateEncounter(tx, mdtrtId, { status: 'open', endtime: null, dscg_way: null }, now);
  await store.replaceDiagnoses(tx, mdtrtId, 'discharge', []);
  await audit(tx, actor!, 'cancel_discharge', 'encounter', mdtrtId, {});
  return (await store.encounterById(tx, mdtrtId))!;
}

// ---------------------------------------------------------------- fee lines

/** A fee line read from the HIS's values: exact fen and ten-thousandths, the amount checked against pric × cnt. */
interface ParsedLine {
  index: number;
  input: FeeLineIn;
  at: Date;
  date: string;
  /** `at` as stored lines show it (yyyy-MM-dd HH:mm:ss, Shanghai) */
  time: string;
  qty_e4: number;
  pric_fen: Fen;
  amount_fen: Fen;
}

function parseLines(lines: readonly FeeLineIn[]): ParsedLine[] {
  const issues: FieldIssue[] = [];
  const out: ParsedLine[] = [];
  lines.forEach((l, index) => {
    const path = `feedetail[${index}]`;
    const field = <T>(name: string, read: () => T): T | undefined => {
      try {
        return read();
      } catch (err) {
        if (!(err instanceof DomainError) || err.code !== 'validation') throw err;
        issues.push(...err.issues);
        return undefined;
      }
    };
    const at = field('fee_ocur_time', () => parseHisTime(l.fee_ocur_time, `${path}.fee_ocur_time`));
    const qty = field('cnt', () => parseQty(l.cnt, `${path}.cnt`));
    const price = field('pric', () => yuanFromJson(l.pric, `${path}.pric`));
    const amount = field('det_item_fee_sumamt', () => yuanFromJson(l.det_item_fee_sumamt, `${path}.det_item_fee_sumamt`));
    if (price !== undefined && price < 0) issues.push({ path: `${path}.pric`, message: 'must not be negative: a refund has a negative cnt' });
    if (l.med_list_codg === undefined && l.medins_list_codg === undefined) {
      issues.push({ path: `${path}.med_list_codg`, message: 'is required (or medins_list_codg, the institution code mapped to it)' });
    }
    if (at === undefined || qty === undefined || price === undefined || amount === undefined || price < 0) return;
    const problem = lineAmountProblem(amount, price, qty);
    if (problem) {
      issues.push({ path: `${path}.det_item_fee_sumamt`, message: problem });
      return;
    }
    out.push({ index, input: l, at, date: businessDate(at), time: shanghaiDateTime(at), qty_e4: qty, pric_fen: price, amount_fen: amount });
  });
  if (issues.length > 0) throw invalidMany(issues, 'the fee lines were not uploaded');
  return out;
}

/**
 * Finds catalogue items for a batch, each (code, date) looked up once. A
 * line's item is its med_list_codg in force on the fee date; when that is
 * absent or not a national code, the institution's own code is mapped.
 * `load` asks for a whole batch's items together (one query, and one more for
 * mapped codes); `item` and `resolve` then answer from what it found, and
 * look up what it was not asked for.
 */
function catalogueReader(tx: Queryable, institution: string, province: string) {
  const items = new Map<string, CatalogItem | null>();
  const mapped = new Map<string, string | null>();
  const key = (code: string, date: string) => `${code}\u0000${date}`;
  const fetch = async (pairs: readonly { hilist_code: string; date: string }[]) => {
    const missing = pairs.filter((p) => !items.has(key(p.hilist_code, p.date)));
    if (missing.length === 0) return;
    const found = await classifyManyOn(tx, province, missing);
    for (const p of missing) items.set(key(p.hilist_code, p.date), found.get(p.hilist_code, p.date) ?? null);
  };
  const ownCode = (l: FeeLineIn) => l.medins_list_codg ?? l.med_list_codg!;
  const item = async (code: string, date: string) => {
    if (!items.has(key(code, date))) await fetch([{ hilist_code: code, date }]);
    return items.get(key(code, date))!;
  };
  const local = async (code: string) => {
    if (!mapped.has(code)) mapped.set(code, (await mappedHilistCodes(tx, institution, [code])).get(code)!);
    return mapped.get(code)!;
  };
  return {
    item,
    async load(lines: readonly { line: FeeLineIn; date: string }[], more: readonly { hilist_code: string; date: string }[] = []): Promise<void> {
      await fetch([...lines.flatMap((l) => (l.line.med_list_codg === undefined ? [] : [{ hilist_code: l.line.med_list_codg, date: l.date }])), ...more]);
      const unmatched = lines.filter((l) => l.line.med_list_codg === undefined || items.get(key(l.line.med_list_codg, l.date)) === null);
      const own = [...new Set(unmatched.map((l) => ownCode(l.line)))].filter((c) => !mapped.has(c));
      if (own.length > 0) for (const [c, national] of await mappedHilistCodes(tx, institution, own)) mapped.set(c, national);
      await fetch(unmatched.flatMap((l) => {
        const national = mapped.get(ownCode(l.line));
        return national == null ? [] : [{ hilist_code: national, date: l.date }];
      }));
    },
    async resolve(l: FeeLineIn, date: string): Promise<{ code: string | null; item: CatalogItem | null }> {
      if (l.med_list_codg !== undefined) {
        const direct = await item(l.med_list_codg, date);
        if (direct) return { code: l.med_list_codg, item: direct };
      }
      const national = await local(ownCode(l));
      if (national !== null) return { code: national, item: await item(national, date) };
      return { code: l.med_list_codg ?? null, item: null };
    },
  };
}

/** The facts of a line as sent, in the stored line's terms, to tell a resent line from another. */
function factsOf(p: ParsedLine, code: string | null): Pick<PricedFeeLine, (typeof SAME_LINE_FIELDS)[number]> {
  const l = p.input;
  return {
    init_feedetl_sn: l.init_feedetl_sn ?? null,
    chrg_bchno: l.chrg_bchno ?? null,
    rxno: l.rxno ?? null,
    drord_no: l.drord_no ?? null,
    med_list_codg: code,
    medins_list_codg: l.medins_list_codg ?? null,
    fee_ocur_time: p.time,
    qty_e4: p.qty_e4,
    pric_fen: p.pric_fen,
    det_item_fee_sumamt_fen: p.amount_fen,
  };
}

/** The line priced and classified, in the shape stored and answered. */
function priced(p: ParsedLine, code: string | null, item: CatalogItem | null, parts?: Remainder): PricedFeeLine {
  const c = classifyLine({ amount_fen: p.amount_fen, qty_e4: p.qty_e4, price_fen: p.pric_fen }, item);
  const l = p.input;
  return {
    feedetl_sn: l.feedetl_sn,
    ...factsOf(p, code),
    listed: c.listed,
    chrgitm_lv: c.chrgitm_lv,
    selfpay_prop_bp: c.selfpay_prop_bp,
    pric_uplmt_fen: c.pric_uplmt_fen,
    fulamt_ownpay_fen: parts ? fen(-parts.fulamt_ownpay_fen) : c.fulamt_ownpay_fen,
    overlmt_fen: parts ? fen(-parts.overlmt_fen) : c.overlmt_fen,
    preselfpay_fen: parts ? fen(-parts.preselfpay_fen) : c.preselfpay_fen,
    inscp_scp_fen: parts ? fen(-parts.inscp_scp_fen) : c.inscp_scp_fen,
    // An unlisted item has no catalogue type: 14 is "other".
    med_chrgitm_type: item?.med_chrgitm_type ?? '14',
    list_type: item?.list_type ?? null,
    bilg_dept_codg: l.bilg_dept_codg ?? null,
    bilg_dept_name: l.bilg_dept_name ?? null,
    bilg_dr_codg: l.bilg_dr_codg ?? null,
    bilg_dr_name: l.bilg_dr_name ?? null,
    hosp_appr_flag: l.hosp_appr_flag ?? null,
    memo: l.memo ?? null,
  };
}


/** The fields that make two uploads of one feedetl_sn the same line. */
const SAME_LINE_FIELDS = [
  'init_feedetl_sn', 'chrg_bchno', 'rxno', 'drord_no', 'med_list_codg', 'medins_list_codg', 'fee_ocur_time', 'qty_e4', 'pric_fen', 'det_item_fee_sumamt_fen',
] as const satisfies readonly (keyof PricedFeeLine)[];

const HIS_NAMES: Record<(typeof SAME_LINE_FIELDS)[number], string> = {
  init_feedetl_sn: 'init_feedetl_sn',
  chrg_bchno: 'chrg_bchno',
  rxno: 'rxno',
  drord_no: 'drord_no',
  med_list_codg: 'med_list_codg',
  medins_list_codg: 'medins_list_codg',
  fee_ocur_time: 'fee_ocur_time',
  qty_e4: 'cnt',
  pric_fen: 'pric',
  det_item_fee_sumamt_fen: 'det_item_fee_sumamt',
};

function differingField(a: Pick<PricedFeeLine, (typeof SAME_LINE_FIELDS)[number]>, b: Pick<PricedFeeLine, (typeof SAME_LINE_FIELDS)[number]>): string | null {
  const f = SAME_LINE_FIELDS.find((k) => a[k] !== b[k]);
  return f === undefined ? null : HIS_NAMES[f];
}

/**
 * Fee upload (2301 inpatient, 2204 outpatient): every line classified by the
 * treatment province's catalogue in force on its fee date. A refund line
 * (init_feedetl_sn, negative cnt) comes off an uploaded line of the visit and
 * is classified as that line was, so refunding all of it nets every part to
 * zero. A feedetl_sn already uploaded is answered again when the line is the
 * same, and refused when it differs. Answers the lines in the order sent.
 */
export async function uploadFees(tx: Queryable, actor: Principal | undefined, mdtrtId: string, lines: readonly FeeLineIn[], now: Date, check: VisitCheck = {}): Promise<ClassifiedFeeLine[]> {
  const visit = await ownVisit(tx, actor, mdtrtId, check);
  requireChangeable(visit, 'uploading fee lines');
  if (lines.length === 0) throw invalid('feedetail', 'must hold at least one fee line');
  const parsed = parseLines(lines);
  const catalogue = catalogueReader(tx, visit.fixmedins_code, provinceOf(visit.mdtrtarea_admvs));
  const visitDate = visit.begntime.slice(0, 10);

  const sns = [...new Set(parsed.flatMap((p) => [p.input.feedetl_sn, ...(p.input.init_feedetl_sn ? [p.input.init_feedetl_sn] : [])]))];
  const stored = new Map((await store.liveLinesBySn(tx, mdtrtId, sns)).map((l) => [l.feedetl_sn, l]));
  const storedRefunds = await store.liveRefundsOf(tx, [...stored.values()].filter((l) => l.refunds_id === null).map((l) => l.id));

  const issues: FieldIssue[] = [];
  /** What is left of each refundable line: those stored, then those earlier in this batch. */
  const left = new Map<string, { line: PricedFeeLine & { id?: number }; date: string; rest: Remainder }>();
  for (const l of stored.values()) {
    if (l.refunds_id !== null || l.status !== 'uploaded') continue;
    left.set(l.feedetl_sn, { line: l, date: l.fee_ocur_time.slice(0, 10), rest: remainderAfter(l, storedRefunds.filter((r) => r.refunds_id === l.id)) });
  }
  const answers: (PricedFeeLine | store.StoredLine)[] = [];
  const fresh: { line: PricedFeeLine; refundOf: string | null }[] = [];
  const inBatch = new Map<string, PricedFeeLine>();

  // The batch's items in one query, with those of the stored lines it may refund.
  await catalogue.load(
    parsed.filter((p) => p.input.init_feedetl_sn === undefined).map((p) => ({ line: p.input, date: p.date })),
    [...left.values()].flatMap(({ line, date }) => (line.listed && line.med_list_codg !== null ? [{ hilist_code: line.med_list_codg, date }] : [])),
  );
  const today = businessDate(now);
  for (const p of parsed) {
    const path = `feedetail[${p.index}]`;
    const l = p.input;
    if (p.date < visitDate || p.date > today) {
      issues.push({ path: `${path}.fee_ocur_time`, message: p.date > today ? `is after today (${today})` : `is before the visit began (${visit.begntime})` });
      continue;
    }
    const original = l.init_feedetl_sn === undefined ? null : left.get(l.init_feedetl_sn);
    if (original === undefined) {
      issues.push({ path: `${path}.init_feedetl_sn`, message: `${l.init_feedetl_sn} is not an uploaded, unsettled fee line of visit ${mdtrtId}` });
      continue;
    }
    if (original === null && p.qty_e4 < 0) {
      issues.push({ path: `${path}.cnt`, message: 'is negative: a refund line names the line it refunds in init_feedetl_sn' });
      continue;
    }
    // A refund is of the refunded line's item, classified by it on that line's fee date.
    const { code, item } = original
      ? { code: original.line.med_list_codg, item: original.line.listed && original.line.med_list_codg !== null ? await catalogue.item(original.line.med_list_codg, original.date) : null }
      : await catalogue.resolve(l, p.date);

    const before = stored.get(l.feedetl_sn) ?? inBatch.get(l.feedetl_sn);
    if (before) {
      const differs = differingField(before, factsOf(p, code));
      if (differs !== null) {
        issues.push({
          path: `${path}.feedetl_sn`,
          message: `${l.feedetl_sn} was ${stored.has(l.feedetl_sn) ? 'uploaded before' : 'sent twice in this upload'} with another ${differs}: cancel it first (2302/2205) or use a new feedetl_sn`,
        });
      } else answers.push(before);
      continue;
    }

    let line: PricedFeeLine;
    if (original) {
      const problem = refundProblem(original.rest, p.qty_e4, p.amount_fen);
      if (problem) {
        issues.push({ path: `${path}.${problem.field}`, message: problem.message });
        continue;
      }
      line = priced(p, code, item, takesAll(original.rest, p.qty_e4, p.amount_fen) ? original.rest : undefined);
      applyRefund(original.rest, line);
    } else {
      line = priced(p, code, item);
      left.set(l.feedetl_sn, { line, date: p.date, rest: remainderAfter(line, []) });
    }
    inBatch.set(l.feedetl_sn, line);
    answers.push(line);
    fresh.push({ line, refundOf: l.init_feedetl_sn ?? null });
  }
  if (issues.length > 0) throw invalidMany(issues, 'the fee lines were not uploaded');

  // A refund of a line of this batch needs that line's id: originals go in first.
  const originals = fresh.filter((f) => f.refundOf === null);
  const refunds = fresh.filter((f) => f.refundOf !== null);
  const inserted = new Map<string, ClassifiedFeeLine>();
  const insert = async (batch: typeof fresh, refundsId: (f: (typeof fresh)[number]) => number | null) => {
    const ids = await store.insertLines(tx, mdtrtId, batch.map((f) => ({ line: f.line, refunds_id: refundsId(f) })), now);
    batch.forEach(({ line }, i) => inserted.set(line.feedetl_sn, classified(line, { id: ids[i]!, mdtrt_id: mdtrtId, status: 'uploaded', setl_id: null, created_at: now })));
  };
  await insert(originals, () => null);
  await insert(refunds, (f) => (inserted.get(f.refundOf!) ?? stored.get(f.refundOf!))!.id);

  if (fresh.length > 0) {
    const total = sumParts(fresh.map((f) => f.line));
    await audit(tx, actor!, 'upload_fees', 'encounter', mdtrtId, {
      lines: fresh.length,
      refunds: refunds.length,
      amount_fen: total.fulamt_ownpay_fen + total.overlmt_fen + total.preselfpay_fen + total.inscp_scp_fen,
    });
  }
  return answers.map((a) => ('id' in a ? strip(a) : inserted.get(a.feedetl_sn)!));
}

/** A stored line as the module's model shows it. */
function strip(l: store.StoredLine): ClassifiedFeeLine {
  return classified(l, l);
}

/** A bigint column holds no negative zero: a refund's parts computed as -0 are stored, and answered, as 0. */
const asStored = <T extends number>(n: T): T => (n + 0) as T;

/**
 * A priced line with what storing it added, as reading it back would give it.
 * Written field by field: copying an object this wide with spread syntax
 * costs microseconds a line.
 */
function classified(l: PricedFeeLine, s: Pick<ClassifiedFeeLine, 'id' | 'mdtrt_id' | 'status' | 'setl_id' | 'created_at'>): ClassifiedFeeLine {
  return {
    id: s.id,
    mdtrt_id: s.mdtrt_id,
    feedetl_sn: l.feedetl_sn,
    init_feedetl_sn: l.init_feedetl_sn,
    chrg_bchno: l.chrg_bchno,
    rxno: l.rxno,
    drord_no: l.drord_no,
    med_list_codg: l.med_list_codg,
    medins_list_codg: l.medins_list_codg,
    fee_ocur_time: l.fee_ocur_time,
    qty_e4: asStored(l.qty_e4),
    pric_fen: asStored(l.pric_fen),
    det_item_fee_sumamt_fen: asStored(l.det_item_fee_sumamt_fen),
    listed: l.listed,
    chrgitm_lv: l.chrgitm_lv,
    selfpay_prop_bp: asStored(l.selfpay_prop_bp),
    pric_uplmt_fen: l.pric_uplmt_fen === null ? null : asStored(l.pric_uplmt_fen),
    fulamt_ownpay_fen: asStored(l.fulamt_ownpay_fen),
    overlmt_fen: asStored(l.overlmt_fen),
    preselfpay_fen: asStored(l.preselfpay_fen),
    inscp_scp_fen: asStored(l.inscp_scp_fen),
    med_chrgitm_type: l.med_chrgitm_type,
    list_type: l.list_type,
    bilg_dept_codg: l.bilg_dept_codg,
    bilg_dept_name: l.bilg_dept_name,
    bilg_dr_codg: l.bilg_dr_codg,
    bilg_dr_name: l.bilg_dr_name,
    hosp_appr_flag: l.hosp_appr_flag,
    memo: l.memo,
    status: s.status,
    setl_id: s.setl_id,
    created_at: s.created_at,
  };
}

/**
 * Classifies lines by the actor's province catalogue without storing them: a
 * pharmacy pre-settlement (2101) prices a purchase before anything is recorded.
 */
export async function classifyFees(tx: Queryable, actor: Principal | undefined, lines: readonly FeeLineIn[], now: Date): Promise<PricedFeeLine[]> {
  const inst = requireInstitution(actor);
  if (lines.length === 0) throw invalid('feedetail', 'must hold at least one fee line');
  const parsed = parseLines(lines);
  const issues: FieldIssue[] = [];
  parsed.forEach((p) => {
    if (p.input.init_feedetl_sn !== undefined || p.qty_e4 < 0) issues.push({ path: `feedetail[${p.index}].cnt`, message: 'must be positive: a purchase has no refund lines' });
    if (p.date > businessDate(now)) issues.push({ path: `feedetail[${p.index}].fee_ocur_time`, message: `is after today (${businessDate(now)})` });
  });
  const seen = new Set<string>();
  parsed.forEach((p) => {
    if (seen.has(p.input.feedetl_sn)) issues.push({ path: `feedetail[${p.index}].feedetl_sn`, message: `${p.input.feedetl_sn} is sent twice` });
    seen.add(p.input.feedetl_sn);
  });
  if (issues.length > 0) throw invalidMany(issues, 'the fee lines were not classified');
  const catalogue = catalogueReader(tx, inst.code, provinceOf(inst.admdvs));
  await catalogue.load(parsed.map((p) => ({ line: p.input, date: p.date })));
  const out: PricedFeeLine[] = [];
  for (const p of parsed) {
    const { code, item } = await catalogue.resolve(p.input, p.date);
    out.push(priced(p, code, item));
  }
  return out;
}

/**
 * Fee cancel (2302 / 2205): one line by feedetl_sn, a charge batch by
 * chrg_bchno, or every unsettled line. Refund lines of a cancelled line go
 * with it. Settled lines stay: cancel the settlement first.
 */
export async function cancelFees(tx: Queryable, actor: Principal | undefined, mdtrtId: string, selection: FeeSelection, now: Date, check: VisitCheck = {}): Promise<ClassifiedFeeLine[]> {
  const visit = await ownVisit(tx, actor, mdtrtId, check);
  if (visit.status === 'cancelled') throw new DomainError('business_rule', `visit ${mdtrtId} was cancelled: its fee lines were cancelled with it.`);
  const all = await store.linesOf(tx, mdtrtId, ['uploaded', 'settled']);
  let chosen: store.StoredLine[];
  if ('feedetl_sn' in selection) {
    const line = all.find((l) => l.feedetl_sn === selection.feedetl_sn);
    if (!line) throw new DomainError('not_found', `visit ${mdtrtId} has no uploaded fee line ${selection.feedetl_sn}: check feedetl_sn.`);
    chosen = [line];
  } else if ('chrg_bchno' in selection) {
    chosen = all.filter((l) => l.chrg_bchno === selection.chrg_bchno);
    if (chosen.length === 0) throw new DomainError('not_found', `visit ${mdtrtId} has no uploaded fee lines in charge batch ${selection.chrg_bchno}: check chrg_bchno.`);
  } else {
    chosen = all.filter((l) => l.status === 'uploaded');
    if (chosen.length === 0) throw new DomainError('not_found', `visit ${mdtrtId} has no unsettled fee lines to cancel.`);
  }
  const settled = chosen.find((l) => l.status === 'settled');
  if (settled) {
    throw new DomainError('business_rule', `fee line ${settled.feedetl_sn} is settled (setl_id ${settled.setl_id}): cancel the settlement first, then the fee lines.`);
  }
  const ids = new Set(chosen.map((l) => l.id));
  for (const r of all) if (r.refunds_id !== null && ids.has(r.refunds_id) && r.status === 'uploaded') ids.add(r.id);
  const cancelled = all.filter((l) => ids.has(l.id));
  await store.cancelLines(tx, [...ids], now);
  await audit(tx, actor!, 'cancel_fees', 'encounter', mdtrtId, { lines: cancelled.length, selection });
  return cancelled.map((l) => ({ ...strip(l), status: 'cancelled' as const }));
}

// ---------------------------------------------------------------- settlement

/**
 * The visit locked (`FOR UPDATE`) with its unsettled lines and their totals,
 * for the settlement service: another institution's visit and a cancelled
 * visit are refused.
 */
export async function visitForSettlement(tx: Queryable, actor: Principal | undefined, mdtrtId: string): Promise<VisitForSettlement> {
  const visit = await ownVisit(tx, actor, mdtrtId);
  if (visit.status === 'cancelled') throw new DomainError('business_rule', `visit ${mdtrtId} was cancelled: it cannot be settled.`);
  const lines = (await store.linesOf(tx, mdtrtId, ['uploaded'])).map(strip);
  return { visit, lines, totals: sumParts(lines) };
}

/** Records the visit's live settlement: its lines become settled under `setlId`. Call with the visit locked. */
export async function markSettled(tx: Queryable, mdtrtId: string, setlId: string, lineIds: readonly number[]): Promise<void> {
  const done = await store.settleVisit(tx, mdtrtId, setlId, lineIds);
  if (!done.visit) throw new DomainError('conflict', `visit ${mdtrtId} is already settled or does not exist.`);
  if (done.lines !== new Set(lineIds).size) {
    throw new DomainError('conflict', `visit ${mdtrtId}: ${lineIds.length - done.lines} of the lines to settle are no longer unsettled fee lines of the visit; settle again.`);
  }
}

/** Undoes `markSettled` after the settlement `setlId` is cancelled: its lines wait for a settlement again. */
export async function markUnsettled(tx: Queryable, mdtrtId: string, setlId: string): Promise<void> {
  if (!(await store.unsettleVisit(tx, mdtrtId, setlId))) throw new DomainError('conflict', `setl_id ${setlId} is not the live settlement of visit ${mdtrtId}.`);
}

/**
 * The ordinal of an admission in the year for a per-admission deductible: 1
 * plus the person's other admissions in the scheme that year, settled at the
 * desk (discharged that year by the Shanghai calendar) or reimbursed by a paid
 * manual claim. The stay or the claim being computed is left out of its own
 * count.
 */
export async function admissionOrdinal(tx: Queryable, psnNo: string, insutype: string, year: number, except: { mdtrt_id?: string; claim_id?: number } = {}): Promise<number> {
  return (await store.yearAdmissions(tx, psnNo, insutype, year, { mdtrt_id: except.mdtrt_id ?? null, claim_id: except.claim_id ?? null })) + 1;
}
