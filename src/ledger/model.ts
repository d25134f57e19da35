import type { Fen } from '../core/money.ts';

/**
 * The double-entry ledger of money between places, agencies, institutions and
 * persons. A transfer moves `amount_fen` from its `debit` account to its
 * `credit` account; an account's balance is its credits minus its debits, so a
 * positive balance is what the holder has or is owed, a negative one what it
 * has paid out or owes. Every transfer adds +amount to one account and
 * −amount to another: the balances of all accounts sum to zero, always.
 *
 * Account codes are `kind:part[:part]` and say whose account it is, so a code
 * alone decides who may read it and which region's totals it counts in.
 */
export type AccountKind =
  /** `fund:<admdvs>` an insured place's medical insurance funds (pooled fund), the payer behind its settlements elsewhere and the source of prepaid top-ups */
  | 'fund'
  /** `prepaid:<PP0000>` an insured province's prepaid funds (预付金) held at the national level */
  | 'prepaid'
  /**
   * `claim:<treatment>:<insured>` what the insured place owes the treatment place,
   * not yet cleared: credited by each settlement, debited when a clearing pays it.
   * Province codes for cross-province settlements (the national clearing), pooling
   * areas of one province for settlements across areas inside it.
   */
  | 'claim'
  /** `agency:<admdvs>` a treatment place's agency: advances the funds' share to its institutions, receives the clearing */
  | 'agency'
  /** `payable:<admdvs>:<institution code>` what the treatment-place agency owes an institution (the institution's receivable) */
  | 'payable'
  /** `cash:<admdvs>:<institution code>` money an institution has received: at the desk from persons, and from its agency */
  | 'cash'
  /** `personal:<psn_no>` payments out of a person's personal account (the balance itself is kept by people/) */
  | 'personal'
  /** `pocket:<psn_no>` what a person paid out of their own pocket at the desk */
  | 'pocket';

export const ACCOUNT_KINDS = ['fund', 'prepaid', 'claim', 'agency', 'payable', 'cash', 'personal', 'pocket'] as const satisfies readonly AccountKind[];

/** An account code taken apart. */
export interface Account {
  code: string;
  kind: AccountKind;
  /** the division code of the holder: the place, the institution's area, or the person's insured area */
  region: string;
  /** the other place of a claim (the insured place); null otherwise */
  counterparty: string | null;
  /** the institution code or psn_no the account belongs to; null for a place's account */
  party: string | null;
}

export type Currency = 'CNY';

/** What a caller posts. `id` is the caller's idempotency key, e.g. `setl:<setl_id>:fund`. */
export interface TransferInput {
  id: string;
  debit: string;
  credit: string;
  amount_fen: Fen;
  /** CNY when omitted */
  currency?: Currency;
  /** yyyy-MM-dd in Asia/Shanghai: the day the money moved in business terms (it decides the clearing month) */
  business_date: string;
  /** what caused it: 'settlement', 'clearing', 'claim', 'prepaid', … */
  ref_kind: string;
  ref_id: string;
}

/** A stored transfer. Never updated or deleted. */
export interface Transfer {
  id: string;
  debit: string;
  credit: string;
  amount_fen: Fen;
  currency: Currency;
  business_date: string;
  ref_kind: string;
  ref_id: string;
  /** the transfer this one mirrors (debit and credit swapped), or null */
  reverses: string | null;
  created_at: string;
}

export interface Balance {
  account: string;
  kind: AccountKind;
  region: string;
  credits_fen: Fen;
  debits_fen: Fen;
  /** credits − debits */
  balance_fen: Fen;
  /** the last business date included; null for all */
  as_of: string | null;
}

export interface StatementEntry {
  id: string;
  business_date: string;
  /** the other account of the transfer */
  counter_account: string;
  /** + credited to this account, − debited from it */
  amount_fen: Fen;
  /** the account's balance after this entry, in statement order (business date, then posting order) */
  balance_fen: Fen;
  ref_kind: string;
  ref_id: string;
  reverses: string | null;
  created_at: string;
}

export interface Statement {
  account: string;
  from: string | null;
  to: string | null;
  /** the balance before `from` */
  opening_fen: Fen;
  /** the balance at the end of `to` */
  closing_fen: Fen;
  entries: StatementEntry[];
  total: number;
  page: number;
  page_size: number;
}

export interface KindTotal {
  kind: AccountKind;
  accounts: number;
  credits_fen: Fen;
  debits_fen: Fen;
  balance_fen: Fen;
}

export interface TrialBalance {
  currency: Currency;
  /** the sum of every account's balance: zero, or the ledger is broken */
  total_fen: Fen;
  transfers: number;
  by_kind: KindTotal[];
}

/** The amounts of one settlement as the ledger needs them. */
export interface SettlementPosting {
  setl_id: string;
  business_date: string;
  psn_no: string;
  /** insuplc_admdvs: the insured pooling area */
  insured_area: string;
  /** mdtrtarea_admvs: the treatment pooling area, whose agency pays the institution */
  treatment_area: string;
  institution: { code: string; admdvs: string };
  /** fund_pay_sumamt */
  fund_fen: Fen;
  /** acct_pay */
  acct_fen: Fen;
  /** psn_cash_pay */
  cash_fen: Fen;
}
