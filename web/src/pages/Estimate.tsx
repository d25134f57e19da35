import { useState, type FormEvent } from 'react';
import { api, ApiError, issueField, type Estimate, type EstimateRequest, type FilingsView, type MedKind, type PersonView } from '../api.ts';
import { AreaPicker } from '../components/AreaPicker.tsx';
import { useAreaName } from '../components/FilingFacts.tsx';
import { Card, errorMessage, Field, Legend, Loaded, PageHeader, tCode } from '../components/ui.tsx';
import { useChronicDiseases, useFetch, usePoolingAreas } from '../data.ts';
import { LIVE_STATUSES } from '../filing.ts';
import { formatPercent, formatYuan, parseYuan, provinceOf, todayInChina, type YuanInput } from '../format.ts';
import { useI18n, type MessageKey } from '../i18n.tsx';
import { points } from '../policyText.ts';
import { Link } from '../router.tsx';

/** The API's ceiling for one amount (fen). */
const MAX_FEN = 100_000_000_00;
const LEVELS = [3, 2, 1] as const;
const MED_KINDS: readonly MedKind[] = ['inpatient', 'outpatient', 'chronic', 'pharmacy'];

const yuanError: Record<Exclude<YuanInput, { ok: true }>['reason'], MessageKey> = {
  empty: 'err.yuan.empty',
  format: 'err.yuan.format',
  decimals: 'err.yuan.decimals',
  tooLarge: 'err.yuan.tooLarge',
};

export function EstimatePage({ psnNo }: { psnNo: string }) {
  const { t } = useI18n();
  const person = useFetch<PersonView>(`/api/persons/${encodeURIComponent(psnNo)}`);
  const filings = useFetch<FilingsView>(`/api/persons/${encodeURIComponent(psnNo)}/filings`);
  return (
    <>
      <PageHeader title={t('est.title')} intro={t('est.intro')} />
      <Loaded value={person}>{(p) => <Loaded value={filings}>{(f) => <EstimateForm person={p} filings={f} />}</Loaded>}</Loaded>
    </>
  );
}

function EstimateForm({ person, filings }: { person: PersonView; filings: FilingsView }) {
  const { t, nameOf } = useI18n();
  const areaName = useAreaName();
  const diseases = useChronicDiseases().filter((d) => d.cross_province);
  const today = todayInChina();
  // Start where the person is filed: that is where they will most likely be treated.
  const filed = filings.filings.find((f) => LIVE_STATUSES.includes(f.status))?.area ?? '';
  const [province, setProvince] = useState(filed ? provinceOf(filed) : '');
  const [area, setArea] = useState(filed);
  const pooling = usePoolingAreas();
  const [level, setLevel] = useState('3');
  const [medKind, setMedKind] = useState<MedKind>('inpatient');
  const ownDiseases = person.qualifications.filter((q) => q.begin_date <= today && (q.end_date === null || q.end_date >= today)).map((q) => q.disease_code);
  const [disease, setDisease] = useState(ownDiseases[0] ?? '');
  const [total, setTotal] = useState('');
  const [splitOn, setSplitOn] = useState(false);
  const [split, setSplit] = useState({ a: '', b: '', c: '' });
  const employee = person.account !== null;
  const [useAccount, setUseAccount] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ request: EstimateRequest; estimate: Estimate } | null>(null);

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    const e: Record<string, string> = {};
    // A whole-province filing is no place to be treated: the estimate needs its city.
    if (!pooling.some((a) => a.code === area)) e.area = t('err.choose');
    if (medKind === 'chronic' && !disease) e.disease_code = t('err.choose');
    const totalIn = parseYuan(total, MAX_FEN);
    if (!totalIn.ok) e.total = t(yuanError[totalIn.reason]);
    let parts: EstimateRequest['split'];
    if (splitOn && (split.a || split.b || split.c)) {
      // A class left empty is a class with nothing in it.
      const read = (text: string, key: string) => {
        if (text.trim() === '') return 0;
        const r = parseYuan(text, MAX_FEN);
        if (!r.ok) e[key] = t(yuanError[r.reason]);
        return r.ok ? r.fen : 0;
      };
      parts = { classA_fen: read(split.a, 'split.a'), classB_fen: read(split.b, 'split.b'), classC_fen: read(split.c, 'split.c') };
      const sum = parts.classA_fen + parts.classB_fen + parts.classC_fen;
      if (totalIn.ok && !e['split.a'] && !e['split.b'] && !e['split.c'] && sum !== totalIn.fen) e.split = t('est.splitSum', { sum: formatYuan(sum), total: formatYuan(totalIn.fen) });
    }
    setErrors(e);
    setFailure(null);
    if (Object.keys(e).length || !totalIn.ok) return;

    const request: EstimateRequest = {
      psn_no: person.person.psn_no,
      area,
      level: Number(level) as 1 | 2 | 3,
      med_kind: medKind,
      total_fen: totalIn.fen,
      ...(medKind === 'chronic' ? { disease_code: disease } : {}),
      ...(parts ? { split: parts } : {}),
      ...(employee ? { use_account: useAccount } : {}),
    };
    setBusy(true);
    try {
      const estimate = await api.post<Estimate>('/api/estimates', request);
      setResult({ request, estimate });
      requestAnimationFrame(() => document.getElementById('estimate-result')?.scrollIntoView({ block: 'start' }));
    } catch (err) {
      const problem = err instanceof ApiError ? err : new ApiError(0, 'network', undefined);
      setErrors(Object.fromEntries(problem.issues.map((i) => [issueField(i.path), t('err.serverField', { message: i.message })])));
      setFailure(problem);
      setResult(null);
    } finally {
      setBusy(false);
    }
  };

  const yuanField = (key: string, label: string, value: string, onChange: (v: string) => void, hint?: string) => (
    <Field label={label} error={errors[key]} {...(hint ? { hint } : {})}>
      {(id, describedBy) => (
        <input id={id} name={key} value={value} inputMode="decimal" autoComplete="off" onChange={(e) => onChange(e.target.value)} aria-invalid={errors[key] ? true : undefined} aria-describedby={describedBy} />
      )}
    </Field>
  );

  return (
    <div className="stack">
      <form className="card stack-tight" onSubmit={submit} noValidate aria-label={t('est.title')}>
        {failure && (
          <p className="alert alert-error" role="alert">
            {errorMessage(t, failure)}
          </p>
        )}
        <div className="form-grid">
          <AreaPicker
            province={province}
            area={area}
            error={errors.area}
            areaLabel={t('filter.area')}
            onChange={(p, a) => {
              setProvince(p);
              setArea(a);
            }}
          />
          <Field label={t('filter.level')}>
            {(id) => (
              <select id={id} name="level" value={level} onChange={(e) => setLevel(e.target.value)}>
                {LEVELS.map((l) => (
                  <option key={l} value={l}>
                    {tCode(t, 'level', l)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('est.medKind')}>
            {(id) => (
              <select id={id} name="med_kind" value={medKind} onChange={(e) => setMedKind(e.target.value as MedKind)}>
                {MED_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`medKind.${k}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {medKind === 'chronic' && (
            <Field label={t('est.disease')} error={errors.disease_code}>
              {(id, describedBy) => (
                <select id={id} name="disease_code" value={disease} onChange={(e) => setDisease(e.target.value)} aria-describedby={describedBy}>
                  <option value="">{t('common.choose')}</option>
                  {diseases.map((d) => (
                    <option key={d.code} value={d.code}>
                      {nameOf(d, d.code)}
                      {ownDiseases.includes(d.code) ? ` ✓` : ''}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
        </div>
        <div className="form-grid">{yuanField('total', t('est.total'), total, setTotal, t('est.totalHint'))}</div>
        <details className="more-filters" open={splitOn} onToggle={(e) => setSplitOn(e.currentTarget.open)}>
          <summary>{t('est.split')}</summary>
          <div className="form-grid">
            {yuanField('split.a', t('est.classA'), split.a, (a) => setSplit((s) => ({ ...s, a })))}
            {yuanField('split.b', t('est.classB'), split.b, (b) => setSplit((s) => ({ ...s, b })))}
            {yuanField('split.c', t('est.classC'), split.c, (c) => setSplit((s) => ({ ...s, c })))}
          </div>
          {errors.split && <p className="field-error">{errors.split}</p>}
        </details>
        {employee && (
          <label className="checkbox">
            <input type="checkbox" name="use_account" checked={useAccount} onChange={(e) => setUseAccount(e.target.checked)} />
            {t('est.useAccount')}
            {person.account && <span className="muted"> ({formatYuan(person.account.balance_fen)})</span>}
          </label>
        )}
        <button type="submit" className="btn btn-primary btn-block btn-large" disabled={busy}>
          {t('est.submit')}
        </button>
      </form>
      {result && <EstimateResult estimate={result.estimate} areaName={areaName(result.request.area)} />}
    </div>
  );
}

/** The pooled fund's share of what it paid on, to the basis point (integers only): an "about" figure when bands differ. */
function pooledRatio(e: Estimate): number | null {
  const pooled = e.result.setldetail.find((d) => d.fund_pay_type === '310100' || d.fund_pay_type === '390100');
  if (!pooled || pooled.inscp_scp_amt <= 0) return null;
  return Math.floor((pooled.fund_payamt * 10000 + Math.floor(pooled.inscp_scp_amt / 2)) / pooled.inscp_scp_amt);
}

function EstimateResult({ estimate, areaName }: { estimate: Estimate; areaName: string }) {
  const { t, lang } = useI18n();
  const s = estimate.result.setlinfo;
  const manual = estimate.basis === 'manual_claim';
  const ratio = pooledRatio(estimate);
  const words = (line: { zh: string; en: string }) => (lang === 'en' ? line.en : line.zh);
  type Line = { key: string; label: string; fen: number; tone?: 'strong' | 'sub'; note?: string };
  const lines: Line[] = [
    { key: 'medfee_sumamt', label: t('est.line.total'), fen: s.medfee_sumamt, tone: 'strong' },
    { key: 'fulamt_ownpay_amt', label: t('est.line.fulamt'), fen: s.fulamt_ownpay_amt },
    ...(s.overlmt_selfpay > 0 ? [{ key: 'overlmt_selfpay', label: t('est.line.overlmt'), fen: s.overlmt_selfpay }] : []),
    { key: 'preselfpay_amt', label: t('est.line.preselfpay'), fen: s.preselfpay_amt },
    { key: 'inscp_scp_amt', label: t('est.line.inscp'), fen: s.inscp_scp_amt },
    { key: 'act_pay_dedc', label: t('est.line.deductible'), fen: s.act_pay_dedc },
    {
      key: 'hifp_pay',
      label: ratio === null ? t('est.line.pooledPlain') : t('est.line.pooled', { ratio: formatPercent(ratio) }),
      fen: s.hifp_pay,
      ...(estimate.reduction_bp > 0 ? { note: t('est.reduction', { n: points(estimate.reduction_bp) }) } : {}),
    },
    ...([
      ['cvlserv_pay', 'fund.cvlserv'],
      ['hifob_pay', 'fund.hifob'],
      ['hifmi_pay', 'fund.hifmi'],
      ['maf_pay', 'fund.maf'],
    ] as const)
      .filter(([k]) => s[k] > 0)
      .map(([k, label]) => ({ key: k, label: t(label), fen: s[k] })),
    { key: 'fund_pay_sumamt', label: t('est.line.fundTotal'), fen: s.fund_pay_sumamt, tone: 'strong' },
    { key: 'psn_part_amt', label: t('est.line.personal'), fen: s.psn_part_amt, tone: 'strong' },
    ...(s.acct_pay > 0 ? [{ key: 'acct_pay', label: t('est.line.account'), fen: s.acct_pay, tone: 'sub' as const }] : []),
    { key: 'psn_cash_pay', label: t('est.line.cash'), fen: s.psn_cash_pay, tone: 'sub' },
    ...(s.acct_pay > 0 ? [{ key: 'balc', label: t('est.line.balance'), fen: s.balc, tone: 'sub' as const }] : []),
  ];
  const segments = [
    { key: 'fund', label: t(manual ? 'est.fundManual' : 'est.fund'), fen: s.fund_pay_sumamt },
    { key: 'account', label: t('est.barAccount'), fen: s.acct_pay },
    { key: 'cash', label: t('est.barCash'), fen: s.psn_cash_pay },
  ].filter((x) => x.fen > 0);

  return (
    <section id="estimate-result" className="stack" data-testid="estimate" aria-live="polite">
      <h2 className="section-title">{t('est.resultTitle')}</h2>
      {manual ? (
        <div className="alert alert-warn" data-testid="estimate-manual">
          <p className="alert-title">{t('est.manualTitle', { area: areaName })}</p>
          <p>{t('est.manualBody')}</p>
          {estimate.coverage.emergency_only && <p>{t('est.emergencyNote')}</p>}
          <Link to="/filing/new" className="btn btn-secondary">
            {t('fil.new')}
          </Link>
        </div>
      ) : (
        <p className="alert alert-success">{estimate.filing_kind ? t('est.coveredBy', { kind: tCode(t, 'filing', estimate.filing_kind), area: areaName }) : t('est.home')}</p>
      )}
      <div className="figures">
        <div className="figure figure-fund">
          <p className="figure-label">{t(manual ? 'est.fundManual' : 'est.fund')}</p>
          <p className="figure-value" data-testid="est-fund">
            {formatYuan(s.fund_pay_sumamt)}
          </p>
        </div>
        <div className="figure figure-self">
          <p className="figure-label">{t('est.self')}</p>
          <p className="figure-value" data-testid="est-self">
            {formatYuan(s.psn_part_amt)}
          </p>
        </div>
      </div>
      {segments.length > 0 && (
        <Card title={t('est.bar')}>
          {/* Each part's width is its amount in fen: flex does the proportion, no division needed. */}
          <div className="split-bar" aria-hidden="true">
            {segments.map((g) => (
              <span key={g.key} className={`split-${g.key}`} style={{ flexGrow: g.fen }} />
            ))}
          </div>
          <Legend
            items={segments.map((g) => ({
              key: g.key,
              swatch: `split-${g.key}`,
              label: (
                <>
                  {g.label} <span className="strong">{formatYuan(g.fen)}</span>
                </>
              ),
            }))}
          />
        </Card>
      )}
      <Card title={t('est.breakdown')}>
        <dl className="money-lines">
          {lines.map((l) => (
            <div key={l.key} className={`money-line${l.tone ? ` money-${l.tone}` : ''}`}>
              <dt>
                {l.label}
                {l.note && <small className="muted"> · {l.note}</small>}
              </dt>
              <dd data-testid={`est-${l.key}`}>{formatYuan(l.fen)}</dd>
            </div>
          ))}
        </dl>
      </Card>
      <Card title={t('est.explanation')}>
        <ol className="explanation" data-testid="est-explanation">
          {estimate.result.explanation.map((l, i) => (
            <li key={i}>{words(l)}</li>
          ))}
        </ol>
      </Card>
      <Card title={t('est.assumptions')}>
        <ul className="explanation" data-testid="est-assumptions">
          {estimate.assumptions.map((l, i) => (
            <li key={i}>{words(l)}</li>
          ))}
        </ul>
        <p className="muted note">{t('est.disclaimer')}</p>
      </Card>
    </section>
  );
}
