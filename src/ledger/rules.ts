import type { Principal } from '../auth/model.ts';
import { regionCovers } from '../auth/permissions.ts';
import { isIsoDate } from '../core/clock.ts';
import { invalid, invalidMany, type FieldIssue } from '../core/errors.ts';
import { add, fen, type Fen } from '../core/money.ts';
import { ACCOUNT_KINDS, type Account, type AccountKind, type SettlementPosting, type Transfer, type TransferInput } from './model.ts';

const DIVISION = /^\d{6}$/;
const PROVINCE = /^\d{2}0000$/;
const PSN_NO = /^\d{20}$/;
const INSTITUTION = /^[HP]\d{11}$/;
/** Idempotency ids and references: printable ASCII without spaces, so they read the same in logs, URLs and SQL. */
const KEY = /^[\x21-\x7e]{1,200}$/;
const REF_KIND = /^[a-z][a-z_]{0,39}$/;

const isDivision = (s: string) => DIVISION.test(s) && s !== '000000';
const provinceOf = (admdvs: string) => `${admdvs.slice(0, 2)}0000`;

/** Why `parts` are not the parts of a `kind` account, or null when they are. */
function partsProblem(kind: AccountKind, parts: readonly string[]): string | null {
  const arity = (n: number, shape: string) => (parts.length === n ? null : `a ${kind} account is ${shape}`);
  switch (kind) {
    case 'fund':
    case 'agency':
      return arity(1, `${kind}:<division code>`) ?? (isDivision(parts[0]!) ? null : `${parts[0]} is not a 6-digit division code`);
    case 'prepaid':
      return arity(1, 'prepaid:<PP0000>') ?? (PROVINCE.test(parts[0]!) && isDivision(parts[0]!) ? null : `${parts[0]} is not a province code PP0000`);
    case 'claim': {
      const shape = arity(2, 'claim:<treatment place>:<insured place>');
      if (shape) return shape;
      const [t, i] = parts as [string, string];
      if (!isDivision(t) || !isDivision(i)) return `${!isDivision(t) ? t : i} is not a 6-digit division code`;
      if (t === i) return 'a claim is between two different places';
      const provinces = PROVINCE.test(t) && PROVINCE.test(i);
      const areasOfOneProvince = !PROVINCE.test(t) && !PROVINCE.test(i) && t.slice(0, 2) === i.slice(0, 2);
      return provinces || areasOfOneProvince ? null : 'a claim is between two provinces, or between two areas of one province';
    }
    case 'payable':
    case 'cash':
      return (
        arity(2, `${kind}:<institution area>:<institution code>`) ??
        (!isDivision(parts[0]!) ? `${parts[0]} is not a 6-digit division code` : INSTITUTION.test(parts[1]!) ? null : `${parts[1]} is not an institution code ('H' or 'P' + 11 digits)`)
      );
    case 'personal':
    case 'pocket':
      return arity(1, `${kind}:<psn_no>`) ?? (PSN_NO.test(parts[0]!) ? null : `${parts[0]} is not a person number (20 digits)`);
  }
}

function accountOf(code: string, kind: AccountKind, parts: readonly string[]): Account {
  switch (kind) {
    case 'claim':
      return { code, kind, region: parts[0]!, counterparty: parts[1]!, party: null };
    case 'payable':
    case 'cash':
      return { code, kind, region: parts[0]!, counterparty: null, party: parts[1]! };
    case 'personal':
    case 'pocket':
      // The person number begins with the insured area (core/ids.ts), which owns the person's records.
      return { code, kind, region: parts[0]!.slice(0, 6), counterparty: null, party: parts[0]! };
    default:
      return { code, kind, region: parts[0]!, counterparty: null, party: null };
  }
}

/** Every problem with an account code, under `path`. */
export function accountIssues(code: unknown, path: string): FieldIssue[] {
  if (typeof code !== 'string' || code.length === 0) return [{ path, message: 'must be an account code such as prepaid:440000' }];
  const [kind, ...parts] = code.split(':');
  if (!ACCOUNT_KINDS.includes(kind as AccountKind)) {
    return [{ path, message: `"${code}" has no known account kind (${ACCOUNT_KINDS.join(', ')})` }];
  }
  const problem = partsProblem(kind as AccountKind, parts);
  return problem ? [{ path, message: `"${code}": ${problem}` }] : [];
}

/** Takes an account code apart; a malformed one is a validation error on `path`. */
export function parseAccount(code: string, path = 'account'): Account {
  const issues = accountIssues(code, path);
  if (issues.length > 0) throw invalid(path, issues[0]!.message);
  const [kind, ...parts] = code.split(':') as [AccountKind, ...string[]];
  return accountOf(code, kind, parts);
}

/** The code of a `kind` account: `accountCode('claim', '440000', '320000')` → `claim:440000:320000`. */
export function accountCode(kind: AccountKind, ...parts: string[]): string {
  const problem = partsProblem(kind, parts);
  if (problem) throw invalid('account', problem);
  return [kind, ...parts].join(':');
}

/** Every problem with one transfer to post, under `path` (e.g. `transfers[2]`). */
export function transferIssues(t: TransferInput, path: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const at = (field: string, message: string) => issues.push({ path: `${path}.${field}`, message });
  if (typeof t.id !== 'string' || !KEY.test(t.id)) at('id', 'must be 1–200 printable characters without spaces');
  issues.push(...accountIssues(t.debit, `${path}.debit`), ...accountIssues(t.credit, `${path}.credit`));
  if (typeof t.debit === 'string' && t.debit === t.credit) at('credit', 'must differ from the debit account');
  if (typeof t.amount_fen !== 'number' || !Number.isSafeInteger(t.amount_fen) || t.amount_fen <= 0) {
    at('amount_fen', `must be a positive whole number of fen, got ${String(t.amount_fen)}`);
  }
  if (t.currency !== undefined && t.currency !== 'CNY') at('currency', `must be CNY, got ${String(t.currency)}`);
  if (typeof t.business_date !== 'string' || !isIsoDate(t.business_date)) at('business_date', `must be a date yyyy-MM-dd, got ${String(t.business_date)}`);
  if (typeof t.ref_kind !== 'string' || !REF_KIND.test(t.ref_kind)) at('ref_kind', 'must be a lower-case word such as settlement');
  if (typeof t.ref_id !== 'string' || !KEY.test(t.ref_id)) at('ref_id', 'must be 1–200 printable characters without spaces');
  return issues;
}

/** The transfers of one posting, checked together: each valid, no id twice. A failure names every bad field. */
export function checkTransfers(transfers: readonly TransferInput[]): Required<TransferInput>[] {
  if (transfers.length === 0) throw invalid('transfers', 'at least one transfer is needed');
  const issues: FieldIssue[] = [];
  const seen = new Map<string, number>();
  transfers.forEach((t, i) => {
    issues.push(...transferIssues(t, `transfers[${i}]`));
    const first = seen.get(t.id);
    if (first !== undefined) issues.push({ path: `transfers[${i}].id`, message: `repeats transfers[${first}].id` });
    else seen.set(t.id, i);
  });
  if (issues.length > 0) throw invalidMany(issues, 'the transfers have errors');
  return transfers.map((t) => ({ ...t, currency: t.currency ?? 'CNY' }));
}

/** What a re-post must repeat exactly for the stored transfer to be its answer. */
const CONTENT = ['debit', 'credit', 'amount_fen', 'currency', 'business_date', 'ref_kind', 'ref_id', 'reverses'] as const;

/** The fields in which a re-posted transfer differs from the stored one, each as `field (stored …, posted …)`. */
export function contentDifferences(stored: Transfer, posted: Required<TransferInput> & { reverses?: string | null }): string[] {
  const wanted = { ...posted, reverses: posted.reverses ?? null };
  return CONTENT.filter((f) => stored[f] !== wanted[f]).map((f) => `${f} (stored ${String(stored[f])}, posted ${String(wanted[f])})`);
}

export interface MirrorOptions {
  id: string;
  business_date: string;
  ref_kind?: string;
  ref_id?: string;
}

/**
 * The correction of `original`: the same amount back from its credit account to
 * its debit account, dated `business_date`, pointing at it. A reversal is final:
 * it cannot be reversed in turn (post the original again under a new id instead).
 */
export function mirror(original: Transfer, opts: MirrorOptions, path = 'transfer'): Required<TransferInput> & { reverses: string } {
  if (original.reverses !== null) {
    throw invalid(path, `${original.id} is itself the reversal of ${original.reverses} and cannot be reversed; post a new transfer instead`);
  }
  if (!isIsoDate(opts.business_date)) throw invalid('business_date', `must be a date yyyy-MM-dd, got ${opts.business_date}`);
  if (opts.business_date < original.business_date) {
    throw invalid('business_date', `${opts.business_date} is before ${original.id}'s date ${original.business_date}: a reversal cannot precede what it reverses`);
  }
  return {
    id: opts.id,
    debit: original.credit,
    credit: original.debit,
    amount_fen: original.amount_fen,
    currency: original.currency,
    business_date: opts.business_date,
    ref_kind: opts.ref_kind ?? original.ref_kind,
    ref_id: opts.ref_id ?? original.ref_id,
    reverses: original.id,
  };
}

/**
 * Who may read which accounts. National staff and the system read all; an
 * agency the accounts held in its region, and the claims against it; an
 * institution and a person their own.
 */
export type ReadScope = { all: true } | { all: false; region: string } | { all: false; party: string };

export function readScope(actor: Principal): ReadScope {
  switch (actor.kind) {
    case 'system':
    case 'national':
      return { all: true };
    case 'insured_agency':
    case 'treatment_agency':
      return { all: false, region: actor.region };
    case 'institution':
      return { all: false, party: actor.code };
    case 'person':
      return { all: false, party: actor.psnNo };
  }
}

export function mayRead(scope: ReadScope, account: Account): boolean {
  if (scope.all) return true;
  if ('party' in scope) return account.party === scope.party;
  return regionCovers(scope.region, account.region) || (account.counterparty !== null && regionCovers(scope.region, account.counterparty));
}

/** The SQL LIKE pattern of the division codes a region scope covers (see `regionCovers`). */
export function regionPattern(scope: string): string {
  if (scope.endsWith('0000')) return `${scope.slice(0, 2)}%`;
  if (scope.endsWith('00')) return `${scope.slice(0, 4)}%`;
  return scope;
}

/**
 * The transfers a direct settlement posts, in the settlement's transaction:
 *
 * - `setl:<id>:fund`    the insured place's fund → the treatment place's claim on it (fund_pay_sumamt)
 * - `setl:<id>:acct`    the person's personal account → the same claim (acct_pay: cleared with the funds' share)
 * - `setl:<id>:payable` the treatment-place agency → what it owes the institution (the two above together)
 * - `setl:<id>:cash`    the person's pocket → the institution's cash (psn_cash_pay, collected at the desk)
 *
 * The claim is between provinces when the places are in different provinces
 * (the national clearing), otherwise between the two pooling areas. Zero
 * amounts post nothing. A cancellation reverses exactly these ids.
 */
export function settlementTransfers(s: SettlementPosting): TransferInput[] {
  const issues: FieldIssue[] = [];
  if (!KEY.test(s.setl_id)) issues.push({ path: 'setl_id', message: 'must be 1–200 printable characters without spaces' });
  if (!PSN_NO.test(s.psn_no)) issues.push({ path: 'psn_no', message: 'must be a person number (20 digits)' });
  if (!INSTITUTION.test(s.institution.code)) issues.push({ path: 'institution.code', message: "must be 'H' or 'P' + 11 digits" });
  if (!isDivision(s.insured_area)) issues.push({ path: 'insured_area', message: 'must be a 6-digit division code' });
  if (!isDivision(s.treatment_area)) issues.push({ path: 'treatment_area', message: 'must be a 6-digit division code' });
  else if (s.treatment_area === s.insured_area) issues.push({ path: 'treatment_area', message: 'is the insured area: a local settlement posts nothing here' });
  if (!isDivision(s.institution.admdvs) || s.institution.admdvs.slice(0, 2) !== s.treatment_area.slice(0, 2)) {
    issues.push({ path: 'institution.admdvs', message: `must be an area of the treatment province ${provinceOf(s.treatment_area)}` });
  }
  for (const field of ['fund_fen', 'acct_fen', 'cash_fen'] as const) {
    if (!Number.isSafeInteger(s[field]) || s[field] < 0) issues.push({ path: field, message: 'must be a whole number of fen ≥ 0 (a cancellation reverses the transfers)' });
  }
  if (issues.length > 0) throw invalidMany(issues, `settlement ${s.setl_id} cannot be posted`);

  const crossProvince = s.insured_area.slice(0, 2) !== s.treatment_area.slice(0, 2);
  const claim = crossProvince
    ? accountCode('claim', provinceOf(s.treatment_area), provinceOf(s.insured_area))
    : accountCode('claim', s.treatment_area, s.insured_area);
  const { code, admdvs } = s.institution;
  const common = { business_date: s.business_date, ref_kind: 'settlement', ref_id: s.setl_id };
  const legs: [string, string, string, Fen][] = [
    ['fund', accountCode('fund', s.insured_area), claim, s.fund_fen],
    ['acct', accountCode('personal', s.psn_no), claim, s.acct_fen],
    ['payable', accountCode('agency', s.treatment_area), accountCode('payable', admdvs, code), add(s.fund_fen, s.acct_fen)],
    ['cash', accountCode('pocket', s.psn_no), accountCode('cash', admdvs, code), s.cash_fen],
  ];
  return legs
    .filter(([, , , amount]) => amount > 0)
    .map(([leg, debit, credit, amount]) => ({ id: `setl:${s.setl_id}:${leg}`, debit, credit, amount_fen: fen(amount), ...common }));
}
