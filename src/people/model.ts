import type { Fen } from '../core/money.ts';

export type Gender = '1' | '2' | '9'; // GB/T 2261.1: male, female, unspecified
export type InsuranceStatus = 'active' | 'suspended';
/** The person class a policy is keyed by. */
export type PersonClass = 'in_service' | 'retired' | 'resident';

export interface Person {
  psn_no: string;
  psn_cert_type: string; // '01' resident ID card
  certno: string;
  ss_card_no: string | null;
  ss_card_sn: string | null;
  evoucher_token: string | null;
  name: string;
  gender: Gender;
  naty: string;
  birth_date: string; // yyyy-MM-dd
  phone: string | null;
  insuplc_admdvs: string;
}

export interface Enrolment {
  psn_no: string;
  insutype: string; // 310 employee basic, 390 resident basic, …
  psn_type: string; // 1101, 1201, 1501, …
  insuplc_admdvs: string;
  status: InsuranceStatus;
  begin_date: string;
  suspended_date: string | null;
  cvlserv_flag: '0' | '1';
  emp_name: string | null;
}

export interface DiseaseQualification {
  psn_no: string;
  insuplc_admdvs: string;
  disease_code: string;
  begin_date: string;
  end_date: string | null;
}

/** One person as imported or generated: the person with their enrolments, account and qualifications. */
export interface PersonRecord extends Person {
  enrolments: Omit<Enrolment, 'psn_no'>[];
  /** Employees' personal account opening balance, fen; absent for residents. */
  account_balance_fen?: Fen;
  qualifications?: Omit<DiseaseQualification, 'psn_no'>[];
}

/** The three credentials a person is found by at the desk (mdtrt_cert_type 02 / 03 / 01). */
export type Credential =
  | { type: 'id_card'; certno: string }
  | { type: 'ss_card'; ss_card_no: string }
  | { type: 'evoucher'; token: string };

/** What a desk may send beside the credential (1101 `card_sn`, `certno`, `psn_name`): each given one must be the person's. */
export interface PresentedFacts {
  /** the social security card's serial number: a replaced card has a new one */
  card_sn?: string;
  certno?: string;
  psn_name?: string;
}
