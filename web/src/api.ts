/** The REST API as the portal sees it: JSON in, JSON or RFC 9457 problem+json out. */

export type Role = 'person' | 'insured_agency' | 'treatment_agency' | 'national';

export interface Me {
  role: Role;
  display_name: string;
  username: string;
  region: string | null;
  region_name: string | null;
  psn_no: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface CodeEntry {
  code: string;
  name_zh: string;
  name_en: string;
}

export interface Region extends CodeEntry {
  level: 1 | 2;
  parent: string | null;
  is_pooling: boolean;
  has_scheme: boolean;
}

export interface ChronicDisease extends CodeEntry {
  cross_province: boolean;
}

export interface PersonView {
  person: {
    psn_no: string;
    certno: string;
    name: string;
    gender: string;
    birth_date: string;
    phone: string | null;
    insuplc_admdvs: string;
  };
  enrolments: {
    insutype: string;
    psn_type: string;
    insuplc_admdvs: string;
    status: 'active' | 'suspended';
    begin_date: string;
    suspended_date: string | null;
    cvlserv_flag: '0' | '1';
    emp_name: string | null;
  }[];
  account: { balance_fen: number } | null;
  qualifications: { disease_code: string; begin_date: string; end_date: string | null; insuplc_admdvs: string }[];
}

export interface PersonSummary {
  psn_no: string;
  certno: string;
  name: string;
  gender: string;
  birth_date: string;
  insuplc_admdvs: string;
}

export interface Institution {
  code: string;
  name: string;
  admdvs: string;
  kind: 'hospital' | 'clinic' | 'pharmacy';
  level: 1 | 2 | 3;
  services: ('inpatient' | 'outpatient' | 'pharmacy')[];
  chronic_diseases: string[];
  status: 'active' | 'suspended';
  address: string | null;
  phone: string | null;
}

export interface CatalogItem {
  province: string;
  hilist_code: string;
  hilist_name: string;
  list_type: string;
  med_chrgitm_type: string;
  chrgitm_lv: '01' | '02' | '03';
  selfpay_prop_bp: number;
  pric_uplmt_fen: number | null;
  begndate: string;
  enddate: string | null;
}

export interface PolicySummary {
  id: number;
  pooling_area: string;
  insutype: string;
  begndate: string;
  enddate: string | null;
  name: string | null;
}

export type PersonClass = 'in_service' | 'retired' | 'resident';
export type MedKind = 'inpatient' | 'outpatient' | 'chronic' | 'pharmacy';
export type FilingKind =
  | 'resettled_retiree'
  | 'long_term_resident'
  | 'stationed_worker'
  | 'referral'
  | 'emergency'
  | 'other_temporary';
export type Fund = 'hifob' | 'hifmi' | 'cvlserv' | 'maf';

export interface Band {
  up_to_fen: number | null;
  ratio_bp: number;
}

export type Deductible =
  | { per: 'admission'; first_fen: number; later_fen: number }
  | { per: 'year'; amount_fen: number }
  | { per: 'none' };

export interface Benefit {
  person_class: PersonClass;
  med_kind: MedKind;
  disease_code?: string;
  levels: (1 | 2 | 3)[];
  deductible: Deductible;
  bands: Band[];
  cap_group: string;
  annual_cap_fen: number;
  monthly_quota_fen?: number;
}

export interface TopUp {
  fund: Fund;
  threshold_fen: number;
  bands: Band[];
  annual_cap_fen: number;
}

export interface PolicySettings {
  long_term_min_months: number;
  temporary_validity_months: number;
  review_filing_kinds: FilingKind[];
  whole_province_filing: boolean;
  claim_submit_months: number;
  claim_process_working_days: number;
  medical_assistance_joined: boolean;
}

export interface Reductions {
  referral_bp: number;
  emergency_bp: number;
  other_temporary_bp: number;
  unfiled_manual_bp: number;
}

/** Mirrors `PolicyDoc` in src/policy/model.ts. */
export interface PolicyDoc {
  pooling_area: string;
  insutype: string;
  begndate: string;
  name?: string;
  settings: PolicySettings;
  reductions: Reductions;
  benefits: Benefit[];
  topups: TopUp[];
}

export interface PolicyVersion {
  id: number;
  pooling_area: string;
  insutype: string;
  begndate: string;
  enddate: string | null;
  doc: PolicyDoc;
}

export type FilingClass = 'long_term' | 'temporary';
export type FilingChannel = 'national_app' | 'mini_program' | 'national_self_service' | 'local_platform' | 'hospital';
export type FilingStatus = 'pending_review' | 'active' | 'rejected' | 'cancelled' | 'changed' | 'expired' | 'ended';

/** Mirrors `FilingProof` in src/filing/model.ts. */
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

export interface FilingAgent {
  name: string;
  certno: string;
  relation: string;
}

/** Mirrors `Filing` in src/filing/model.ts. */
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

/** A filing as the national filing database holds it, whichever channel made it. */
export interface NationalRecord {
  filing_id: number;
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
  filed_at: string;
}

/** A person's own filing, with the first day the insured place lets it be changed or cancelled. */
export interface PersonFiling extends Filing {
  changeable_from: string;
}

export interface FilingsView {
  person: { psn_no: string; name: string; insuplc_admdvs: string };
  filings: PersonFiling[];
  national_records: NationalRecord[];
}

/** Mirrors `FilingTerms` in src/filing/service.ts: what a filing would get, before filing. */
export interface FilingTerms {
  end_date: string | null;
  changeable_from: string;
  review: boolean;
  whole_province_filing: boolean;
}

export interface FilingRequest {
  psn_no: string;
  insutype: string;
  kind: FilingKind;
  area: string;
  begin_date: string;
  channel: FilingChannel;
  proof: FilingProof | { type: string; [field: string]: unknown };
  phone?: string;
  agent?: FilingAgent;
  ongoing_stay_since?: string;
}

export interface FilingResult {
  filing: Filing;
  message: string;
}

export interface FilingCount {
  kind: FilingKind;
  area: string;
  status: FilingStatus;
  n: number;
}

export interface CoveredInstitution extends Institution {
  covered: boolean;
  covered_by: string | null;
}

export interface Coverage {
  covered: boolean;
  filing: NationalRecord | null;
  reason: string;
  emergency_only: boolean;
}

/** Words in both languages, from the server. */
export interface Bilingual {
  zh: string;
  en: string;
}

export type FundPayType = '310100' | '310200' | '320100' | '330100' | '390100' | '390200' | '610100';

export interface SetlInfo {
  medfee_sumamt: number;
  fulamt_ownpay_amt: number;
  overlmt_selfpay: number;
  preselfpay_amt: number;
  inscp_scp_amt: number;
  act_pay_dedc: number;
  hifp_pay: number;
  pool_prop_selfpay: number;
  cvlserv_pay: number;
  hifes_pay: number;
  hifmi_pay: number;
  hifob_pay: number;
  maf_pay: number;
  oth_pay: number;
  fund_pay_sumamt: number;
  psn_part_amt: number;
  acct_pay: number;
  psn_cash_pay: number;
  hosp_part_amt: number;
  balc: number;
}

export interface SetlDetail {
  fund_pay_type: FundPayType;
  inscp_scp_amt: number;
  crt_payb_lmt_amt: number;
  fund_payamt: number;
  fund_pay_type_name: string;
  setl_proc_info: string;
}

export interface EstimateRequest {
  psn_no: string;
  area: string;
  level: 1 | 2 | 3;
  med_kind: MedKind;
  disease_code?: string;
  total_fen: number;
  split?: { classA_fen: number; classB_fen: number; classC_fen: number };
  use_account?: boolean;
}

/** Mirrors `Estimate` in src/settlement/service.ts; all money in fen. */
export interface Estimate {
  coverage: Coverage;
  basis: 'direct_settlement' | 'manual_claim';
  filing_kind: FilingKind | null;
  reduction_bp: number;
  class_b_share_bp: number;
  result: { setlinfo: SetlInfo; setldetail: SetlDetail[]; explanation: Bilingual[] };
  assumptions: Bilingual[];
}

export type SettlementKind = 'settle' | 'cancel' | 'reinstate';

/** Mirrors `SettlementTerms` in src/settlement/model.ts: what a settlement was computed under. */
export interface SettlementTerms {
  level: 1 | 2 | 3;
  med_kind: MedKind;
  filing_no: string | null;
  filing_kind: FilingKind | null;
  emergency: boolean;
  reduction_bp: number;
  policy_version_id: number;
  year: number;
  cap_group: string;
  admission_ordinal: number | null;
}

/** Mirrors the settlement schema of src/settlement/routes.ts; money in fen, negative on a cancellation. */
export interface Settlement {
  setl_id: string;
  kind: SettlementKind;
  /** the settlement a cancellation cancels, or the cancellation a reinstatement undoes */
  reverses: string | null;
  origin_setl_id: string;
  /** in force: not cancelled, and not a cancellation */
  live: boolean;
  mdtrt_id: string;
  psn_no: string;
  psn_name: string;
  fixmedins_code: string;
  insuplc_admdvs: string;
  mdtrtarea_admvs: string;
  insutype: string;
  psn_type: string;
  med_type: string;
  clr_type: string;
  /** yyyy-MM-dd HH:mm:ss, Beijing time */
  setl_time: string;
  setl_date: string;
  setl_month: string;
  acct_used_flag: '0' | '1';
  terms: SettlementTerms;
  amounts: SetlInfo;
  setldetail: SetlDetail[];
  explanation: Bilingual[];
}

export interface SettlementPage extends Page<Settlement> {
  page: number;
  page_size: number;
}

export interface ProblemIssue {
  path: string;
  message: string;
}

/** A failed request: the problem+json body when there was one, a network failure (status 0) otherwise. */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly issues: ProblemIssue[];
  /** the whole problem body: some problems carry more than the standard members (`existing`, `possible_from`) */
  readonly body: Record<string, unknown>;

  constructor(status: number, title: string, detail: string | undefined, issues: ProblemIssue[] = [], body: Record<string, unknown> = {}) {
    super(detail ?? title);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.issues = issues;
    this.body = body;
  }
}

/** The field a problem names, without the `body.` prefix request validation adds: `body/agent/certno` → `agent.certno`. */
export function issueField(path: string): string {
  return path.replace(/^\/?body[./]/, '').replace(/\//g, '.');
}

let onUnauthorized: (() => void) | null = null;

/** The app signs the user out when any call finds the session gone. */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

async function problemFrom(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // not JSON (a proxy's HTML error page): fall back to the status line
  }
  const b = (body ?? {}) as { title?: unknown; detail?: unknown; message?: unknown; errors?: unknown };
  const title = typeof b.title === 'string' ? b.title : res.statusText;
  const detail = typeof b.detail === 'string' ? b.detail : typeof b.message === 'string' ? b.message : undefined;
  const issues = Array.isArray(b.errors)
    ? b.errors.filter((e): e is ProblemIssue => typeof e?.path === 'string' && typeof e?.message === 'string')
    : [];
  return new ApiError(res.status, title, detail, issues, body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {});
}

interface RequestOptions {
  body?: unknown;
  /** a file sent as the body itself (an upload), under its own media type */
  raw?: Blob;
  signal?: AbortSignal;
  /** a 401 is an answer here (sign-in, who-am-I), not a lost session */
  expectUnauthorized?: boolean;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: opts.raw
        ? { accept: 'application/json', 'content-type': opts.raw.type || 'application/octet-stream' }
        : opts.body === undefined
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
      body: opts.raw ?? (opts.body === undefined ? null : JSON.stringify(opts.body)),
      signal: opts.signal ?? null,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', undefined);
  }
  if (!res.ok) {
    const err = await problemFrom(res);
    if (res.status === 401 && !opts.expectUnauthorized) onUnauthorized?.();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, signal ? { signal } : {}),
  post: <T>(path: string, body: unknown) => request<T>('POST', path, { body }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  /** POSTs a file as the raw body. */
  upload: <T>(path: string, file: Blob) => request<T>('POST', path, { raw: file }),
  me: () => request<Me>('GET', '/api/me', { expectUnauthorized: true }),
  signIn: (username: string, password: string) =>
    request<{ user: Me }>('POST', '/api/session', { body: { username, password }, expectUnauthorized: true }),
  signOut: () => request<void>('DELETE', '/api/session', { expectUnauthorized: true }),
};

/** `/api/x?a=1&b=2`, leaving out empty parameters. */
export function withQuery(path: string, params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
