import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, issueField, type Bilingual } from '../api.ts';
import {
  beijingTime,
  CLASS_OF,
  lineAmount,
  qtyE4,
  qtyText,
  type BillInput,
  type ClaimBill,
  type ClaimComputation,
  type ClaimDetail,
  type ClaimEvent,
  type ClaimStatus,
  type ClaimSummary,
  type ProcessingClock,
} from '../claims.ts';
import { relationText } from '../filing.ts';
import { formatYuan, maskCertno, parseYuan, type YuanInput } from '../format.ts';
import { hasKey, useI18n, type MessageKey } from '../i18n.tsx';
import { points } from '../policyText.ts';
import { useAreaName } from './FilingFacts.tsx';
import { Amount } from './SettlementParts.tsx';
import { Badge, Card, ErrorBox, errorMessage, Facts, Field, Loading, tCode, Unbroken } from './ui.tsx';

/** The API's ceiling for one amount (fen). */
const MAX_FEN = 100_000_000_00;

const yuanError: Record<Exclude<YuanInput, { ok: true }>['reason'], MessageKey> = {
  empty: 'err.yuan.empty',
  format: 'err.yuan.format',
  decimals: 'err.yuan.decimals',
  tooLarge: 'err.yuan.tooLarge',
};

/**
 * One claim, kept on screen while it is fetched again after a change (an
 * upload, a decision): the page neither flashes nor loses its place.
 */
export function ClaimLoaded({ id, children }: { id: number; children: (claim: ClaimDetail, reload: () => void) => ReactNode }) {
  const [state, setState] = useState<{ claim: ClaimDetail | null; error: ApiError | null }>({ claim: null, error: null });
  const reload = useCallback(() => {
    api.get<ClaimDetail>(`/api/claims/${id}`).then(
      (claim) => setState({ claim, error: null }),
      (e: unknown) => setState((s) => ({ claim: s.claim, error: e instanceof ApiError ? e : new ApiError(0, 'network', undefined) })),
    );
  }, [id]);
  useEffect(reload, [reload]);
  if (state.claim === null) return state.error ? <ErrorBox error={state.error} onRetry={reload} /> : <Loading />;
  return (
    <>
      {state.error && <ErrorBox error={state.error} onRetry={reload} />}
      {children(state.claim, reload)}
    </>
  );
}

export function useWords(): (line: Bilingual) => string {
  const { lang } = useI18n();
  return (line) => (lang === 'en' ? line.en : line.zh);
}

export function ClaimStatusBadge({ status }: { status: ClaimStatus }) {
  const { t } = useI18n();
  const tone = { draft: 'neutral', submitted: 'info', more_documents_requested: 'warn', approved: 'good', partly_approved: 'good', rejected: 'bad', paid: 'good' } as const;
  return (
    <Badge tone={tone[status]}>
      <span data-status={status}>{t(`clm.status.${status}`)}</span>
    </Badge>
  );
}

/** The agency's processing clock in words: working days used of the limit, the due day; paused while documents are asked for; the days taken once decided. */
export function ClockText({ clock, status }: { clock: ProcessingClock; status: ClaimStatus }) {
  const { t } = useI18n();
  const decided = !clock.running && status !== 'more_documents_requested';
  return (
    <span className="claim-clock" data-testid="claim-clock" data-overdue={clock.overdue ? 'true' : 'false'}>
      <span className="nowrap">{decided ? t('clm.clock.took', { used: clock.used_days, limit: clock.limit_days }) : t('clm.clock.used', { used: clock.used_days, limit: clock.limit_days })}</span>
      {clock.running && clock.due_date && (
        <>
          {' · '}
          <Unbroken text={t('clm.clock.due')} values={{ date: clock.due_date }} />
        </>
      )}
      {status === 'more_documents_requested' && <> · {t('clm.clock.paused')}</>}
      {clock.overdue && (
        <>
          {' '}
          <Badge tone="bad">{t('clm.clock.overdue')}</Badge>
        </>
      )}
    </span>
  );
}

/** The basis direct settlement would have had, in words, with the reduction it brings. */
export function basisText(t: ReturnType<typeof useI18n>['t'], c: { basis: ClaimDetail['basis']; filing_kind: ClaimDetail['filing_kind'] }): string {
  if (c.basis === 'filing' && c.filing_kind) return t('clm.basis.filing', { kind: tCode(t, 'filing', c.filing_kind) });
  return t(`clm.basis.${c.basis}`);
}

/** Who did something, from the server's `kind:name`: the person, their agent, the agency (with its user name for staff). */
export function useActorName(claim: Pick<ClaimDetail, 'psn_no' | 'agent'>, staffView: boolean): (actor: string) => string {
  const { t } = useI18n();
  return (actor) => {
    const [kind, name] = [actor.slice(0, actor.indexOf(':')), actor.slice(actor.indexOf(':') + 1)];
    if (kind === 'person') return name === claim.psn_no ? t(staffView ? 'clm.actor.insured' : 'clm.actor.person') : t('clm.actor.agent');
    if (kind === 'insured_agency') return staffView ? `${t('clm.actor.agency')} · ${name}` : t('clm.actor.agency');
    if (kind === 'national') return t('role.national');
    return actor;
  };
}

/** The case as entered: reason, treatment, institution, dates, invoice, basis, agent. */
export function ClaimFacts({ claim, showPerson }: { claim: ClaimDetail | ClaimSummary; showPerson: boolean }) {
  const { t } = useI18n();
  const areaName = useAreaName();
  const items: [string, ReactNode][] = [
    ...(showPerson ? [[t('setl.person'), <>{claim.psn_name} <span className="muted code">{claim.psn_no}</span></>] as [string, ReactNode]] : []),
    [t('clm.reason'), t(`clm.reason.${claim.reason}`)],
    [t('est.medKind'), tCode(t, 'medKind', claim.med_kind) + (claim.disease_code ? ` · ${claim.disease_code}` : '')],
    [
      t('clm.institution'),
      <>
        {claim.institution_name}
        <br />
        <small className="muted">
          {tCode(t, 'level', claim.level)}
          {claim.institution_code ? ` · ${claim.institution_code}` : ''}
        </small>
      </>,
    ],
    [t('setl.treatment'), areaName(claim.mdtrtarea_admvs)],
    [t('clm.dates'), claim.begin_date === claim.end_date ? claim.begin_date : <Unbroken text={t('common.dateRange')} values={{ from: claim.begin_date, to: claim.end_date }} />],
    [t('clm.invoiceNo'), <span className="code">{claim.invoice_no}</span>],
    [
      t('clm.basis'),
      <>
        {basisText(t, claim)}
        {claim.filing_no && (
          <>
            <br />
            <small className="muted code">{claim.filing_no}</small>
          </>
        )}
      </>,
    ],
    ...(claim.agent
      ? [[t('clm.agent'), `${t('fil.agentValue', { name: claim.agent.name, relation: relationText(t, claim.agent.relation) })} · ${maskCertno(claim.agent.certno)}`] as [string, ReactNode]]
      : []),
    [t('person.insuplc'), areaName(claim.insuplc_admdvs)],
  ];
  return <Facts items={items} />;
}

/** A bill as the server classified it: the lines with their class and self-paid parts, or the totals by class. */
export function BillView({ bill }: { bill: ClaimBill }) {
  const { t } = useI18n();
  return (
    <div className="claim-bill" data-testid="claim-bill" data-bill={bill.id}>
      {bill.kind === 'lines' ? (
        <ul className="plain-list bill-lines">
          {bill.lines.map((l, i) => {
            const cls = CLASS_OF[l.chrgitm_lv];
            const self = l.fulamt_ownpay_fen + l.overlmt_fen + l.preselfpay_fen;
            return (
              <li key={i} className="bill-line">
                <div className="bill-line-head">
                  <span className="strong">{l.name}</span>
                  <Amount field={`lines.${i}.amount_fen`} fen={l.amount_fen} />
                </div>
                <div className="bill-line-meta muted">
                  <Badge tone={cls.tone}>{t(cls.key)}</Badge>
                  {!l.listed && <Badge tone="warn">{t('clm.bill.unlisted')}</Badge>}
                  <span className="nowrap">
                    {formatYuan(l.price_fen)} × {qtyText(l.qty_e4)}
                  </span>
                  {l.hilist_code && <span className="code">{l.hilist_code}</span>}
                  {self > 0 && <span className="nowrap">{t('clm.bill.selfPart', { amount: formatYuan(self) })}</span>}
                </div>
              </li>
            );
          })}
        </ul>
      ) : (
        bill.classes && (
          <dl className="money-lines">
            {(['classA_fen', 'classB_fen', 'classC_fen'] as const).map((k) => (
              <div key={k} className="money-line">
                <dt>{t(k === 'classA_fen' ? 'est.classA' : k === 'classB_fen' ? 'est.classB' : 'est.classC')}</dt>
                <dd>
                  <Amount field={`classes.${k}`} fen={bill.classes![k]} />
                </dd>
              </div>
            ))}
          </dl>
        )
      )}
      <dl className="money-lines bill-totals">
        <div className="money-line money-strong">
          <dt>{t('est.line.total')}</dt>
          <dd>
            <Amount field="medfee_sumamt_fen" fen={bill.medfee_sumamt_fen} />
          </dd>
        </div>
        <div className="money-line">
          <dt>{t('est.line.fulamt')}</dt>
          <dd>{formatYuan(bill.totals.fulamt_ownpay_fen)}</dd>
        </div>
        {bill.totals.overlmt_fen > 0 && (
          <div className="money-line">
            <dt>{t('est.line.overlmt')}</dt>
            <dd>{formatYuan(bill.totals.overlmt_fen)}</dd>
          </div>
        )}
        <div className="money-line">
          <dt>{t('est.line.preselfpay')}</dt>
          <dd>{formatYuan(bill.totals.preselfpay_fen)}</dd>
        </div>
        <div className="money-line">
          <dt>{t('est.line.inscp')}</dt>
          <dd>{formatYuan(bill.totals.inscp_scp_fen)}</dd>
        </div>
      </dl>
      {bill.class_b_share_bp !== null && <p className="muted note">{t('clm.bill.classShare', { share: points(bill.class_b_share_bp) })}</p>}
    </div>
  );
}

interface LineDraft {
  name: string;
  code: string;
  price: string;
  qty: string;
}

const emptyLine = (): LineDraft => ({ name: '', code: '', price: '', qty: '1' });

function draftOf(bill: ClaimBill | null): { mode: 'lines' | 'classes'; lines: LineDraft[]; classes: { a: string; b: string; c: string } } {
  const yuan = (fen: number) => formatYuan(fen).replace(/^¥/, '').replace(/,/g, '');
  if (bill?.kind === 'classes' && bill.classes) {
    return { mode: 'classes', lines: [emptyLine()], classes: { a: yuan(bill.classes.classA_fen), b: yuan(bill.classes.classB_fen), c: yuan(bill.classes.classC_fen) } };
  }
  const lines = bill?.lines.map((l) => ({ name: l.name, code: l.hilist_code ?? '', price: yuan(l.price_fen), qty: qtyText(l.qty_e4) })) ?? [];
  return { mode: 'lines', lines: lines.length ? lines : [emptyLine()], classes: { a: '', b: '', c: '' } };
}

/**
 * Fee lines as the itemised list shows them (name, catalogue code, price,
 * quantity; the amount follows), or the totals by class when there is no list.
 * Used by the person for their bill and by the agency for an adjusted one.
 */
export function BillEditor({
  initial,
  busy,
  failure,
  submitLabel,
  onSubmit,
  children,
}: {
  initial: ClaimBill | null;
  busy: boolean;
  failure: ApiError | null;
  submitLabel: string;
  onSubmit: (bill: BillInput) => void;
  /** more fields of the form (an agency's reason), above the button */
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const start = draftOf(initial);
  const [mode, setMode] = useState(start.mode);
  const [lines, setLines] = useState<LineDraft[]>(start.lines);
  const [classes, setClasses] = useState(start.classes);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const server = Object.fromEntries((failure?.issues ?? []).map((i) => [issueField(i.path).replace(/^bill\./, '').replace(/\[(\d+)\]/g, '.$1'), t('err.serverField', { message: i.message })]));
  const shown = { ...server, ...errors };

  const setLine = (i: number, patch: Partial<LineDraft>) => setLines((ls) => ls.map((l, k) => (k === i ? { ...l, ...patch } : l)));
  const amountOf = (l: LineDraft): number | null => {
    const p = parseYuan(l.price, MAX_FEN);
    const q = qtyE4(l.qty);
    return p.ok && q !== null ? lineAmount(p.fen, q) : null;
  };

  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    const e: Record<string, string> = {};
    if (mode === 'lines') {
      const out: { hilist_code?: string; name: string; price_fen: number; qty: string; amount_fen: number }[] = [];
      lines.forEach((l, i) => {
        if (!l.name.trim()) e[`lines.${i}.name`] = t('err.required');
        if (l.code.trim() && !/^[A-Za-z0-9.-]{1,50}$/.test(l.code.trim())) e[`lines.${i}.hilist_code`] = t('clm.bill.codeFormat');
        const p = parseYuan(l.price, MAX_FEN);
        if (!p.ok) e[`lines.${i}.price_fen`] = t(yuanError[p.reason]);
        const q = qtyE4(l.qty);
        if (q === null) e[`lines.${i}.qty`] = t('clm.bill.qtyFormat');
        if (p.ok && q !== null) {
          const amount = lineAmount(p.fen, q);
          if (amount <= 0) e[`lines.${i}.price_fen`] = t('clm.bill.amountZero');
          out.push({ ...(l.code.trim() ? { hilist_code: l.code.trim() } : {}), name: l.name.trim(), price_fen: p.fen, qty: l.qty.trim(), amount_fen: amount });
        }
      });
      setErrors(e);
      if (Object.keys(e).length === 0) onSubmit({ lines: out });
    } else {
      const read = (text: string, key: string) => {
        if (text.trim() === '') return 0;
        const r = parseYuan(text, MAX_FEN);
        if (!r.ok) e[`classes.${key}`] = t(yuanError[r.reason]);
        return r.ok ? r.fen : 0;
      };
      const c = { classA_fen: read(classes.a, 'classA_fen'), classB_fen: read(classes.b, 'classB_fen'), classC_fen: read(classes.c, 'classC_fen') };
      if (Object.keys(e).length === 0 && c.classA_fen + c.classB_fen + c.classC_fen === 0) e.classes = t('clm.bill.classesEmpty');
      setErrors(e);
      if (Object.keys(e).length === 0) onSubmit({ classes: c });
    }
  };

  const total = mode === 'lines' ? lines.reduce((s, l) => s + (amountOf(l) ?? 0), 0) : null;
  const input = (key: string, label: string, value: string, onChange: (v: string) => void, extra: { inputMode?: 'decimal'; placeholder?: string } = {}) => (
    <Field label={label} error={shown[key]}>
      {(id, describedBy) => (
        <input
          id={id}
          name={key}
          value={value}
          autoComplete="off"
          inputMode={extra.inputMode}
          placeholder={extra.placeholder}
          onChange={(ev) => onChange(ev.target.value)}
          aria-invalid={shown[key] ? true : undefined}
          aria-describedby={describedBy}
        />
      )}
    </Field>
  );

  return (
    <form className="stack-tight bill-editor" onSubmit={submit} noValidate data-testid="bill-editor">
      <fieldset className="segmented-choice">
        <legend>{t('clm.bill.mode')}</legend>
        {(['lines', 'classes'] as const).map((m) => (
          <label key={m} className={`pill${mode === m ? ' selected' : ''}`}>
            <input type="radio" name="bill_mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
            {t(m === 'lines' ? 'clm.bill.modeLines' : 'clm.bill.modeClasses')}
          </label>
        ))}
      </fieldset>
      {mode === 'lines' ? (
        <>
          <p className="muted card-intro">{t('clm.bill.linesIntro')}</p>
          <ol className="plain-list bill-edit-lines">
            {lines.map((l, i) => {
              const amount = amountOf(l);
              return (
                <li key={i} className="bill-edit-line" data-line={i}>
                  <div className="bill-edit-head">
                    <span className="strong">{t('clm.bill.lineN', { n: i + 1 })}</span>
                    {lines.length > 1 && (
                      <button type="button" className="btn btn-ghost btn-small" onClick={() => setLines((ls) => ls.filter((_, k) => k !== i))} aria-label={t('clm.bill.removeN', { n: i + 1 })}>
                        {t('clm.bill.remove')}
                      </button>
                    )}
                  </div>
                  <div className="form-grid bill-line-grid">
                    <div className="span-2">{input(`lines.${i}.name`, t('clm.bill.name'), l.name, (name) => setLine(i, { name }))}</div>
                    <div className="span-2">{input(`lines.${i}.hilist_code`, t('clm.bill.code'), l.code, (code) => setLine(i, { code }))}</div>
                    {input(`lines.${i}.price_fen`, t('clm.bill.price'), l.price, (price) => setLine(i, { price }), { inputMode: 'decimal' })}
                    {input(`lines.${i}.qty`, t('clm.bill.qty'), l.qty, (qty) => setLine(i, { qty }), { inputMode: 'decimal' })}
                    <div className="field bill-amount">
                      <span className="field-label">{t('clm.bill.amount')}</span>
                      <output className="strong" data-testid={`line-amount-${i}`}>
                        {amount === null ? '—' : formatYuan(amount)}
                      </output>
                    </div>
                  </div>
                  {shown[`lines.${i}.amount_fen`] && <p className="field-error">{shown[`lines.${i}.amount_fen`]}</p>}
                </li>
              );
            })}
          </ol>
          <div className="bill-edit-foot">
            <button type="button" className="btn btn-secondary" onClick={() => setLines((ls) => [...ls, emptyLine()])}>
              + {t('clm.bill.addLine')}
            </button>
            <p className="strong">
              {t('clm.bill.total')} <span className="nowrap">{formatYuan(total ?? 0)}</span>
            </p>
          </div>
        </>
      ) : (
        <>
          <p className="muted card-intro">{t('clm.bill.classesIntro')}</p>
          <div className="form-grid">
            {input('classes.classA_fen', t('est.classA'), classes.a, (a) => setClasses((c) => ({ ...c, a })), { inputMode: 'decimal' })}
            {input('classes.classB_fen', t('est.classB'), classes.b, (b) => setClasses((c) => ({ ...c, b })), { inputMode: 'decimal' })}
            {input('classes.classC_fen', t('est.classC'), classes.c, (c2) => setClasses((c) => ({ ...c, c: c2 })), { inputMode: 'decimal' })}
          </div>
          {shown.classes && <p className="field-error">{shown.classes}</p>}
        </>
      )}
      {children}
      {failure && (
        <div className="alert alert-error" role="alert">
          <p>{errorMessage(t, failure)}</p>
        </div>
      )}
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}

/**
 * What the engine computes for a bill: what the funds pay (and which fund,
 * and why), what stays with the person, and the calculation in words.
 */
export function ComputationView({
  c,
  fundLabel,
  selfLabel,
  testId,
  assumptions,
}: {
  /** a decision carries the amounts and the words only */
  c: Pick<ClaimComputation, 'amounts' | 'explanation'> & Partial<Pick<ClaimComputation, 'terms' | 'setldetail'>>;
  fundLabel: string;
  selfLabel: string;
  testId: string;
  assumptions?: Bilingual[];
}) {
  const { t, lang } = useI18n();
  const words = useWords();
  const a = c.amounts;
  // The fund's own name from the server is Chinese; English comes from the dictionary by its code.
  const fundName = (code: string, name: string) => {
    const key = `fundType.${code}`;
    return lang === 'en' && hasKey(key) ? t(key) : name;
  };
  type Line = { field: string; label: string; fen: number; tone?: 'strong' | 'sub' };
  const lines: Line[] = [
    { field: 'medfee_sumamt', label: t('est.line.total'), fen: a.medfee_sumamt, tone: 'strong' },
    { field: 'fulamt_ownpay_amt', label: t('est.line.fulamt'), fen: a.fulamt_ownpay_amt },
    ...(a.overlmt_selfpay > 0 ? [{ field: 'overlmt_selfpay', label: t('est.line.overlmt'), fen: a.overlmt_selfpay }] : []),
    { field: 'preselfpay_amt', label: t('est.line.preselfpay'), fen: a.preselfpay_amt },
    { field: 'inscp_scp_amt', label: t('est.line.inscp'), fen: a.inscp_scp_amt },
    { field: 'act_pay_dedc', label: t('est.line.deductible'), fen: a.act_pay_dedc },
    ...(c.setldetail ?? []).map((d, i) => ({ field: `setldetail.${i}.fund_payamt`, label: fundName(d.fund_pay_type, d.fund_pay_type_name), fen: d.fund_payamt })),
    { field: 'fund_pay_sumamt', label: t('est.line.fundTotal'), fen: a.fund_pay_sumamt, tone: 'strong' },
    { field: 'psn_part_amt', label: t('est.line.personal'), fen: a.psn_part_amt, tone: 'strong' },
  ];
  return (
    <div className="stack-tight claim-computation" data-testid={testId}>
      <div className="figures claim-figures">
        <div className="figure figure-fund">
          <p className="figure-label">{fundLabel}</p>
          <p className="figure-value">
            <Amount field="fund_pay_sumamt" fen={a.fund_pay_sumamt} />
          </p>
        </div>
        <div className="figure figure-self">
          <p className="figure-label">{selfLabel}</p>
          <p className="figure-value">
            <Amount field="psn_part_amt" fen={a.psn_part_amt} />
          </p>
        </div>
      </div>
      {c.terms && (
        <p className="muted">
          {c.terms.reduction_bp > 0 ? t('clm.est.reduction', { n: points(c.terms.reduction_bp) }) : t('clm.est.noReduction')}
          {c.terms.admission_ordinal !== null && <> · {t('setl.admissionValue', { n: c.terms.admission_ordinal })}</>}
        </p>
      )}
      <dl className="money-lines">
        {lines.map((l) => (
          <div key={l.field} className={`money-line${l.tone ? ` money-${l.tone}` : ''}`}>
            <dt>{l.label}</dt>
            <dd>
              <Amount field={l.field} fen={l.fen} />
            </dd>
          </div>
        ))}
      </dl>
      <details className="more-filters claim-why">
        <summary>{t('est.explanation')}</summary>
        <ol className="explanation">
          {c.explanation.map((l, i) => (
            <li key={i}>{words(l)}</li>
          ))}
        </ol>
        {assumptions && assumptions.length > 0 && (
          <>
            <p className="strong">{t('est.assumptions')}</p>
            <ul className="explanation">
              {assumptions.map((l, i) => (
                <li key={i}>{words(l)}</li>
              ))}
            </ul>
          </>
        )}
      </details>
    </div>
  );
}

/** The status history, oldest first, with what the agency or the person said. */
export function ClaimHistory({ claim, staffView }: { claim: ClaimDetail; staffView: boolean }) {
  const { t } = useI18n();
  const actorName = useActorName(claim, staffView);
  return (
    <Card title={t('clm.history')}>
      <ol className="plain-list claim-history" data-testid="claim-history">
        {claim.events.map((e: ClaimEvent) => {
          const asked = Array.isArray(e.detail?.documents) ? (e.detail.documents as string[]) : [];
          return (
            <li key={e.id} className="claim-event" data-to={e.to_status}>
              <div className="claim-event-head">
                <ClaimStatusBadge status={e.to_status} />
                <span className="muted nowrap">{beijingTime(e.at)}</span>
              </div>
              <p className="muted">{actorName(e.actor)}</p>
              {e.to_status === 'paid' && typeof e.detail?.reimbursement_fen === 'number' ? (
                <p className="claim-message">
                  {t('clm.event.paid', { amount: formatYuan(e.detail.reimbursement_fen), ref: String(e.detail.payment_ref ?? '') })}
                  {claim.decision?.reimbursement_fen != null && claim.decision.reimbursement_fen !== e.detail.reimbursement_fen && (
                    <>
                      <br />
                      {t('clm.event.paidChanged', { approved: formatYuan(claim.decision.reimbursement_fen) })}
                    </>
                  )}
                </p>
              ) : (
                e.message && <p className="claim-message">{e.message}</p>
              )}
              {asked.length > 0 && <p className="muted">{t('clm.askedFor', { docs: asked.map((d) => tCode(t, 'clm.doc', d)).join(t('common.listSep')) })}</p>}
            </li>
          );
        })}
      </ol>
    </Card>
  );
}
