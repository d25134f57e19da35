import type { ItemClass } from '../catalog/model.ts';
import type { Bp, Fen } from '../core/money.ts';
import type { FilingKind } from '../filing/model.ts';
import type { FeeParts } from '../settlement/model.ts';

/**
 * Visits (outpatient registrations, admissions, pharmacy purchases), their
 * diagnoses and fee lines, as hospitals' systems report them. Field names are
 * the HIS interface's; money is fen, quantities ten-thousandths.
 */

export type { FeeParts };

export type VisitKind = 'outpatient' | 'inpatient' | 'pharmacy';
/** open: registered or admitted; discharged (inpatient); cancelled (2202/2404): never settled. */
export type EncounterStatus = 'open' | 'discharged' | 'cancelled';
/** uploaded: waiting for settlement; settled: in the visit's live settlement; cancelled (2302/2205). */
export type FeeLineStatus = 'uploaded' | 'cancelled' | 'settled';

/** The med_type codes that are emergencies: settled directly without a filing. */
export const EMERGENCY_MED_TYPES: readonly string[] = ['13', '24'];
/** Outpatient chronic/special disease (门诊慢特病). */
export const CHRONIC_MED_TYPE = '14';

/** One diagnosis of a visit (`diseinfo[]`). */
export interface Diagnosis {
  diag_type: string;
  maindiag_flag: '0' | '1';
  diag_srt_no: number;
  diag_code: string;
  diag_name: string;
  adm_cond: string | null;
  diag_dept: string | null;
  dise_dor_no: string | null;
  dise_dor_name: string | null;
  /** yyyy-MM-dd HH:mm:ss, Asia/Shanghai */
  diag_time: string | null;
}

/** A diagnosis as the HIS sends it: the optional parts may be left out. */
export type DiagnosisInput = Pick<Diagnosis, 'diag_type' | 'diag_code' | 'diag_name'> &
  Partial<Omit<Diagnosis, 'diag_type' | 'diag_code' | 'diag_name' | 'maindiag_flag' | 'diag_srt_no'>> & {
    maindiag_flag?: string;
    diag_srt_no?: number;
  };

export interface Encounter {
  /** 'S' + pooling area + YYMMDD + serial */
  mdtrt_id: string;
  fixmedins_code: string;
  /** the institution's pooling area: the treatment place */
  mdtrtarea_admvs: string;
  psn_no: string;
  insutype: string;
  insuplc_admdvs: string;
  med_type: string;
  visit_kind: VisitKind;
  /** yyyy-MM-dd HH:mm:ss, Asia/Shanghai */
  begntime: string;
  /** discharge time (inpatient), yyyy-MM-dd HH:mm:ss */
  endtime: string | null;
  mdtrt_cert_type: string | null;
  mdtrt_cert_no: string | null;
  /** outpatient number or inpatient number (ipt_no) */
  ipt_otp_no: string | null;
  medrcdno: string | null;
  dept_code: string | null;
  dept_name: string | null;
  caty: string | null;
  adm_bed: string | null;
  atddr_no: string | null;
  dr_name: string | null;
  adm_diag_dscr: string | null;
  dise_codg: string | null;
  dise_name: string | null;
  main_cond_dscr: string | null;
  /** the chronic/special disease of a med_type 14 visit */
  opsp_dise_code: string | null;
  dscg_way: string | null;
  /** the filing that covers the visit; null at home, or for an emergency without one */
  filing_no: string | null;
  /** the covering filing's kind (its ratio reduction applies) */
  filing_kind: FilingKind | null;
  /** settled directly as an emergency, without a covering filing */
  emergency: boolean;
  status: EncounterStatus;
  /** the live settlement, set and cleared by the settlement service */
  settled_setl_id: string | null;
  created_msgid: string | null;
  created_at: Date;
}

/** A fee line priced and classified by the treatment province's catalogue in force on its fee date. */
export interface PricedFeeLine extends FeeParts {
  feedetl_sn: string;
  /** a refund line: the line it refunds (negative cnt and amount) */
  init_feedetl_sn: string | null;
  chrg_bchno: string | null;
  rxno: string | null;
  drord_no: string | null;
  /** the national code the line was classified by (resolved from medins_list_codg when mapped) */
  med_list_codg: string | null;
  medins_list_codg: string | null;
  /** yyyy-MM-dd HH:mm:ss, Asia/Shanghai */
  fee_ocur_time: string;
  /** cnt × 10000 */
  qty_e4: number;
  pric_fen: Fen;
  det_item_fee_sumamt_fen: Fen;
  /** false when the item is not in the catalogue on the fee date (reported as class 03) */
  listed: boolean;
  chrgitm_lv: ItemClass;
  selfpay_prop_bp: Bp;
  pric_uplmt_fen: Fen | null;
  /** the catalogue's; 14 (other) for an unlisted item */
  med_chrgitm_type: string;
  /** null for an unlisted item */
  list_type: string | null;
  bilg_dept_codg: string | null;
  bilg_dept_name: string | null;
  bilg_dr_codg: string | null;
  bilg_dr_name: string | null;
  hosp_appr_flag: string | null;
  memo: string | null;
}

/** A stored fee line of a visit. */
export interface ClassifiedFeeLine extends PricedFeeLine {
  id: number;
  mdtrt_id: string;
  status: FeeLineStatus;
  setl_id: string | null;
  created_at: Date;
}

/** What the HIS tells of a visit besides who, when and why: what is sent is stored as sent. */
export interface VisitDetails {
  ipt_otp_no?: string;
  medrcdno?: string;
  dept_code?: string;
  dept_name?: string;
  caty?: string;
  adm_bed?: string;
  atddr_no?: string;
  dr_name?: string;
  adm_diag_dscr?: string;
  dise_codg?: string;
  dise_name?: string;
  main_cond_dscr?: string;
  /** the chronic disease of a med_type 14 visit; dise_codg serves when it holds a chronic disease code */
  opsp_dise_code?: string;
}

/** Registration (2201), admission (2401), or a pharmacy purchase (med_type 41). */
export interface RegisterInput extends VisitDetails {
  visit_kind: VisitKind;
  psn_no: string;
  insutype: string;
  /** the insured place the HIS names (from 1101); checked against the enrolment when given */
  insuplc_admdvs?: string;
  /** yyyy-MM-dd HH:mm:ss (Asia/Shanghai); a date alone is midnight */
  begntime: string;
  /** required for an admission; an outpatient registration defaults to 11 until 2203 says otherwise, a purchase to 41 */
  med_type?: string;
  /** a declared emergency (抢救), settled directly without a filing like med_type 13/24 */
  emergency?: boolean;
  mdtrt_cert_type?: string;
  mdtrt_cert_no?: string;
  diagnoses?: DiagnosisInput[];
  /** the HIS message that created the visit */
  msgid?: string;
}

/** Visit information (2203/2203A) or an admission change (2403): what is given replaces what was. */
export interface VisitUpdate extends VisitDetails {
  med_type?: string;
  begntime?: string;
  emergency?: boolean;
  /** given: replaces every diagnosis of the visit */
  diagnoses?: DiagnosisInput[];
}

/** Discharge (2402). */
export interface DischargeInput {
  endtime: string;
  dscg_way?: string;
  dise_codg?: string;
  dise_name?: string;
  diagnoses?: DiagnosisInput[];
}

/**
 * A fee line as the HIS sends it (2301/2204 `feedetail[]`). Amounts are yuan
 * as sent (a JSON number or a string), read exactly; cnt may have decimals.
 */
export interface FeeLineIn {
  feedetl_sn: string;
  init_feedetl_sn?: string;
  chrg_bchno?: string;
  rxno?: string;
  drord_no?: string;
  /** yyyy-MM-dd HH:mm:ss (Asia/Shanghai) */
  fee_ocur_time: string;
  med_list_codg?: string;
  medins_list_codg?: string;
  det_item_fee_sumamt: number | string;
  cnt: number | string;
  pric: number | string;
  bilg_dept_codg?: string;
  bilg_dept_name?: string;
  bilg_dr_codg?: string;
  bilg_dr_name?: string;
  hosp_appr_flag?: string;
  memo?: string;
}

/** Which unsettled lines a fee cancel (2302/2205) takes back. */
export type FeeSelection = { feedetl_sn: string } | { chrg_bchno: string } | { all: true };

/** What the settlement service settles: the locked visit and its unsettled lines. */
export interface VisitForSettlement {
  visit: Encounter;
  /** every line with status 'uploaded', in upload order */
  lines: ClassifiedFeeLine[];
  totals: FeeParts;
}
