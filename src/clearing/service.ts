import { audit } from '../auth/audit.ts';
import { actorName, type Principal } from '../auth/model.ts';
import { authorize, isAllowed, type Permission } from '../auth/permissions.ts';
import { DomainError, invalid, invalidMany, type FieldIssue } from '../core/errors.ts';
import { add, fen, max, sub, ZERO, type Fen } from '../core/money.ts';
import type { Db, Queryable } from '../db/pool.ts';
import { getInstitution } from '../institutions/service.ts';
import type { Balance } from '../ledger/model.ts';
import { accountCode } from '../ledger/rules.ts';
import { balance, balances, LEDGER, postTransfers, type BalancesQuery } from '../ledger/service.ts';
import { listRegions } from '../reference/service.ts';
import type {
  ClearingSettings,
  ClearReport,
  DailyFigure,
  Exclusion,
  Flows,
  InstitutionPayment,
  MonthView,
  Part,
  Payable,
  PrepaidLevel,
  PrepaidMovement,
  PrepaidTarget,
  Side,
  Statement,
  StatementLine,
  ClearingMonth,
  MonthStatus,
} from './model.ts';
import {
  addWorkingDays,
  checkSettings,
  clearingTransfers,
  closeProblem,
  csvRecord,
  csvYuan,
  fullyConfirmed,
  monthEnd,
  parseKey,
  parseMonth,
  parseProvince,
  parseRange,
  parseSide,
  parseStatementId,
  positionsOf,
  prepaidLevel,
  prepaidTarget,
} from './rules.ts';
import * as store from './store.ts';

/*
 * The clearing's use cases. Closing and clearing a month is a job of several
 * transactions (close, reconcile, post), each idempotent, so a run that stops
 * anywhere is resumed by running it again; everything else is one
 * transaction in the caller's hands. Money moves only through the ledger
 * service, posted as the platform on behalf of the caller authorised here.
 */

const MAX_PAGE_SIZE = 500;
/** Statements posted per ledger call while clearing: progress is reported per batch of province pairs. */
const POST_BATCH = 50;

export type Progress = (phase: string, done: number, total: number) => void;

// ---------------------------------------------------------------- access

function staff(actor: Principal | undefined): asserts actor is Principal {
  if (!actor) throw new DomainError('unauthenticated', 'Sign in first.');
}

/** The actor must act for the province of `side` of the statement; a refusal names the field. */
function forSide(actor: Principal | undefined, perm: Permission, st: Pick<Statement, 'id' | 'insured_province' | 'treatment_province'>, side: Side): void {
  staff(actor);
  const province = side === 'insured' ? st.insured_province : st.treatment_province;
  if (!isAllowed(actor, perm, { region: province })) {
    throw new DomainError('forbidden', `${actor.kind} may not act for ${province}, the ${side} side of statement ${st.id}`, [
      { path: 'side', message: `the ${side} side of ${st.id} is ${province}: only its agency may ${perm === 'clearing.confirm' ? 'confirm it or exclude from it' : 'read it'}` },
    ]);
  }
}

/** Whoever acts for either side may read a statement. */
function readable(actor: Principal | undefined, st: Statement): void {
  staff(actor);
  if (isAllowed(actor, 'clearing.read', { region: st.insured_province }) || isAllowed(actor, 'clearing.read', { region: st.treatment_province })) return;
  throw new DomainError('forbidden', `${actor.kind} may not read statement ${st.id}: it is between ${st.insured_province} and ${st.treatment_province}`);
}

async function statementOr404(tx: Queryable, idText: unknown, lock = false): Promise<Statement> {
  const { id } = parseStatementId(idText);
  const st = await store.statementById(tx, id, lock);
  if (!st) throw new DomainError('not_found', `there is no clearing statement ${id}`, [{ path: 'id', message: 'no such statement: months are reconciled by the national clearing run' }]);
  return st;
}

async function monthOr404(tx: Queryable, month: string, lock = false): Promise<ClearingMonth> {
  const m = await store.monthRow(tx, month, lock);
  if (!m) throw new DomainError('not_found', `month ${month} has not been closed for clearing`, [{ path: 'month', message: 'not closed yet' }]);
  return m;
}

function paging(q: { page?: number; page_size?: number }, defaultSize: number): { page: number; pageSize: number } {
  const page = q.page ?? 1;
  const pageSize = q.page_size ?? defaultSize;
  const issues: FieldIssue[] = [];
  if (!Number.isSafeInteger(page) || page < 1) issues.push({ path: 'page', message: 'must be a whole number ≥ 1' });
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) issues.push({ path: 'page_size', message: `must be 1..${MAX_PAGE_SIZE}` });
  if (issues.length > 0) throw invalidMany(issues, 'the paging has errors');
  return { page, pageSize };
}

// ---------------------------------------------------------------- closing and clearing a month

export interface ClearOptions {
  /** today in Asia/Shanghai: the month must have ended, and it dates the postings */
  today: string;
  now: Date;
  settings: ClearingSettings;
  onProgress?: Progress;
}

/**
 * Closes and clears a month, as far as it can go today:
 *
 * 1. close: nothing may post into the month any more (settlements being
 *    written finish first and are in it; later ones belong to the open month);
 * 2. reconcile: one statement per (insured, treatment) province pair from the
 *    month's settlement rows and the rows carried in, sent for confirmation;
 * 3. post: once every statement is confirmed by both sides — or the deadline
 *    has passed, and the missing confirmations are deemed given — the fund
 *    movements of every statement are posted and the month is cleared.
 *
 * Each step is its own transaction and skips what is done, so running it
 * again, or after a crash, produces the same statements and moves no money
 * twice (transfer ids are derived from the statement ids).
 */
export async function clearMonth(db: Db, actor: Principal | undefined, monthText: unknown, o: ClearOptions): Promise<ClearReport> {
  authorize(actor, 'clearing.operate');
  const month = parseMonth(monthText);
  const settings = checkSettings(o.settings);
  const progress: Progress = o.onProgress ?? (() => undefined);

  progress('closing', 0, 1);
  await db.tx(async (tx) => {
    if (await store.monthRow(tx, month)) return;
    // Checked before the lock too, so a refused run never waits on the settlements being written.
    const early = closeProblem(month, o.today, await store.latestMonth(tx));
    if (early) throw early;
    await store.holdSettlements(tx);
    if (await store.monthRow(tx, month)) return;
    const latest = await store.latestMonth(tx);
    const refused = closeProblem(month, o.today, latest);
    if (refused) throw refused;
    await store.insertMonth(tx, { month, since: latest, by: actorName(actor), at: o.now });
    await audit(tx, actor, 'close', 'clearing_month', month, { since_month: latest });
  });
  progress('closing', 1, 1);

  progress('reconciling', 0, 1);
  await db.tx(async (tx) => {
    const m = await monthOr404(tx, month, true);
    if (m.status !== 'closed') return;
    const r = await store.reconcile(tx, month, m.since_month);
    // The hospitals' own exclusions (HIS 3261) no longer change: 3261 is refused once a month is closed.
    const excluded = await store.insertHospitalExclusions(tx, month, m.since_month, o.now);
    const confirmBy = addWorkingDays(o.today, settings.confirmWorkingDays);
    await store.markIssued(tx, month, o.now, confirmBy);
    await audit(tx, actor, 'issue', 'clearing_month', month, { statements: r.statements, rows: r.rows, hospital_exclusions: excluded, confirm_by: confirmBy });
  });
  progress('reconciling', 1, 1);

  return db.tx(async (tx) => {
    const m = await monthOr404(tx, month, true);
    let deemed = 0;
    if (m.status === 'issued' && o.today > m.confirm_by!) {
      deemed = await store.deemMissing(tx, month, { at: o.now, by: actorName(actor) });
      if (deemed > 0) await audit(tx, actor, 'deem_confirmed', 'clearing_month', month, { confirmations: deemed, confirm_by: m.confirm_by });
    }
    const all = await store.statements(tx, { month });
    const awaiting = all.filter((s) => !fullyConfirmed(s)).length;
    if (m.status === 'issued' && awaiting === 0) await postMonth(tx, actor, month, o, progress);
    const after = (await store.monthRow(tx, month))!;
    return {
      month,
      status: after.status,
      since_month: after.since_month,
      settlements: all.reduce((n, s) => n + s.own.settlements + s.own.reversals + s.carried.rows, 0),
      statements: all.length,
      awaiting,
      deemed,
      confirm_by: after.confirm_by,
      net_total_fen: add(...all.map((s) => s.net_fen)),
    };
  });
}

/** Posts every statement of a fully confirmed month and marks it cleared, in the caller's transaction (the month row locked). */
async function postMonth(tx: Queryable, actor: Principal, month: string, o: { today: string; now: Date }, progress: Progress): Promise<void> {
  const pending = (await store.statements(tx, { month })).filter((s) => s.posted_at === null);
  progress('posting', 0, pending.length);
  for (let i = 0; i < pending.length; i += POST_BATCH) {
    const batch = pending.slice(i, i + POST_BATCH);
    const transfers = batch.flatMap((s) => clearingTransfers(s, o.today));
    if (transfers.length > 0) await postTransfers(tx, LEDGER, transfers, { onBehalfOf: actor });
    for (const s of batch) await store.markPosted(tx, s.id, o.now);
    progress('posting', Math.min(i + POST_BATCH, pending.length), pending.length);
  }
  await store.markCleared(tx, month, o.now);
  await audit(tx, actor, 'clear', 'clearing_month', month, { statements_posted: pending.length });
}

// ---------------------------------------------------------------- months

/** open: settlements and hospitals' confirmations may still change it; otherwise the status of the clearing that took it. */
export type MonthState = 'open' | MonthStatus;

/**
 * Whether `month` is still open or closed for clearing: closed by its own
 * clearing, or by the first clearing when that took it with every earlier
 * month (`cleared_with`). For the platform's other modules; nothing in it is
 * personal or money. With `holdClosing`, no month closes before the caller's
 * transaction ends, so an 'open' answer stays true while the caller writes.
 */
export async function monthStatus(tx: Queryable, monthText: unknown, o: { holdClosing?: boolean } = {}): Promise<{ month: string; status: MonthState; cleared_with: string | null }> {
  const month = parseMonth(monthText);
  if (o.holdClosing) await store.holdClosing(tx);
  const m = await store.coveringMonth(tx, month);
  return { month, status: m?.status ?? 'open', cleared_with: m?.month ?? null };
}

/** The months closed for clearing, newest first (national and agency staff). */
export async function listMonths(tx: Queryable, actor: Principal | undefined): Promise<ClearingMonth[]> {
  staff(actor);
  if (actor.kind !== 'national' && actor.kind !== 'system' && actor.kind !== 'insured_agency' && actor.kind !== 'treatment_agency') {
    throw new DomainError('forbidden', `${actor.kind} may not read the clearing`);
  }
  return store.listMonths(tx);
}

/** A month's state, its statements' totals and each province's net position (an agency sees its own province's position only). */
export async function getMonth(tx: Queryable, actor: Principal | undefined, monthText: unknown): Promise<MonthView> {
  staff(actor);
  const month = parseMonth(monthText);
  const all = isAllowed(actor, 'clearing.operate');
  if (!all && !(actor.kind === 'insured_agency' || actor.kind === 'treatment_agency')) throw new DomainError('forbidden', `${actor.kind} may not read the clearing`);
  const m = await monthOr404(tx, month);
  const statements = await store.statements(tx, { month });
  const positions = positionsOf(statements).filter((p) => all || isAllowed(actor, 'clearing.read', { region: p.province }));
  return {
    ...m,
    statements: statements.length,
    confirmed: statements.filter(fullyConfirmed).length,
    totals: { rows: statements.reduce((n, s) => n + s.own.settlements + s.own.reversals + s.carried.rows, 0), net_fen: add(...statements.map((s) => s.net_fen)) },
    positions,
  };
}

// ---------------------------------------------------------------- statements

export interface StatementQuery {
  month?: string;
  /** the province whose statements to list; an agency's own when omitted */
  province?: string;
  /** only those where the province is this side: insured or treatment */
  side?: string;
  /** only those still waiting for the province's confirmation on `side` */
  unconfirmed?: boolean;
}

/** Statements: the national operator's of every province, a province agency's of its own province as insured side, treatment side or both. */
export async function listStatements(tx: Queryable, actor: Principal | undefined, q: StatementQuery): Promise<Statement[]> {
  staff(actor);
  const issues: FieldIssue[] = [];
  const check = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch (err) {
      if (err instanceof DomainError) issues.push(...err.issues);
      else throw err;
      return undefined;
    }
  };
  const month = q.month === undefined ? undefined : check(() => parseMonth(q.month));
  const side = q.side === undefined ? undefined : check(() => parseSide(q.side));
  let province = q.province === undefined ? undefined : check(() => parseProvince(q.province));
  if (q.unconfirmed && side === undefined) issues.push({ path: 'unconfirmed', message: 'needs a side: whose confirmation is awaited' });
  if (issues.length > 0) throw invalidMany(issues, 'the query has errors');
  if (!isAllowed(actor, 'clearing.operate')) {
    if (province === undefined && 'region' in actor && /^\d{2}0000$/.test(actor.region)) province = actor.region;
    if (province === undefined || !isAllowed(actor, 'clearing.read', { region: province })) {
      throw new DomainError('forbidden', `${actor.kind} may read the statements of its own province only`, [
        { path: 'province', message: 'must be the province your agency acts for' },
      ]);
    }
  }
  return store.statements(tx, {
    ...(month !== undefined ? { month } : {}),
    ...(province !== undefined ? (side === 'insured' ? { insured: province } : side === 'treatment' ? { treatment: province } : { province }) : {}),
    ...(q.unconfirmed && side !== undefined ? { unconfirmed: side } : {}),
  });
}

export async function getStatement(tx: Queryable, actor: Principal | undefined, id: unknown): Promise<Statement & { exclusions: Exclusion[] }> {
  const st = await statementOr404(tx, id);
  readable(actor, st);
  return { ...st, exclusions: await store.exclusions(tx, { statement_id: st.id }) };
}

async function scopeOf(tx: Queryable, st: Statement): Promise<store.StatementScope> {
  const m = await monthOr404(tx, st.month);
  return { month: st.month, since: m.since_month, insured: st.insured_province, treatment: st.treatment_province };
}

const PARTS: readonly Part[] = ['own', 'carried', 'excluded'];

/** The settlement rows behind one figure of a statement: its own rows, those carried in, or those excluded; in setl_id order. */
export async function statementLines(
  tx: Queryable,
  actor: Principal | undefined,
  id: unknown,
  q: { part?: string; page?: number; page_size?: number },
): Promise<{ items: StatementLine[]; total: number; page: number; page_size: number }> {
  const st = await statementOr404(tx, id);
  readable(actor, st);
  const part = (q.part ?? 'own') as Part;
  if (!PARTS.includes(part)) throw invalid('part', `must be one of ${PARTS.join(', ')}`);
  const { page, pageSize } = paging(q, 100);
  const items = await store.lines(tx, await scopeOf(tx, st), part, { limit: pageSize, offset: (page - 1) * pageSize });
  const total = part === 'own' ? st.own.settlements + st.own.reversals : part === 'carried' ? st.carried.rows : st.excluded.rows;
  return { items, total, page, page_size: pageSize };
}

export const CSV_HEADER = [
  'statement_id', 'part', 'setl_id', 'kind', 'reverses', 'setl_month', 'setl_time', 'psn_no', 'fixmedins_code', 'insuplc_admdvs', 'mdtrtarea_admvs',
  'medfee_sumamt', 'fund_pay_sumamt', 'acct_pay', 'clearing_amount', 'excluded_side', 'excluded_reason', 'carried_from_month', 'carried_reason',
] as const;

/**
 * A statement's rows as CSV (RFC 4180, a header first, money in yuan with two
 * decimals): its own rows then those carried in, each saying whether it is
 * excluded. Read a page at a time by setl_id, so a pair of millions of rows
 * streams in constant memory. The caller's `tx` may be the pool.
 */
export async function* statementCsv(tx: Queryable, actor: Principal | undefined, id: unknown): AsyncGenerator<string> {
  const st = await statementOr404(tx, id);
  readable(actor, st);
  const scope = await scopeOf(tx, st);
  yield csvRecord(CSV_HEADER);
  for (const part of ['own', 'carried'] as const) {
    let after = '';
    for (;;) {
      const page = await store.lines(tx, scope, part, { after, limit: 2000 });
      if (page.length === 0) break;
      yield page
        .map((l) =>
          csvRecord([
            st.id, l.part, l.setl_id, l.kind, l.reverses, l.setl_month, l.setl_time, l.psn_no, l.fixmedins_code, l.insuplc_admdvs, l.mdtrtarea_admvs,
            csvYuan(l.medfee_fen), csvYuan(l.fund_fen), csvYuan(l.acct_fen), csvYuan(add(l.fund_fen, l.acct_fen)),
            l.excluded?.side ?? null, l.excluded?.reason ?? null, l.carried_from?.month ?? null, l.carried_from?.reason ?? null,
          ]),
        )
        .join('');
      after = page[page.length - 1]!.setl_id;
    }
  }
}

/** The CSV's file name. */
export const csvFileName = (id: string) => `clearing-${id}.csv`;

/** Rejects a change to a statement whose month no longer takes one. */
function changeable(m: ClearingMonth, st: Statement): void {
  if (m.status === 'cleared' || st.posted_at !== null) {
    throw new DomainError('conflict', `statement ${st.id} is cleared: its money moved on ${m.cleared_at ?? st.posted_at}; dispute a row in a later month's statement`);
  }
}

/**
 * The statement `id` locked for a change by `side` (its month's row locked
 * first), after the actor is checked to act for that side's province.
 */
async function statementToChange(tx: Queryable, actor: Principal, id: unknown, side: Side): Promise<{ month: string; st: Statement; confirmed: boolean }> {
  const { month } = parseStatementId(id);
  const m = await monthOr404(tx, month, true);
  const st = await statementOr404(tx, id, true);
  forSide(actor, 'clearing.confirm', st, side);
  changeable(m, st);
  return { month, st, confirmed: (side === 'insured' ? st.insured_confirmation : st.treatment_confirmation) !== null };
}

/**
 * A province confirms its side of a statement. Confirming again is a no-op.
 * The confirmation that completes the month posts its fund movements in the
 * same transaction: the month's row is locked, so two last confirmations
 * cannot both miss it.
 */
export async function confirmStatement(tx: Queryable, actor: Principal | undefined, id: unknown, sideText: unknown, o: { today: string; now: Date }): Promise<Statement> {
  staff(actor);
  const side = parseSide(sideText);
  const { month, st, confirmed } = await statementToChange(tx, actor, id, side);
  if (confirmed) return st;
  await store.confirm(tx, st.id, side, { at: o.now, by: actorName(actor), deemed: false });
  await audit(tx, actor, 'confirm', 'clearing_statement', st.id, { side, net_fen: st.net_fen });
  const waiting = await store.statements(tx, { month, unconfirmed: 'insured' });
  const waitingT = await store.statements(tx, { month, unconfirmed: 'treatment' });
  if (waiting.length === 0 && waitingT.length === 0) await postMonth(tx, actor, month, o, () => undefined);
  return (await store.statementById(tx, st.id))!;
}

export interface ExcludeInput {
  setl_id: string;
  side: Side;
  reason: string;
}

/**
 * The confirming side excludes a disputed settlement row from the statement:
 * it is left out of this month and carried into the next month reconciled.
 * Only before that side confirms; the other side's confirmation, given for
 * figures that have now changed, is withdrawn.
 */
export async function excludeSettlement(tx: Queryable, actor: Principal | undefined, id: unknown, input: ExcludeInput, o: { now: Date }): Promise<Exclusion> {
  staff(actor);
  const side = parseSide(input.side, 'side');
  const issues: FieldIssue[] = [];
  if (typeof input.setl_id !== 'string' || !/^A\d{22}$/.test(input.setl_id)) issues.push({ path: 'setl_id', message: 'must be a settlement id (A + 22 digits)' });
  const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
  if (reason === '') issues.push({ path: 'reason', message: 'say why the settlement is disputed' });
  else if (reason.length > 500) issues.push({ path: 'reason', message: 'must be at most 500 characters' });
  if (issues.length > 0) throw invalidMany(issues, 'the exclusion has errors');
  const { month, st, confirmed } = await statementToChange(tx, actor, id, side);
  if (confirmed) {
    throw new DomainError('business_rule', `the ${side} side confirmed statement ${st.id} already: a confirmed statement takes no exclusion`, [
      { path: 'side', message: 'has confirmed this statement' },
    ]);
  }
  const line = await store.lineOf(tx, await scopeOf(tx, st), input.setl_id);
  if (!line) {
    throw new DomainError('not_found', `settlement ${input.setl_id} is not a row of statement ${st.id}`, [
      { path: 'setl_id', message: `is not among the rows of ${st.id}` },
    ]);
  }
  if (line.excluded) {
    throw new DomainError('conflict', `settlement ${input.setl_id} is excluded from ${st.id} already (${line.excluded.side}: ${line.excluded.reason})`, [
      { path: 'setl_id', message: 'is excluded already' },
    ]);
  }
  const exclusion = {
    setl_id: line.setl_id,
    month,
    statement_id: st.id,
    side,
    reason,
    medfee_fen: line.medfee_fen,
    fund_fen: line.fund_fen,
    acct_fen: line.acct_fen,
    excluded_by: actorName(actor),
  };
  await store.insertExclusion(tx, { ...exclusion, at: o.now });
  const other: Side = side === 'insured' ? 'treatment' : 'insured';
  const withdrawn = (other === 'insured' ? st.insured_confirmation : st.treatment_confirmation) !== null;
  if (withdrawn) await store.withdrawConfirmation(tx, st.id, other);
  await audit(tx, actor, 'exclude', 'clearing_statement', st.id, { setl_id: line.setl_id, side, reason, withdrawn_confirmation: withdrawn ? other : null });
  return { ...exclusion, excluded_at: o.now.toISOString(), carried_to: null };
}

// ---------------------------------------------------------------- prepaid funds

/** Every page of a ledger balance query. */
async function allBalances(tx: Queryable, actor: Principal, q: BalancesQuery): Promise<Balance[]> {
  const out: Balance[] = [];
  for (let page = 1; ; page++) {
    const r = await balances(tx, actor, { ...q, page, page_size: MAX_PAGE_SIZE });
    out.push(...r.items);
    if (out.length >= r.total || r.items.length === 0) return out;
  }
}

async function provinces(tx: Queryable): Promise<Map<string, { name_zh: string; name_en: string }>> {
  return new Map((await listRegions(tx, { level: 1 })).map((r) => [r.code, { name_zh: r.name_zh, name_en: r.name_en }]));
}

/**
 * Each province's prepaid funds (the balance of `prepaid:<province>`) and what
 * it owes treatment provinces and has not cleared (its province-level claims'
 * balances). Read through the ledger service, one treatment province's claims
 * at a time.
 */
async function prepaidBalances(tx: Queryable, names: Iterable<string>): Promise<{ prepaid: Map<string, Fen>; uncleared: Map<string, Fen> }> {
  const prepaid = new Map((await allBalances(tx, LEDGER, { prefix: 'prepaid:' })).map((b) => [b.account.slice('prepaid:'.length), b.balance_fen]));
  const uncleared = new Map<string, Fen>();
  for (const treatment of names) {
    for (const b of await allBalances(tx, LEDGER, { prefix: `claim:${treatment}:` })) {
      const insured = b.account.split(':')[2]!;
      uncleared.set(insured, add(uncleared.get(insured) ?? ZERO, b.balance_fen));
    }
  }
  return { prepaid, uncleared };
}

export interface SizeOptions {
  today: string;
  now: Date;
  settings: ClearingSettings;
}

export interface SizedProvince {
  province: string;
  target: PrepaidTarget;
  /** the prepaid balance before the sizing */
  before_fen: Fen;
  /** what the sizing moved into (+) or out of (−) the prepaid funds; 0 when sized already or at target */
  moved_fen: Fen;
}

/**
 * Sizes every insured province's prepaid funds for `year` (the initial
 * amount, then the yearly adjustment): the previous year's cross-provincial
 * fund + account payments × months / 12, brought about by one transfer
 * between the province's fund and its prepaid funds. A year is sized once
 * per province: running it again moves nothing.
 */
export async function sizePrepaid(tx: Queryable, actor: Principal | undefined, yearInput: unknown, o: SizeOptions): Promise<SizedProvince[]> {
  authorize(actor, 'clearing.operate');
  const year = Number(yearInput);
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw invalid('year', `must be a year such as ${o.today.slice(0, 4)}`);
  const settings = checkSettings(o.settings);
  const base = await store.yearPayments(tx, year - 1);
  const { prepaid } = await prepaidBalances(tx, []);
  const sized: SizedProvince[] = [];
  for (const province of [...new Set([...base.keys(), ...prepaid.keys()])].sort()) {
    const before = prepaid.get(province) ?? ZERO;
    const baseFen = base.get(province) ?? ZERO;
    const { target, created } = await store.insertTarget(tx, {
      province,
      year,
      months: settings.prepaidMonths,
      base_fen: baseFen,
      target_fen: prepaidTarget(baseFen, settings.prepaidMonths),
      sized_by: actorName(actor),
      at: o.now,
    });
    let moved = ZERO;
    if (created) {
      moved = sub(target.target_fen, before);
      if (moved !== 0) await movePrepaid(tx, actor, { province, kind: 'size', key: String(year), amount_fen: moved, reason: `yearly sizing ${year}: ${target.months} months of ${year - 1}` }, o);
      await audit(tx, actor, 'size', 'prepaid_target', `${province}:${year}`, { base_fen: target.base_fen, target_fen: target.target_fen, moved_fen: moved });
    }
    sized.push({ province, target, before_fen: before, moved_fen: moved });
  }
  return sized;
}

/** One movement between a province's fund and its prepaid funds: + into the prepaid funds, − back. */
async function movePrepaid(
  tx: Queryable,
  actor: Principal,
  m: { province: string; kind: PrepaidMovement['kind']; key: string; amount_fen: Fen; reason: string },
  o: { today: string; now: Date },
): Promise<PrepaidMovement> {
  const id = `prepaid:${m.province}:${m.kind}:${m.key}`;
  const fund = accountCode('fund', m.province);
  const prepaid = accountCode('prepaid', m.province);
  const into = m.amount_fen > 0;
  // Posted first: a retry with the same key and other content is refused here, naming the difference.
  await postTransfers(
    tx,
    LEDGER,
    [{ id, debit: into ? fund : prepaid, credit: into ? prepaid : fund, amount_fen: fen(Math.abs(m.amount_fen)), business_date: o.today, ref_kind: 'prepaid', ref_id: `${m.province}:${m.kind}` }],
    { onBehalfOf: actor },
  );
  const movement = { transfer_id: id, province: m.province, kind: m.kind, amount_fen: m.amount_fen, reason: m.reason, business_date: o.today, actor: actorName(actor) };
  if (await store.insertMovement(tx, { ...movement, at: o.now })) await audit(tx, actor, m.kind, 'prepaid_movement', id, { province: m.province, amount_fen: m.amount_fen, reason: m.reason });
  return (await store.movementById(tx, id))!;
}

export interface PrepaidInput {
  province: string;
  /** top-up: > 0; adjustment: + into the prepaid funds, − back to the province's fund */
  amount_fen: number;
  reason?: string;
  /** an idempotency key: the same key again answers the stored movement */
  key?: string;
}

/** An idempotency key when given; a malformed one adds its issue. */
function optionalKey(value: string | undefined, issues: FieldIssue[]): string | undefined {
  if (value === undefined) return undefined;
  try {
    return parseKey(value);
  } catch (err) {
    issues.push(...(err as DomainError).issues);
    return undefined;
  }
}

function prepaidInput(i: PrepaidInput, kind: 'topup' | 'adjust'): { province: string; amount: Fen; reason: string; key: string | undefined } {
  const issues: FieldIssue[] = [];
  let province = '';
  try {
    province = parseProvince(i.province);
  } catch (err) {
    issues.push(...(err as DomainError).issues);
  }
  const amount = i.amount_fen;
  if (!Number.isSafeInteger(amount) || amount === 0 || (kind === 'topup' && amount < 0)) {
    issues.push({ path: 'amount_fen', message: kind === 'topup' ? 'must be a positive whole number of fen' : 'must be a non-zero whole number of fen (+ in, − out)' });
  }
  const reason = (i.reason ?? '').trim();
  if (kind === 'adjust' && reason === '') issues.push({ path: 'reason', message: 'say why the prepaid funds are adjusted' });
  if (reason.length > 500) issues.push({ path: 'reason', message: 'must be at most 500 characters' });
  const key = optionalKey(i.key, issues);
  if (issues.length > 0) throw invalidMany(issues, `the ${kind === 'topup' ? 'top-up' : 'adjustment'} has errors`);
  return { province, amount: fen(amount), reason: reason || 'top-up', key };
}

/** The province tops up its prepaid funds from its fund (recorded by the national operator). */
export async function topUpPrepaid(tx: Queryable, actor: Principal | undefined, input: PrepaidInput, o: { today: string; now: Date }): Promise<PrepaidMovement> {
  authorize(actor, 'clearing.operate');
  const i = prepaidInput(input, 'topup');
  const key = i.key ?? `${o.today}-${await store.nextSerial(tx, 'prepaid_movement_serial')}`;
  return movePrepaid(tx, actor, { province: i.province, kind: 'topup', key, amount_fen: i.amount, reason: i.reason }, o);
}

/** A correction of a province's prepaid funds outside the yearly sizing, either way, with its reason. */
export async function adjustPrepaid(tx: Queryable, actor: Principal | undefined, input: PrepaidInput, o: { today: string; now: Date }): Promise<PrepaidMovement> {
  authorize(actor, 'clearing.operate');
  const i = prepaidInput(input, 'adjust');
  const key = i.key ?? `${o.today}-${await store.nextSerial(tx, 'prepaid_movement_serial')}`;
  return movePrepaid(tx, actor, { province: i.province, kind: 'adjust', key, amount_fen: i.amount, reason: i.reason }, o);
}

/**
 * Every insured province's prepaid funds: the balance held, what it owes and
 * has not cleared, what is available, this year's target and the warning
 * when the available funds are below the configured share of it.
 * The national operator sees all; a province agency its own.
 */
export async function prepaidLevels(tx: Queryable, actor: Principal | undefined, o: { today: string; settings: ClearingSettings; year?: number }): Promise<PrepaidLevel[]> {
  staff(actor);
  const all = isAllowed(actor, 'clearing.operate');
  const settings = checkSettings(o.settings);
  const year = o.year ?? Number(o.today.slice(0, 4));
  const names = await provinces(tx);
  const { prepaid, uncleared } = await prepaidBalances(tx, names.keys());
  const targets = await store.targets(tx, year);
  const codes = [...new Set([...prepaid.keys(), ...uncleared.keys(), ...targets.keys()])].sort();
  let visible = codes;
  if (!all) {
    const own = 'region' in actor ? `${actor.region.slice(0, 2)}0000` : null;
    if (own === null || !isAllowed(actor, 'clearing.read', { region: own })) throw new DomainError('forbidden', `${actor.kind} may read its own province's prepaid funds only`);
    visible = codes.filter((p) => p === own);
  }
  return visible.map((province) => {
    const p = { prepaid_fen: prepaid.get(province) ?? ZERO, uncleared_fen: uncleared.get(province) ?? ZERO, target_fen: targets.get(province)?.target_fen ?? null };
    const name = names.get(province);
    return { province, name_zh: name?.name_zh ?? province, name_en: name?.name_en ?? province, ...p, ...prepaidLevel(p, settings.prepaidWarnBp) };
  });
}

export async function prepaidMovements(tx: Queryable, actor: Principal | undefined, provinceText?: unknown): Promise<PrepaidMovement[]> {
  staff(actor);
  const province = provinceText === undefined ? null : parseProvince(provinceText);
  if (!isAllowed(actor, 'clearing.operate') && (province === null || !isAllowed(actor, 'clearing.read', { region: province }))) {
    throw new DomainError('forbidden', `${actor.kind} may read its own province's prepaid funds only`, [{ path: 'province', message: 'must be the province your agency acts for' }]);
  }
  return store.movements(tx, province);
}

export async function prepaidTargets(tx: Queryable, actor: Principal | undefined, yearInput: unknown): Promise<PrepaidTarget[]> {
  authorize(actor, 'clearing.operate');
  const year = Number(yearInput);
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw invalid('year', 'must be a year such as 2026');
  return [...(await store.targets(tx, year)).values()].sort((a, b) => (a.province < b.province ? -1 : 1));
}

// ---------------------------------------------------------------- payables to institutions

const areaLike = (area: string) => (area.endsWith('0000') ? `${area.slice(0, 2)}%` : area.endsWith('00') ? `${area.slice(0, 4)}%` : area);

/**
 * What a treatment-place agency owes each of its institutions for a month:
 * the payable account's balance at the month's end less what was paid since
 * (payments settle the oldest debt first), and the balance now. Read from the
 * ledger in the actor's scope.
 */
export async function payables(
  tx: Queryable,
  actor: Principal | undefined,
  q: { area: string; month: string },
): Promise<{ area: string; month: string; items: Payable[]; totals: { owed_at_month_end_fen: Fen; paid_since_fen: Fen; due_fen: Fen; balance_fen: Fen } }> {
  staff(actor);
  const issues: FieldIssue[] = [];
  if (typeof q.area !== 'string' || !/^\d{6}$/.test(q.area)) issues.push({ path: 'area', message: 'must be a 6-digit division code' });
  if (typeof q.month !== 'string' || !/^\d{4}-(0[1-9]|1[0-2])$/.test(q.month)) issues.push({ path: 'month', message: `must be a month yyyy-MM, got ${JSON.stringify(q.month)}` });
  if (issues.length > 0) throw invalidMany(issues, 'the query has errors');
  const end = monthEnd(q.month);
  const atEnd = new Map((await allBalances(tx, actor, { prefix: 'payable:', region: q.area, asOf: end })).map((b) => [b.account, b]));
  const now = await allBalances(tx, actor, { prefix: 'payable:', region: q.area });
  const paid = await store.paymentsAfter(tx, areaLike(q.area), end);
  const items: Payable[] = [];
  for (const b of now) {
    const [, admdvs, code] = b.account.split(':') as [string, string, string];
    const owed = atEnd.get(b.account)?.balance_fen ?? ZERO;
    const paidSince = paid.get(code) ?? ZERO;
    if (owed === 0 && b.balance_fen === 0) continue;
    const name = await getInstitution(tx, code).then((i) => i.name, () => code);
    items.push({ institution: code, name, admdvs, owed_at_month_end_fen: owed, paid_since_fen: paidSince, due_fen: max(ZERO, sub(owed, paidSince)), balance_fen: b.balance_fen });
  }
  const total = (f: (p: Payable) => Fen) => add(...items.map(f));
  return {
    area: q.area,
    month: q.month,
    items,
    totals: { owed_at_month_end_fen: total((p) => p.owed_at_month_end_fen), paid_since_fen: total((p) => p.paid_since_fen), due_fen: total((p) => p.due_fen), balance_fen: total((p) => p.balance_fen) },
  };
}

export interface PaymentInput {
  institution: string;
  /** the month of payables it pays */
  month: string;
  amount_fen: number;
  note?: string;
  /** an idempotency key: the same key again answers the stored payment */
  key?: string;
}

/**
 * The treatment-place agency pays an institution: its payable falls and the
 * institution's cash rises, one ledger transfer. Never more than the agency
 * owes it now.
 */
export async function payInstitution(tx: Queryable, actor: Principal | undefined, input: PaymentInput, o: { today: string; now: Date }): Promise<InstitutionPayment> {
  staff(actor);
  const issues: FieldIssue[] = [];
  if (typeof input.institution !== 'string' || !/^[HP]\d{11}$/.test(input.institution)) issues.push({ path: 'institution', message: "must be an institution code ('H' or 'P' + 11 digits)" });
  if (typeof input.month !== 'string' || !/^\d{4}-(0[1-9]|1[0-2])$/.test(input.month)) issues.push({ path: 'month', message: `must be a month yyyy-MM, got ${JSON.stringify(input.month)}` });
  else if (input.month > o.today.slice(0, 7)) issues.push({ path: 'month', message: 'is in the future' });
  if (!Number.isSafeInteger(input.amount_fen) || input.amount_fen <= 0) issues.push({ path: 'amount_fen', message: 'must be a positive whole number of fen' });
  const note = input.note?.trim() || null;
  if (note !== null && note.length > 500) issues.push({ path: 'note', message: 'must be at most 500 characters' });
  const key = optionalKey(input.key, issues);
  if (issues.length > 0) throw invalidMany(issues, 'the payment has errors');
  const inst = await getInstitution(tx, input.institution).catch(() => {
    throw new DomainError('not_found', `there is no institution ${input.institution}`, [{ path: 'institution', message: 'no such institution' }]);
  });
  authorize(actor, 'payable.write', { region: inst.admdvs });
  const payable = accountCode('payable', inst.admdvs, inst.code);
  const id = `pay:${inst.admdvs}:${inst.code}:${key ?? `${o.today}-${await store.nextSerial(tx, 'institution_payment_serial')}`}`;
  const owed = (await balance(tx, LEDGER, payable)).balance_fen;
  const stored = await store.paymentById(tx, id);
  if (stored) return stored;
  if (input.amount_fen > owed) {
    throw new DomainError('business_rule', `the agency owes ${inst.code} ${csvYuan(owed)} yuan now: a payment of ${csvYuan(fen(input.amount_fen))} yuan is more`, [
      { path: 'amount_fen', message: `must not exceed what is owed now (${owed} fen)` },
    ]);
  }
  await postTransfers(
    tx,
    LEDGER,
    [{ id, debit: payable, credit: accountCode('cash', inst.admdvs, inst.code), amount_fen: fen(input.amount_fen), business_date: o.today, ref_kind: 'payment', ref_id: `${inst.code}:${input.month}` }],
    { onBehalfOf: actor },
  );
  const payment = await store.insertPayment(tx, {
    transfer_id: id, admdvs: inst.admdvs, institution: inst.code, month: input.month, amount_fen: fen(input.amount_fen), business_date: o.today, note, paid_by: actorName(actor), at: o.now,
  });
  await audit(tx, actor, 'pay', 'institution_payment', id, { institution: inst.code, month: input.month, amount_fen: input.amount_fen });
  return payment;
}

/**
 * The payments the treatment-place agency recorded to `institution` for
 * `month`: for the institution itself, its agency and the national operator.
 */
export async function paymentsForMonth(tx: Queryable, actor: Principal | undefined, institution: string, monthText: unknown): Promise<InstitutionPayment[]> {
  staff(actor);
  const month = parseMonth(monthText);
  const inst = await getInstitution(tx, institution);
  const own = actor.kind === 'institution' && actor.code === inst.code;
  if (!own && !isAllowed(actor, 'payable.write', { region: inst.admdvs }) && !isAllowed(actor, 'clearing.operate')) {
    throw new DomainError('forbidden', `${actor.kind} may not read the payments to ${inst.code}`);
  }
  return store.payments(tx, { areaLike: inst.admdvs, month, institution: inst.code });
}

export async function listPayments(tx: Queryable, actor: Principal | undefined, q: { area: string; month?: string; institution?: string }): Promise<InstitutionPayment[]> {
  staff(actor);
  if (typeof q.area !== 'string' || !/^\d{6}$/.test(q.area)) throw invalid('area', 'must be a 6-digit division code');
  if (q.month !== undefined) parseMonth(q.month);
  if (!isAllowed(actor, 'payable.write', { region: q.area }) && !isAllowed(actor, 'clearing.operate')) {
    throw new DomainError('forbidden', `${actor.kind} may not read the payments of ${q.area}`, [{ path: 'area', message: 'is not your agency’s area' }]);
  }
  return store.payments(tx, { areaLike: areaLike(q.area), ...(q.month !== undefined ? { month: q.month } : {}), ...(q.institution !== undefined ? { institution: q.institution } : {}) });
}

// ---------------------------------------------------------------- dashboard

export interface DailyQuery {
  from: string;
  to: string;
  /** group by the insured or the treatment province (default treatment) */
  side?: string;
  province?: string;
  /** cross_province (default): the settlements the clearing is made of; all: every direct settlement */
  scope?: string;
}

/** Settlement rows and fund amounts per day and per province over at most 366 days. A province agency sees its own province. */
export async function dailyFigures(tx: Queryable, actor: Principal | undefined, q: DailyQuery): Promise<{ from: string; to: string; side: Side; items: DailyFigure[] }> {
  staff(actor);
  const { from, to } = parseRange(q.from, q.to, 366);
  const side = q.side === undefined ? 'treatment' : parseSide(q.side);
  if (q.scope !== undefined && q.scope !== 'cross_province' && q.scope !== 'all') throw invalid('scope', 'must be cross_province or all');
  let province = q.province === undefined ? null : parseProvince(q.province);
  if (!isAllowed(actor, 'clearing.operate')) {
    if (province === null && 'region' in actor) province = actor.region;
    if (province === null || !isAllowed(actor, 'clearing.read', { region: province })) {
      throw new DomainError('forbidden', `${actor.kind} may read its own province's figures only`, [{ path: 'province', message: 'must be the province your agency acts for' }]);
    }
  }
  const items = await store.daily(tx, { from, to, side, province, crossProvinceOnly: q.scope !== 'all' });
  return { from, to, side, items };
}

/**
 * A month's money between provinces for a Sankey diagram (national): the
 * issued statements' nets once the month is reconciled, the live sums of its
 * settlement rows before.
 */
export async function monthFlows(tx: Queryable, actor: Principal | undefined, monthText: unknown): Promise<Flows> {
  authorize(actor, 'clearing.operate');
  const month = parseMonth(monthText);
  const m = await store.monthRow(tx, month);
  const reconciled = m !== null && m.status !== 'closed';
  const pairs = reconciled
    ? (await store.statements(tx, { month })).map((s) => ({
        insured: s.insured_province,
        treatment: s.treatment_province,
        rows: s.own.settlements + s.own.reversals + s.carried.rows - s.excluded.rows,
        net_fen: s.net_fen,
      }))
    : await store.livePairs(tx, month);
  const links = pairs.filter((p) => p.net_fen > 0);
  const names = await provinces(tx);
  const node = (province: string, side: Side) => {
    const n = names.get(province);
    return { id: `${side === 'insured' ? 'I' : 'T'}:${province}`, province, side, name_zh: n?.name_zh ?? province, name_en: n?.name_en ?? province };
  };
  const nodes = [
    ...[...new Set(links.map((l) => l.insured))].sort().map((p) => node(p, 'insured')),
    ...[...new Set(links.map((l) => l.treatment))].sort().map((p) => node(p, 'treatment')),
  ];
  return {
    month,
    source: reconciled ? 'statements' : 'settlements',
    nodes,
    links: links.map((l) => ({ source: `I:${l.insured}`, target: `T:${l.treatment}`, amount_fen: l.net_fen, settlements: l.rows })),
  };
}
