import { useState, type FormEvent } from 'react';
import { api, ApiError, issueField, withQuery } from '../api.ts';
import { newKey, type PrepaidLevel, type PrepaidMovement, type PrepaidTarget, type Sizing } from '../clearing.ts';
import { LoadedOr, useErrorText, useRegionName, Yuan } from '../components/ClearingParts.tsx';
import { Badge, Card, Empty, Field, PageHeader, SelectField, useWide } from '../components/ui.tsx';
import { useFetch, useProvinces } from '../data.ts';
import { formatYuan, parseYuan, todayInChina } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { setQuery } from '../router.tsx';

const MAX_FEN = 100_000_000_000_00;

/**
 * The national operator keeps each insured province's prepaid funds: the
 * levels and warnings, the yearly sizing, top-ups and adjustments, and every
 * movement so far.
 */
export function Prepaid({ query }: { query: URLSearchParams }) {
  const { t } = useI18n();
  const thisYear = Number(todayInChina().slice(0, 4));
  const y = Number(query.get('year'));
  const year = Number.isInteger(y) && y >= 2000 && y <= 2100 ? y : thisYear;
  const province = query.get('province') ?? '';
  const levels = useFetch<{ items: PrepaidLevel[] }>(withQuery('/api/clearing/prepaid', { year }));
  const movements = useFetch<{ items: PrepaidMovement[] }>(withQuery('/api/clearing/prepaid/movements', { province }));
  const reload = () => {
    levels.reload();
    movements.reload();
  };
  return (
    <>
      <PageHeader title={t('clg.prepaid.title')} intro={t('clg.prepaid.intro')} />
      <div className="stack">
        <Card title={t('clg.prepaid.levelsOf', { year })}>
          <div className="filter-grid">
            <Field label={t('clg.year')}>
              {(id) => (
                <select id={id} name="year" value={year} onChange={(e) => setQuery({ year: e.target.value }, { replace: true })}>
                  {[thisYear + 1, thisYear, thisYear - 1, thisYear - 2].map((v) => (
                    <option key={v} value={v}>
                      {v}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <LoadedOr value={levels}>{(d) => <Levels items={d.items} />}</LoadedOr>
        </Card>
        <SizingCard year={year} onDone={reload} />
        <MoveForm levels={levels.state === 'ready' ? levels.data.items : []} onDone={reload} />
        <Card title={t('clg.prepaid.movements')}>
          <ProvinceSelect value={province} onChange={(v) => setQuery({ province: v || null }, { replace: true })} allowAll />
          <LoadedOr value={movements}>{(d) => <Movements items={d.items} />}</LoadedOr>
        </Card>
      </div>
    </>
  );
}

function ProvinceSelect({ value, onChange, allowAll = false }: { value: string; onChange: (v: string) => void; allowAll?: boolean }) {
  const { t, nameOf } = useI18n();
  const provinces = useProvinces().filter((p) => p.has_scheme);
  return (
    <SelectField
      name="province"
      label={t('filter.province')}
      value={value}
      {...(allowAll ? { allLabel: t('common.all') } : value === '' ? { allLabel: t('clg.chooseProvince') } : {})}
      options={provinces.map((p) => ({ value: p.code, label: nameOf(p, p.code) }))}
      onChange={onChange}
    />
  );
}

function Levels({ items }: { items: PrepaidLevel[] }) {
  const { t, nameOf } = useI18n();
  const wide = useWide();
  const shown = items.filter((p) => p.prepaid_fen !== 0 || p.uncleared_fen !== 0 || p.target_fen !== null);
  if (shown.length === 0) return <p className="empty">{t('clg.prepaid.none')}</p>;
  const state = (p: PrepaidLevel) => (p.warning ? <Badge tone="bad">{t('clg.prepaid.warning')}</Badge> : <Badge tone="good">{t('clg.prepaid.ok')}</Badge>);
  if (!wide) {
    return (
      <ul className="plain-list" data-testid="prepaid-levels">
        {shown.map((p) => (
          <li key={p.province} className="list-item" data-province={p.province} data-warning={p.warning}>
            <span className="list-item-head">
              <span className="list-item-title">{nameOf(p, p.province)}</span>
              {state(p)}
            </span>
            <dl className="money-lines">
              <div className="money-line money-strong">
                <dt>{t('clg.prepaid.available')}</dt>
                <dd>
                  <Yuan fen={p.available_fen} field="available_fen" />
                </dd>
              </div>
              <div className="money-line">
                <dt>{t('clg.prepaid.balance')}</dt>
                <dd>
                  <Yuan fen={p.prepaid_fen} />
                </dd>
              </div>
              <div className="money-line">
                <dt>{t('clg.prepaid.uncleared')}</dt>
                <dd>
                  <Yuan fen={p.uncleared_fen} />
                </dd>
              </div>
              <div className="money-line">
                <dt>{t('clg.prepaid.target')}</dt>
                <dd>{p.target_fen === null ? t('clg.prepaid.notSized') : <Yuan fen={p.target_fen} />}</dd>
              </div>
              {p.suggested_topup_fen > 0 && (
                <div className="money-line">
                  <dt>{t('clg.prepaid.suggested')}</dt>
                  <dd>
                    <Yuan fen={p.suggested_topup_fen} />
                  </dd>
                </div>
              )}
            </dl>
          </li>
        ))}
      </ul>
    );
  }
  return (
    <div className="table-scroll">
      <table className="table counts-table clr-table" data-testid="prepaid-levels">
        <thead>
          <tr>
            <th scope="col">{t('filter.province')}</th>
            <th scope="col" className="num">
              {t('clg.prepaid.balance')}
            </th>
            <th scope="col" className="num">
              {t('clg.prepaid.uncleared')}
            </th>
            <th scope="col" className="num">
              {t('clg.prepaid.available')}
            </th>
            <th scope="col" className="num">
              {t('clg.prepaid.target')}
            </th>
            <th scope="col" className="num">
              {t('clg.prepaid.threshold')}
            </th>
            <th scope="col" className="num">
              {t('clg.prepaid.suggested')}
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((p) => (
            <tr key={p.province} data-province={p.province} data-warning={p.warning}>
              <th scope="row">
                {nameOf(p, p.province)} {state(p)}
              </th>
              <td className="num">
                <Yuan fen={p.prepaid_fen} />
              </td>
              <td className="num">
                <Yuan fen={p.uncleared_fen} />
              </td>
              <td className="num">
                <Yuan fen={p.available_fen} field="available_fen" strong />
              </td>
              <td className="num">{p.target_fen === null ? t('clg.prepaid.notSized') : <Yuan fen={p.target_fen} />}</td>
              <td className="num">{p.threshold_fen === null ? '—' : <Yuan fen={p.threshold_fen} />}</td>
              <td className="num">{p.suggested_topup_fen > 0 ? <Yuan fen={p.suggested_topup_fen} /> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Sizing a year: from the previous year's payments, once per province; the first time it is the initial amount. */
function SizingCard({ year, onDone }: { year: number; onDone: () => void }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const regionName = useRegionName();
  const targets = useFetch<{ items: PrepaidTarget[] }>(`/api/clearing/prepaid/targets?year=${year}`);
  const [result, setResult] = useState<Sizing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const size = () => {
    setBusy(true);
    setError(null);
    api.post<Sizing>('/api/clearing/prepaid/sizing', { year }).then(
      (r) => {
        setBusy(false);
        setResult(r);
        targets.reload();
        onDone();
      },
      (e: unknown) => {
        setBusy(false);
        setError(errorText(e));
      },
    );
  };
  return (
    <Card title={t('clg.prepaid.sizing', { year })}>
      <p className="muted">{t('clg.prepaid.sizingIntro', { year, last: year - 1 })}</p>
      <LoadedOr value={targets}>
        {(d) =>
          d.items.length === 0 ? (
            <p className="note">{t('clg.prepaid.notSizedYet', { year })}</p>
          ) : (
            <div className="table-scroll">
              <table className="table counts-table clr-table" data-testid="prepaid-targets">
                <thead>
                  <tr>
                    <th scope="col">{t('filter.province')}</th>
                    <th scope="col" className="num">
                      {t('clg.prepaid.base', { last: year - 1 })}
                    </th>
                    <th scope="col" className="num">
                      {t('clg.prepaid.target')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {d.items.map((x) => (
                    <tr key={x.province}>
                      <th scope="row">{regionName(x.province)}</th>
                      <td className="num">
                        <Yuan fen={x.base_fen} />
                      </td>
                      <td className="num">
                        <Yuan fen={x.target_fen} />
                        <br />
                        <small className="muted">{t('clg.prepaid.months', { n: x.months })}</small>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </LoadedOr>
      <p className="actions">
        <button type="button" className="btn btn-primary" disabled={busy} onClick={size} data-testid="size-year">
          {t('clg.prepaid.sizeAction', { year })}
        </button>
      </p>
      {error && (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      )}
      {result && (
        <p className="alert alert-success" role="status" data-testid="sizing-result">
          {t('clg.prepaid.sized', { n: result.items.length, moved: formatYuan(result.items.reduce((s, x) => s + x.moved_fen, 0)) })}
        </p>
      )}
    </Card>
  );
}

type MoveKind = 'topup' | 'in' | 'out';

/** A top-up (from the province's fund into its prepaid funds) or an adjustment either way, with its reason. */
function MoveForm({ levels, onDone }: { levels: PrepaidLevel[]; onDone: () => void }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const [kind, setKind] = useState<MoveKind>('topup');
  const [province, setProvince] = useState('');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [key, setKey] = useState(() => newKey('ui'));
  const [errors, setErrors] = useState<Record<string, string>>({});
  // What happened, not its words: the message follows a language switch.
  const [outcome, setOutcome] = useState<{ moved: PrepaidMovement } | { error: unknown } | null>(null);
  const [busy, setBusy] = useState(false);
  const level = levels.find((l) => l.province === province);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const parsed = parseYuan(amount, MAX_FEN);
    if (province === '') errs.province = t('clg.chooseProvince');
    if (!parsed.ok) errs.amount_fen = t(`clg.amount.${parsed.reason}`);
    else if (parsed.fen === 0) errs.amount_fen = t('clg.amount.zero');
    if (kind !== 'topup' && reason.trim() === '') errs.reason = t('clg.reasonRequired');
    setErrors(errs);
    setOutcome(null);
    if (Object.keys(errs).length > 0 || !parsed.ok) return;
    const body = { province, amount_fen: kind === 'out' ? -parsed.fen : parsed.fen, key, ...(reason.trim() ? { reason: reason.trim() } : {}) };
    setBusy(true);
    api.post<PrepaidMovement>(kind === 'topup' ? '/api/clearing/prepaid/top-ups' : '/api/clearing/prepaid/adjustments', body).then(
      (m) => {
        setBusy(false);
        setOutcome({ moved: m });
        setAmount('');
        setReason('');
        setKey(newKey('ui'));
        onDone();
      },
      (err: unknown) => {
        setBusy(false);
        if (err instanceof ApiError) setErrors(Object.fromEntries(err.issues.map((i) => [issueField(i.path), i.message])));
        setOutcome({ error: err });
      },
    );
  };
  return (
    <Card title={t('clg.prepaid.moveTitle')}>
      <form className="stack-tight" onSubmit={submit} noValidate data-testid="prepaid-form">
        <fieldset className="segmented-choice">
          <legend>{t('clg.prepaid.moveKind')}</legend>
          {(['topup', 'in', 'out'] as const).map((k) => (
            <label key={k} className={`pill${kind === k ? ' selected' : ''}`}>
              <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
              {t(`clg.prepaid.kind.${k}`)}
            </label>
          ))}
        </fieldset>
        <div className="form-grid prepaid-grid">
          <div className={errors.province ? 'field-invalid' : undefined}>
            <ProvinceSelect value={province} onChange={setProvince} />
            {errors.province && <p className="field-error">{errors.province}</p>}
          </div>
          <Field label={t('clg.amountYuan')} error={errors.amount_fen} hint={level && kind === 'topup' && level.suggested_topup_fen > 0 ? t('clg.prepaid.suggestHint', { amount: formatYuan(level.suggested_topup_fen) }) : undefined}>
            {(id, describedBy) => (
              <input id={id} name="amount" inputMode="decimal" autoComplete="off" value={amount} aria-invalid={errors.amount_fen ? true : undefined} aria-describedby={describedBy} onChange={(e) => setAmount(e.target.value)} />
            )}
          </Field>
          <Field label={kind === 'topup' ? t('clg.reasonOptional') : t('clg.reason')} error={errors.reason}>
            {(id, describedBy) => <input id={id} name="reason" maxLength={500} value={reason} aria-invalid={errors.reason ? true : undefined} aria-describedby={describedBy} onChange={(e) => setReason(e.target.value)} />}
          </Field>
        </div>
        <p className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {t(kind === 'topup' ? 'clg.prepaid.topupAction' : 'clg.prepaid.adjustAction')}
          </button>
        </p>
        {outcome && (
          <p className={`alert ${'moved' in outcome ? 'alert-success' : 'alert-error'}`} role={'moved' in outcome ? 'status' : 'alert'} data-testid="prepaid-outcome">
            {'moved' in outcome ? t('clg.prepaid.moved', { amount: formatYuan(outcome.moved.amount_fen), id: outcome.moved.transfer_id }) : errorText(outcome.error)}
          </p>
        )}
      </form>
    </Card>
  );
}

function Movements({ items }: { items: PrepaidMovement[] }) {
  const { t } = useI18n();
  const regionName = useRegionName();
  if (items.length === 0) return <Empty />;
  return (
    <ul className="plain-list" data-testid="prepaid-movements">
      {items.map((m) => (
        <li key={m.transfer_id} className="list-item" data-movement={m.transfer_id}>
          <span className="list-item-head">
            <span className="strong">
              {regionName(m.province)} · {t(`clg.prepaid.mkind.${m.kind}`)}
            </span>
            <Yuan fen={m.amount_fen} field="amount_fen" strong />
          </span>
          <span className="muted">
            {m.business_date} · {m.actor}
            {m.reason && <> · {m.reason}</>}
          </span>
        </li>
      ))}
    </ul>
  );
}
