import type { Filing, FilingClass, FilingKind, FilingStatus, NationalRecord } from './api.ts';
import type { MessageKey, Translate } from './i18n.tsx';

/**
 * What the filing form needs to ask the right questions: the kinds, which proof
 * each takes, the statuses. The rules themselves (validity, when a filing may
 * change, review) are the server's: src/filing/rules.ts, read through the API.
 */

export const LONG_TERM_KINDS: readonly FilingKind[] = ['resettled_retiree', 'long_term_resident', 'stationed_worker'];
export const TEMPORARY_KINDS: readonly FilingKind[] = ['referral', 'emergency', 'other_temporary'];
export const FILING_KINDS: readonly FilingKind[] = [...LONG_TERM_KINDS, ...TEMPORARY_KINDS];
export const FILING_STATUSES: readonly FilingStatus[] = ['pending_review', 'active', 'rejected', 'cancelled', 'changed', 'expired', 'ended'];
/** The statuses that hold a person's one filing per scheme. */
export const LIVE_STATUSES: readonly FilingStatus[] = ['active', 'pending_review'];

export function filingClass(kind: FilingKind): FilingClass {
  return LONG_TERM_KINDS.includes(kind) ? 'long_term' : 'temporary';
}

export type ProofType = 'commitment' | 'household_register' | 'residence_permit' | 'posting_certificate' | 'referral_certificate' | 'emergency';

/** What each kind may show, the document first; long-term kinds may instead sign a commitment (承诺制). */
export const PROOF_TYPES: Record<FilingKind, readonly ProofType[]> = {
  resettled_retiree: ['household_register', 'commitment'],
  long_term_resident: ['residence_permit', 'commitment'],
  stationed_worker: ['posting_certificate', 'commitment'],
  referral: ['referral_certificate'],
  emergency: ['emergency'],
  other_temporary: ['commitment'],
};

/** The text fields of each proof, in the order the form asks for them. */
export const PROOF_FIELDS: Record<ProofType, readonly string[]> = {
  commitment: [],
  household_register: ['number'],
  residence_permit: ['number'],
  posting_certificate: ['employer_name', 'certificate_no'],
  referral_certificate: ['referring_institution_code', 'referring_institution_name', 'diag_code', 'diag_name', 'reason'],
  emergency: ['institution_code', 'diag_code', 'diag_name'],
};

export function proofFieldLabel(type: ProofType, field: string): MessageKey {
  if (field === 'number') return type === 'household_register' ? 'proof.number.household_register' : 'proof.number.residence_permit';
  return `proof.${field}` as MessageKey;
}

/** The validity of a filing as a message and its dates: open-ended, or from one day to another. */
export function validityOf(f: Pick<Filing | NationalRecord, 'begin_date' | 'end_date'>): { key: MessageKey; values: Record<string, string> } {
  return f.end_date === null ? { key: 'fil.longTermValidity', values: { from: f.begin_date } } : { key: 'common.dateRange', values: { from: f.begin_date, to: f.end_date } };
}

export function statusTone(status: FilingStatus): 'good' | 'info' | 'bad' | 'neutral' {
  if (status === 'active') return 'good';
  if (status === 'pending_review') return 'info';
  if (status === 'rejected') return 'bad';
  return 'neutral';
}

/** Relations an agent may have; the stored value is the Chinese word, as the counters record it. */
export const RELATIONS: readonly { value: string; label: MessageKey }[] = [
  { value: '子女', label: 'relation.child' },
  { value: '配偶', label: 'relation.spouse' },
  { value: '父母', label: 'relation.parent' },
  { value: '其他亲属', label: 'relation.relative' },
  { value: '其他', label: 'relation.other' },
];

export function relationText(t: Translate, value: string): string {
  const r = RELATIONS.find((x) => x.value === value);
  return r ? t(r.label) : value;
}
