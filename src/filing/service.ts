import { audit } from '../auth/audit.ts';
import { actorName, type Principal } from '../auth/model.ts';
import { authorize, isAllowed, regionScope } from '../auth/permissions.ts';
import { addDays } from '../core/clock.ts';
import { DomainError, invalid, invalidMany, notFound } from '../core/errors.ts';
import type { Queryable } from '../db/pool.ts';
import { getInstitution, searchInstitutions, type InstitutionQuery } from '../institutions/service.ts';
import { findPerson, getPersonOverview, insuranceOn, maskCertno, type PersonOverview } from '../people/service.ts';
import { parseCertno } from '../core/idcard.ts';
import { policyInForce } from '../policy/service.ts';
import { getRegion } from '../reference/service.ts';
import type { Coverage, Filing, FilingInput } from './model.ts';
import type { PolicySettings } from '../policy/model.ts';
import { changeableFrom, coverageOn, endDateFor, filingIssues, statusOn } from './rules.ts';
import * as store from './store.ts';


async function areaFacts(tx: Queryable, code: string) {
  try {
    const r = await getRegion(tx, code);
    return { exists: true, pooling: r.is_pooling, province: r.level === 1 && r.is_pooling === false, hasScheme: r.has_scheme };
  } catch (err) {
    if (err instanceof DomainError && (err.code === 'not_found' || err.code === 'validation')) {
      return { exists: false, pooling: false, province: false, hasScheme: false };
    }
    throw err;
  }
}

function enrolmentOf(overview: PersonOverview, insutype: string, field = 'insutype') {
  const e = overview.enrolments.find((x) => x.insutype === insutype);
  if (!e) throw invalid(field, `the person is not enrolled in scheme ${insutype}`);
  return e;
}

function filingNo(insuredArea: string, today: string, serial: number): string {
  return `BA${insuredArea}${today.slice(2).replaceAll('-', '')}${String(serial).padStart(8, '0')}`;
}

/** Marks a temporary filing that has run out as expired, in the filing and the national database. */
async function settleExpiry(tx: Queryable, f: Filing, certno: string, today: string, actor: Principal): Promise<Filing | null> {
  if (statusOn(f, today) !== 'expired') return f;
  const expired = await store.setStatus(tx, f.id, 'expired');
  await store.reportNational(tx, expired, certno, 'expired', actorName(actor));
  return null;
}

/** A filing as answered: the agent's ID number is kept for the record, shown masked. */
function shown<F extends Pick<Filing, 'agent'>>(f: F): F {
  return f.agent ? { ...f, agent: { ...f.agent, certno: maskCertno(f.agent.certno) } } : f;
}

export interface FilingResult {
  filing: Filing;
  /** what the person reads next: active now, or waiting for the insured place's review */
  message: string;
}

/**
 * Files for treatment in another area. One live filing per person and scheme:
 * filing again gets "already filed" with the existing record and where it was made.
 */
/**
 * The person a filing request names: by `psn_no`, or by the ID number a counter
 * clerk or relative has at hand (checked, check digit included).
 */
export async function resolveFiler(tx: Queryable, actor: Principal | undefined, who: { psn_no?: string; certno?: string }): Promise<string> {
  if (who.psn_no) return who.psn_no;
  if (!who.certno) throw invalid('psn_no', 'is required (or give certno, the ID number)');
  const parsed = parseCertno(who.certno);
  if (!parsed.ok) throw invalid('certno', parsed.reason);
  return (await findPerson(tx, actor, { type: 'id_card', certno: parsed.certno })).psn_no;
}

export async function file(tx: Queryable, actor: Principal | undefined, input: FilingInput, today: string, replaces: Filing | null = null): Promise<FilingResult> {
  const overview = await getPersonOverview(tx, actor, input.psn_no);
  authorize(actor, 'filing.write', { psnNo: input.psn_no, region: overview.person.insuplc_admdvs });
  return fileAuthorised(tx, actor, overview, input, today, replaces);
}

/** Files for a person whom `actor` has been authorised to file for. */
async function fileAuthorised(
  tx: Queryable,
  actor: Principal,
  overview: PersonOverview,
  input: FilingInput,
  today: string,
  replaces: Filing | null,
): Promise<FilingResult> {
  const enrolment = enrolmentOf(overview, input.insutype);
  const policy = await policyInForce(tx, enrolment.insuplc_admdvs, input.insutype, today);
  const issues = filingIssues(input, {
    today,
    insuredArea: enrolment.insuplc_admdvs,
    settings: policy.doc.settings,
    area: await areaFacts(tx, input.area),
    enrolmentActive: enrolment.status === 'active',
  });
  if (issues.length) throw invalidMany(issues, 'the filing was not made');

  const live = await store.liveFilingForUpdate(tx, input.psn_no, input.insutype);
  const stillLive = live ? await settleExpiry(tx, live, overview.person.certno, today, actor) : null;
  if (stillLive) {
    throw new DomainError(
      'conflict',
      `Already filed, no need to file again: a ${stillLive.kind} filing for ${stillLive.area} made through ${stillLive.channel} on ${stillLive.created_at.slice(0, 10)} is ${stillLive.status === 'active' ? 'in force' : 'waiting for review'}.`,
      [],
      { existing: shown(stillLive) },
    );
  }

  const status = policy.doc.settings.review_filing_kinds.includes(input.kind) ? 'pending_review' : 'active';
  const filing = await store.insertFiling(tx, {
    ...input,
    filing_no: filingNo(enrolment.insuplc_admdvs, today, await store.nextFilingSerial(tx)),
    insuplc_admdvs: enrolment.insuplc_admdvs,
    end_date: endDateFor(input.kind, input.begin_date, policy.doc.settings),
    status,
    acted_by: actorName(actor),
    replaces_id: replaces?.id ?? null,
    late: input.ongoing_stay_since !== undefined,
  });
  await store.reportNational(tx, filing, overview.person.certno, 'filed', actorName(actor));
  await audit(tx, actor, 'file', 'filing', filing.filing_no, {
    kind: filing.kind,
    area: filing.area,
    channel: filing.channel,
    agent_relation: input.agent?.relation ?? null,
  });
  return {
    filing: shown(filing),
    message:
      status === 'active'
        ? `Filed: direct settlement in ${filing.area} from ${filing.begin_date}${filing.end_date ? ` to ${filing.end_date}` : ' until changed or cancelled'}.`
        : 'Filed: the insured place reviews this kind of filing; it takes effect when approved.',
  };
}

async function ownFiling(tx: Queryable, actor: Principal | undefined, id: number): Promise<{ filing: Filing; certno: string }> {
  const filing = await store.filingById(tx, id, true);
  if (!filing) throw notFound(`filing ${id}`);
  const overview = await getPersonOverview(tx, actor, filing.psn_no);
  authorize(actor, 'filing.write', { psnNo: filing.psn_no, region: filing.insuplc_admdvs });
  return { filing, certno: overview.person.certno };
}

async function requireChangeable(tx: Queryable, f: Filing, today: string, what: string): Promise<void> {
  const status = statusOn(f, today);
  if (status !== 'active' && status !== 'pending_review') throw new DomainError('business_rule', `This filing is ${status}; it cannot be ${what}.`);
  const policy = await policyInForce(tx, f.insuplc_admdvs, f.insutype, today);
  const from = changeableFrom(f, policy.doc.settings);
  if (today < from) {
    throw new DomainError(
      'business_rule',
      `Your insured place keeps long-term filings for at least ${policy.doc.settings.long_term_min_months} months: this filing can be ${what} from ${from}.`,
      [],
      { possible_from: from },
    );
  }
}

/** Changes the area: the old filing ends the day before the new one begins; nothing is edited in place. */
export async function changeArea(
  tx: Queryable,
  actor: Principal | undefined,
  id: number,
  change: { area: string; begin_date: string; channel: FilingInput['channel'] },
  today: string,
): Promise<FilingResult> {
  const { filing: old, certno } = await ownFiling(tx, actor, id);
  await requireChangeable(tx, old, today, 'changed');
  if (change.area === old.area) throw invalid('area', 'is the area of the current filing already');
  // The old filing ends first so the new one is the person's only live filing; a
  // refusal of the new one rolls both back.
  const dayBefore = addDays(change.begin_date, -1);
  const ended = await store.setStatus(tx, old.id, 'changed', { end_date: dayBefore < old.begin_date ? old.begin_date : dayBefore, ended: true });
  await store.reportNational(tx, ended, certno, 'changed', actorName(actor!));
  const result = await file(
    tx,
    actor,
    { psn_no: old.psn_no, insutype: old.insutype, kind: old.kind, area: change.area, begin_date: change.begin_date, channel: change.channel, proof: old.proof, ...(old.agent ? { agent: old.agent } : {}) },
    today,
    old,
  );
  await audit(tx, actor!, 'change', 'filing', old.filing_no, { new_filing: result.filing.filing_no, area: change.area });
  return result;
}

export async function cancel(tx: Queryable, actor: Principal | undefined, id: number, reason: string, today: string): Promise<Filing> {
  const { filing, certno } = await ownFiling(tx, actor, id);
  return cancelAuthorised(tx, actor!, filing, certno, reason, today);
}

async function cancelAuthorised(tx: Queryable, actor: Principal, filing: Filing, certno: string, reason: string, today: string): Promise<Filing> {
  await requireChangeable(tx, filing, today, 'cancelled');
  if (reason.trim() === '') throw invalid('reason', 'is required');
  const cancelled = await store.setStatus(tx, filing.id, 'cancelled', {
    review_reason: reason,
    end_date: today < filing.begin_date ? filing.begin_date : today,
    ended: true,
  });
  await store.reportNational(tx, cancelled, certno, 'cancelled', actorName(actor));
  await audit(tx, actor, 'cancel', 'filing', filing.filing_no, { reason });
  return cancelled;
}

/**
 * Reads the person for a filing a hospital makes: the hospital has been
 * authorised for the filing, not to read the person's records, so the
 * platform reads them on its behalf.
 */
const hospitalFilingReader: Principal = { kind: 'system', name: 'hospital-filing' };

/** A referral as the referring hospital sends it (HIS 2501). */
export interface HospitalReferral {
  psn_no: string;
  insutype: string;
  /** where the person is referred to: a pooling area (or a province, where the insured place allows) */
  area: string;
  begin_date: string;
  diag_code: string;
  diag_name: string;
  reason: string;
  phone?: string;
}

/**
 * A referral filed by a designated hospital of the person's insured place on
 * the referral certificate it issues (HIS 2501): a filing of kind referral
 * made through the hospital channel, reported to the national filing database.
 */
export async function fileReferral(tx: Queryable, actor: Principal | undefined, input: HospitalReferral, today: string): Promise<FilingResult> {
  const insurance = await insuranceOn(tx, input.psn_no, input.insutype, today);
  authorize(actor, 'hospital.file', { region: insurance.insuplc_admdvs });
  if (actor.kind !== 'institution') throw new DomainError('forbidden', 'A referral certificate is issued by a designated hospital.');
  const hospital = await getInstitution(tx, actor.code);
  const overview = await getPersonOverview(tx, hospitalFilingReader, input.psn_no);
  return fileAuthorised(
    tx,
    actor,
    overview,
    {
      psn_no: input.psn_no,
      insutype: input.insutype,
      kind: 'referral',
      area: input.area,
      begin_date: input.begin_date,
      channel: 'hospital',
      proof: {
        type: 'referral_certificate',
        referring_institution_code: hospital.code,
        referring_institution_name: hospital.name,
        diag_code: input.diag_code,
        diag_name: input.diag_name,
        reason: input.reason,
      },
      ...(input.phone ? { phone: input.phone } : {}),
    },
    today,
    null,
  );
}

/** Cancels a referral the same hospital filed (HIS 2502), by its filing number. */
export async function cancelReferral(tx: Queryable, actor: Principal | undefined, q: { psn_no: string; filing_no: string; reason: string }, today: string): Promise<Filing> {
  if (actor?.kind !== 'institution') throw new DomainError('forbidden', 'A referral is cancelled by the hospital that filed it.');
  const found = (await store.filingsOfPerson(tx, q.psn_no)).find((f) => f.filing_no === q.filing_no);
  const issuedHere = found?.channel === 'hospital' && found.proof.type === 'referral_certificate' && found.proof.referring_institution_code === actor.code;
  if (!found || !issuedHere) throw notFound(`a referral ${q.filing_no} of person ${q.psn_no} filed by this hospital`);
  authorize(actor, 'hospital.file', { region: found.insuplc_admdvs });
  const locked = (await store.filingById(tx, found.id, true))!;
  const overview = await getPersonOverview(tx, hospitalFilingReader, q.psn_no);
  return cancelAuthorised(tx, actor, locked, overview.person.certno, q.reason, today);
}

export async function review(
  tx: Queryable,
  actor: Principal | undefined,
  id: number,
  decision: { approve: boolean; reason: string },
): Promise<Filing> {
  const filing = await store.filingById(tx, id, true);
  if (!filing) throw notFound(`filing ${id}`);
  authorize(actor, 'filing.review', { region: filing.insuplc_admdvs });
  if (filing.status !== 'pending_review') throw new DomainError('business_rule', `This filing is ${filing.status}, not waiting for review.`);
  if (!decision.approve && decision.reason.trim() === '') throw invalid('reason', 'is required when rejecting: the person reads it');
  const overview = await getPersonOverview(tx, actor, filing.psn_no);
  const decided = await store.setStatus(tx, id, decision.approve ? 'active' : 'rejected', {
    review_reason: decision.reason.trim() || null,
    reviewed_by: actorName(actor),
    ...(decision.approve ? {} : { ended: true }),
  });
  await store.reportNational(tx, decided, overview.person.certno, decision.approve ? 'approved' : 'rejected', actorName(actor));
  await audit(tx, actor, decision.approve ? 'approve' : 'reject', 'filing', filing.filing_no, { reason: decision.reason });
  return shown(decided);
}

/** A person's filings with today's status, and the national record across every channel. */
export async function filingsOf(tx: Queryable, actor: Principal | undefined, psnNo: string, today: string) {
  const overview = await getPersonOverview(tx, actor, psnNo);
  const filings = await store.filingsOfPerson(tx, psnNo);
  const insured = (insutype: string) => overview.enrolments.some((e) => e.insutype === insutype && e.status === 'active');
  const settingsOf = new Map<string, PolicySettings>();
  for (const f of filings) {
    const key = `${f.insuplc_admdvs}:${f.insutype}`;
    if (!settingsOf.has(key)) settingsOf.set(key, (await policyInForce(tx, f.insuplc_admdvs, f.insutype, today)).doc.settings);
  }
  return {
    person: { psn_no: psnNo, name: overview.person.name, insuplc_admdvs: overview.person.insuplc_admdvs },
    filings: filings.map((f) => ({
      ...shown(f),
      status: statusOn(f, today, insured(f.insutype)),
      changeable_from: changeableFrom(f, settingsOf.get(`${f.insuplc_admdvs}:${f.insutype}`)!),
    })),
    national_records: (await store.nationalRecordsOf(tx, psnNo)).map((r) => ({ ...r, status: statusOn(r, today, insured(r.insutype)) })),
  };
}

export async function search(
  tx: Queryable,
  actor: Principal | undefined,
  filter: { status?: string; kind?: string; area?: string; psn_no?: string; page: number; page_size: number },
) {
  if (!actor) throw new DomainError('unauthenticated', 'Sign in first.');
  if (actor.kind !== 'insured_agency' && actor.kind !== 'national' && actor.kind !== 'system') {
    throw new DomainError('forbidden', 'Filings are searched by the insured place agencies.');
  }
  const found = await store.searchFilings(tx, { ...filter, region: regionScope(actor) });
  return { ...found, items: found.items.map(shown) };
}

export async function counts(tx: Queryable, actor: Principal | undefined) {
  if (!actor) throw new DomainError('unauthenticated', 'Sign in first.');
  if (actor.kind !== 'insured_agency' && actor.kind !== 'national' && actor.kind !== 'system') {
    throw new DomainError('forbidden', 'Filing statistics are for the insured place agencies.');
  }
  return store.countsByKindAndArea(tx, regionScope(actor));
}

/**
 * Is the person covered for cross-regional direct settlement in `place` on
 * `date`? Read from the national filing database, as a treatment place would.
 */
export async function coverage(
  tx: Queryable,
  actor: Principal | undefined,
  q: { psn_no: string; place: string; date: string; insutype?: string },
): Promise<Coverage> {
  const insurance = await insuranceOn(tx, q.psn_no, q.insutype ?? null, q.date);
  // The treatment place asks about its visitors; the person (and their insured place) about themselves.
  if (!actor || !isAllowed(actor, 'coverage.read', { region: q.place })) {
    authorize(actor, 'person.read', { psnNo: q.psn_no, region: insurance.insuplc_admdvs });
  }
  const records = await store.nationalLiveRecords(tx, q.psn_no, insurance.insutype);
  return coverageOn(records, { place: q.place, date: q.date, insuredArea: insurance.insuplc_admdvs, enrolmentActive: insurance.active });
}

/**
 * "Check the point" before travelling: networked institutions matching the
 * search, each saying whether the person's filing covers it.
 */
export async function institutionsFor(
  tx: Queryable,
  actor: Principal | undefined,
  psnNo: string,
  query: InstitutionQuery,
  today: string,
) {
  const overview = await getPersonOverview(tx, actor, psnNo);
  const insurance = await insuranceOn(tx, psnNo, null, today);
  const records = await store.nationalLiveRecords(tx, psnNo, insurance.insutype);
  const found = await searchInstitutions(tx, { ...query, status: 'active' });
  return {
    ...found,
    items: found.items.map((inst) => {
      const c = coverageOn(records, { place: inst.admdvs, date: today, insuredArea: overview.person.insuplc_admdvs, enrolmentActive: insurance.active });
      return { ...inst, covered: c.covered, covered_by: c.filing?.filing_no ?? null };
    }),
  };
}

export interface FilingTerms {
  /** the last day of the filing, or null for a long-term filing held until changed or cancelled */
  end_date: string | null;
  /** the first day it may be changed or cancelled */
  changeable_from: string;
  /** whether the insured place reviews this kind before it takes effect */
  review: boolean;
  whole_province_filing: boolean;
}

/** What a filing of `kind` starting on `begin_date` would get under the person's insured-place policy, before filing. */
export async function terms(
  tx: Queryable,
  actor: Principal | undefined,
  q: { psn_no: string; insutype: string; kind: FilingInput['kind']; begin_date: string },
  today: string,
): Promise<FilingTerms> {
  const overview = await getPersonOverview(tx, actor, q.psn_no);
  const enrolment = enrolmentOf(overview, q.insutype);
  const { settings } = (await policyInForce(tx, enrolment.insuplc_admdvs, q.insutype, today)).doc;
  return {
    end_date: endDateFor(q.kind, q.begin_date, settings),
    changeable_from: changeableFrom({ kind: q.kind, begin_date: q.begin_date }, settings),
    review: settings.review_filing_kinds.includes(q.kind),
    whole_province_filing: settings.whole_province_filing,
  };
}
