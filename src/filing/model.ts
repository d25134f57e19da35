import type { FilingKind } from '../policy/model.ts';
import type { FilingChannel } from '../reference/model.ts';

export type { FilingKind };
export type FilingClass = 'long_term' | 'temporary';

export const longTermKinds: readonly FilingKind[] = ['resettled_retiree', 'long_term_resident', 'stationed_worker'];
export const filingKinds: readonly FilingKind[] = [...longTermKinds, 'referral', 'emergency', 'other_temporary'];

/** Where a filing was made: the national record search shows people this, so a relative's old filing can be found. */
export type { FilingChannel };
export const filingChannels: readonly FilingChannel[] = ['national_app', 'mini_program', 'national_self_service', 'local_platform', 'hospital'];

/**
 * What each kind must show. Long-term kinds accept their document or a signed
 * personal commitment (承诺制); a referral needs the referring hospital's data.
 */
export type FilingProof =
  | { type: 'commitment'; signed: true }
  | { type: 'household_register'; number: string }
  | { type: 'residence_permit'; number: string }
  | { type: 'posting_certificate'; employer_name: string; certificate_no: string }
  | {
      type: 'referral_certificate';
      referring_institution_code: string;
      referring_institution_name: string;
      diag_code: string;
      diag_name: string;
      reason: string;
    }
  | { type: 'emergency'; institution_code: string; diag_code: string; diag_name: string };

export type FilingStatus = 'pending_review' | 'active' | 'rejected' | 'cancelled' | 'changed' | 'expired' | 'ended';

/** Someone filing for the person (a relative, a counter clerk) with the person's authorisation. */
export interface FilingAgent {
  name: string;
  certno: string;
  relation: string;
}

export interface FilingInput {
  psn_no: string;
  insutype: string;
  kind: FilingKind;
  /** a pooling area, or a province code where the insured place allows whole-province filings */
  area: string;
  begin_date: string;
  channel: FilingChannel;
  proof: FilingProof;
  phone?: string;
  agent?: FilingAgent;
  /** late filing (补办) for a stay that began before the filing: the admission date */
  ongoing_stay_since?: string;
}

export interface Filing {
  id: number;
  filing_no: string;
  psn_no: string;
  insutype: string;
  insuplc_admdvs: string;
  kind: FilingKind;
  area: string;
  begin_date: string;
  end_date: string | null;
  status: FilingStatus;
  channel: FilingChannel;
  proof: FilingProof;
  agent: FilingAgent | null;
  acted_by: string;
  review_reason: string | null;
  replaces_id: number | null;
  late: boolean;
  created_at: string;
  ended_at: string | null;
}

/** A filing as the national filing database shows it to every treatment place. */
export type NationalRecord = Pick<
  Filing,
  'filing_no' | 'psn_no' | 'insutype' | 'insuplc_admdvs' | 'kind' | 'area' | 'begin_date' | 'end_date' | 'status' | 'channel'
> & { filing_id: number; filed_at: string };

export interface Coverage {
  covered: boolean;
  /** the filing that covers the visit, when one does */
  filing: NationalRecord | null;
  /** why not, in words a desk clerk can act on */
  reason: string;
  /** an emergency is settled directly even without a filing */
  emergency_only: boolean;
}
