import { addDays, addMonths, isIsoDate } from '../core/clock.ts';
import type { FieldIssue } from '../core/errors.ts';
import { parseCertno } from '../core/idcard.ts';
import type { PolicySettings } from '../policy/model.ts';
import {
  filingChannels,
  filingKinds,
  longTermKinds,
  type Coverage,
  type Filing,
  type FilingClass,
  type FilingInput,
  type FilingKind,
  type FilingStatus,
  type NationalRecord,
} from './model.ts';

export function filingClass(kind: FilingKind): FilingClass {
  return longTermKinds.includes(kind) ? 'long_term' : 'temporary';
}

/** Long-term filings are open-ended; temporary ones hold for the insured place's validity (≥ 6 months). */
export function endDateFor(kind: FilingKind, begin: string, settings: PolicySettings): string | null {
  if (filingClass(kind) === 'long_term') return null;
  return addDays(addMonths(begin, Math.max(6, settings.temporary_validity_months)), -1);
}

/** Statuses that hold the person's one filing per scheme. */
export const liveStatuses: readonly FilingStatus[] = ['pending_review', 'active'];

/**
 * A temporary filing past its end has expired even before anything records it;
 * a live filing of a suspended enrolment has ended with the insurance.
 */
export function statusOn(f: Pick<Filing, 'status' | 'end_date'>, today: string, insured = true): FilingStatus {
  if (f.status === 'active' && f.end_date !== null && f.end_date < today) return 'expired';
  if (!insured && (f.status === 'active' || f.status === 'pending_review')) return 'ended';
  return f.status;
}

/** The first day a long-term filing may be changed or cancelled under the insured place's minimum period. */
export function changeableFrom(f: Pick<Filing, 'kind' | 'begin_date'>, settings: PolicySettings): string {
  if (filingClass(f.kind) === 'temporary') return f.begin_date;
  return addMonths(f.begin_date, settings.long_term_min_months);
}

/** Does `area` (a pooling area or a whole province PP0000) include the pooling area `place`? */
export function areaIncludes(area: string, place: string): boolean {
  return area.endsWith('0000') && !place.endsWith('0000') ? area.slice(0, 2) === place.slice(0, 2) : area === place;
}

export interface FilingFacts {
  today: string;
  insuredArea: string;
  settings: PolicySettings;
  /** what the region table says of input.area */
  area: { exists: boolean; pooling: boolean; province: boolean; hasScheme: boolean };
  enrolmentActive: boolean;
}

const LATE_FILING_MAX_DAYS = 180;

function str(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length > 0;
}

/** Every problem with a filing request, each naming its field. */
export function filingIssues(input: FilingInput, facts: FilingFacts): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const { today, settings } = facts;

  if (!filingKinds.includes(input.kind)) add('kind', `must be one of ${filingKinds.join(', ')}`);
  if (!filingChannels.includes(input.channel)) add('channel', `must be one of ${filingChannels.join(', ')}`);
  if (!facts.enrolmentActive) add('insutype', 'the person has no active enrolment in this scheme: direct settlement needs active insurance');

  if (!/^\d{6}$/.test(input.area) || !facts.area.exists) add('area', `${input.area} is not a known division code`);
  else if (!facts.area.hasScheme) add('area', `${input.area} is outside the mainland medical insurance scheme`);
  else if (facts.area.province && !settings.whole_province_filing)
    add('area', 'the insured place accepts filings to a pooling area (city), not a whole province');
  else if (!facts.area.pooling && !facts.area.province) add('area', `${input.area} is not a pooling area`);
  else if (areaIncludes(input.area, facts.insuredArea) || input.area === facts.insuredArea)
    add('area', 'is the insured place itself: no filing is needed to be treated at home');

  if (!isIsoDate(input.begin_date)) add('begin_date', 'must be a date yyyy-MM-dd');
  else if (input.ongoing_stay_since !== undefined) {
    if (!isIsoDate(input.ongoing_stay_since)) add('ongoing_stay_since', 'must be a date yyyy-MM-dd');
    else if (input.ongoing_stay_since > today) add('ongoing_stay_since', 'is in the future: a late filing is for a stay that has begun');
    else if (input.ongoing_stay_since < addDays(today, -LATE_FILING_MAX_DAYS))
      add('ongoing_stay_since', `is more than ${LATE_FILING_MAX_DAYS} days ago: claim the stay by hand instead`);
    else if (input.begin_date !== input.ongoing_stay_since) add('begin_date', 'must be the admission date (ongoing_stay_since) for a late filing');
  } else if (input.begin_date < today) add('begin_date', `is in the past; a filing starts today (${today}) or later, or give ongoing_stay_since for a late filing`);

  const proof = input.proof as Record<string, unknown> | undefined;
  const need = (field: string, what: string) => {
    if (!str(proof?.[field])) add(`proof.${field}`, `is required: ${what}`);
  };
  const proofType = proof?.type;
  const allowed: Record<FilingKind, string[]> = {
    resettled_retiree: ['household_register', 'commitment'],
    long_term_resident: ['residence_permit', 'commitment'],
    stationed_worker: ['posting_certificate', 'commitment'],
    referral: ['referral_certificate'],
    emergency: ['emergency'],
    other_temporary: ['commitment'],
  };
  if (filingKinds.includes(input.kind)) {
    const ok = allowed[input.kind];
    if (typeof proofType !== 'string' || !ok.includes(proofType)) {
      add('proof.type', `a ${input.kind} filing needs ${ok.join(' or ')}`);
    } else if (proofType === 'commitment') {
      if (proof?.signed !== true) add('proof.signed', 'the personal commitment must be signed (true)');
    } else if (proofType === 'household_register' || proofType === 'residence_permit') {
      need('number', `the ${proofType.replace('_', ' ')} number`);
    } else if (proofType === 'posting_certificate') {
      need('employer_name', "the employer's name");
      need('certificate_no', 'the posting certificate number');
    } else if (proofType === 'referral_certificate') {
      need('referring_institution_code', 'the referring hospital of the insured place');
      need('referring_institution_name', 'the referring hospital name');
      need('diag_code', 'the diagnosis code');
      need('diag_name', 'the diagnosis');
      need('reason', 'the reason for the referral');
    } else if (proofType === 'emergency') {
      need('institution_code', 'the hospital that treated the emergency');
      need('diag_code', 'the diagnosis code');
      need('diag_name', 'the diagnosis');
    }
  }

  if (input.agent !== undefined) {
    if (!str(input.agent.name)) add('agent.name', "is required: the agent's name");
    if (!str(input.agent.relation)) add('agent.relation', 'is required: how the agent is related to the person');
    const parsed = typeof input.agent.certno === 'string' ? parseCertno(input.agent.certno) : null;
    if (!parsed || !parsed.ok) add('agent.certno', `must be the agent's ID number${parsed && !parsed.ok ? `: ${parsed.reason}` : ''}`);
  }
  if (input.phone !== undefined && !/^1\d{10}$/.test(input.phone)) add('phone', 'must be an 11-digit mobile number');
  return issues;
}

/**
 * Whether a cross-regional visit in `place` on `date` is settled directly, and
 * by which filing. Without a covering filing only an emergency is.
 */
export function coverageOn(
  filings: readonly NationalRecord[],
  visit: { place: string; date: string; insuredArea: string; enrolmentActive: boolean },
): Coverage {
  if (visit.place === visit.insuredArea)
    return { covered: true, filing: null, reason: 'treated in the insured place itself: no filing needed', emergency_only: false };
  if (!visit.enrolmentActive)
    return { covered: false, filing: null, reason: 'the insurance is suspended: no direct settlement; pay in full and claim at home', emergency_only: false };
  const covering = filings.find(
    (f) =>
      // A changed filing keeps covering its old area until the day before the new one begins.
      (f.status === 'active' || f.status === 'changed') &&
      areaIncludes(f.area, visit.place) &&
      f.begin_date <= visit.date &&
      (f.end_date === null || visit.date <= f.end_date),
  );
  if (covering) return { covered: true, filing: covering, reason: `filed as ${covering.kind} for ${covering.area}`, emergency_only: false };
  const pending = filings.find((f) => f.status === 'pending_review' && areaIncludes(f.area, visit.place));
  return {
    covered: false,
    filing: null,
    reason: pending
      ? 'a filing for this area is waiting for the insured place to review it; only an emergency is settled directly until then'
      : 'no filing covers this area on this date; only an emergency is settled directly (file first, or late before discharge)',
    emergency_only: true,
  };
}
