import { useState, type FormEvent } from 'react';
import { api, ApiError, issueField, withQuery, type Me } from '../api.ts';
import { MONTH, newKey, previousMonth, type InstitutionPayment, type Payable, type Payables as PayablesView } from '../clearing.ts';
import { LoadedOr, useErrorText, useRegionName, Yuan } from '../components/ClearingParts.tsx';
import { Card, Empty, Field, PageHeader, useWide } from '../components/ui.tsx';
import { useFetch } from '../data.ts';
import { formatYuan, parseYuan, todayInChina } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { setQuery } from '../router.tsx';

/**
 * What a treatment-place agency owes each of its institutions for a month,
 * read from the ledger, and the payments it records to them.
 */
export function Payables({ me, query }: { me: Me; query: URLSearchParams }) {
  const { t } = useI18n();
  const regionName = useRegionName();
  const today = todayInChina();
  const m = query.get('month') ?? '';
  const month = MONTH.test(m) ? m : previousMonth(today.slice(0, 7));
  const area = me.region ?? '';
  const payables = useFetch<PayablesView>(withQuery('/api/clearing/payables', { area, month }));
  const payments = useFetch<{ items: InstitutionPayment[] }>(withQuery('/api/clearing/payments', { area, month }));
  const reload = () => {
    payables.reload();
    payments.reload();
  };
  const names = new Map(payables.state === 'ready' ? payables.data.items.map((p) => [p.institution, p.name]) : []);
  return (
    <>
      <PageHeader title={t('clg.pay.title')} intro={t('clg.pay.intro', { area: regionName(area) })} />
      <section className="filters card" aria-label={t('filter.title')}>
        <div className="filter-grid clr-filters">
          <Field label={t('clg.month')}>{(id) => <input id={id} name="month" type="month" value={month} max={today.slice(0, 7)} onChange={(e) => e.target.value && setQuery({ month: e.target.value }, { replace: true })} />}</Field>
        </div>
      </section>
      <div className="stack">
        <LoadedOr value={payables}>{(d) => <PayableList data={d} onPaid={reload} />}</LoadedOr>
        <Card title={t('clg.pay.payments', { month })}>
          <LoadedOr value={payments}>
            {(d) =>
              d.items.length === 0 ? (
                <Empty />
              ) : (
                <ul className="plain-list" data-testid="payments">
                  {d.items.map((p) => (
                    <li key={p.transfer_id} className="list-item" data-payment={p.transfer_id}>
                      <span className="list-item-head">
                        <span className="strong">
                          {names.get(p.institution) ?? p.institution} <span className="muted code">{p.institution}</span>
                        </span>
                        <Yuan fen={p.amount_fen} field="amount_fen" strong />
                      </span>
                      <span className="muted">
                        {p.business_date} · {p.paid_by}
                        {p.note && <> · {p.note}</>}
                      </span>
                    </li>
                  ))}
                </ul>
              )
            }
          </LoadedOr>
        </Card>
      </div>
    </>
  );
}

function PayableList({ data, onPaid }: { data: PayablesView; onPaid: () => void }) {
  const { t } = useI18n();
  const wide = useWide();
  const [paying, setPaying] = useState<string | null>(null);
  if (data.items.length === 0) return <p className="empty card">{t('clg.pay.none', { month: data.month })}</p>;
  const payButton = (p: Payable) =>
    p.balance_fen > 0 && (
      <button type="button" className="btn btn-secondary btn-small" aria-expanded={paying === p.institution} onClick={() => setPaying(paying === p.institution ? null : p.institution)} data-pay={p.institution}>
        {t('clg.pay.record')}
      </button>
    );
  const form = (p: Payable) =>
    paying === p.institution && (
      <PaymentForm
        p={p}
        month={data.month}
        onCancel={() => setPaying(null)}
        onDone={() => {
          setPaying(null);
          onPaid();
        }}
      />
    );
  return (
    <Card title={t('clg.pay.owed', { month: data.month })}>
      <dl className="clr-figures">
        <div>
          <dt>{t('clg.pay.owedAtEnd')}</dt>
          <dd>
            <Yuan fen={data.totals.owed_at_month_end_fen} />
          </dd>
        </div>
        <div>
          <dt>{t('clg.pay.paidSince')}</dt>
          <dd>
            <Yuan fen={data.totals.paid_since_fen} />
          </dd>
        </div>
        <div>
          <dt>{t('clg.pay.due')}</dt>
          <dd>
            <Yuan fen={data.totals.due_fen} field="due_total" />
          </dd>
        </div>
      </dl>
      {wide ? (
        <div className="table-scroll">
          <table className="table" data-testid="payables">
            <thead>
              <tr>
                <th scope="col">{t('clg.institution')}</th>
                <th scope="col" className="num">
                  {t('clg.pay.owedAtEnd')}
                </th>
                <th scope="col" className="num">
                  {t('clg.pay.paidSince')}
                </th>
                <th scope="col" className="num">
                  {t('clg.pay.due')}
                </th>
                <th scope="col" className="num">
                  {t('clg.pay.balance')}
                </th>
                <th scope="col">{t('clg.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {data.items.flatMap((p) => [
                <tr key={p.institution} data-institution={p.institution}>
                  <th scope="row">
                    {p.name}
                    <br />
                    <small className="muted code">{p.institution}</small>
                  </th>
                  <td className="num">
                    <Yuan fen={p.owed_at_month_end_fen} />
                  </td>
                  <td className="num">
                    <Yuan fen={p.paid_since_fen} />
                  </td>
                  <td className="num">
                    <Yuan fen={p.due_fen} field="due_fen" strong />
                  </td>
                  <td className="num">
                    <Yuan fen={p.balance_fen} field="balance_fen" />
                  </td>
                  <td>{payButton(p)}</td>
                </tr>,
                ...(paying === p.institution
                  ? [
                      <tr key={`${p.institution}-form`}>
                        <td colSpan={6}>{form(p)}</td>
                      </tr>,
                    ]
                  : []),
              ])}
            </tbody>
          </table>
        </div>
      ) : (
        <ul className="plain-list" data-testid="payables">
          {data.items.map((p) => (
            <li key={p.institution} className="list-item" data-institution={p.institution}>
              <span className="list-item-head">
                <span className="list-item-title">{p.name}</span>
                <span className="muted code">{p.institution}</span>
              </span>
              <dl className="money-lines">
                <div className="money-line">
                  <dt>{t('clg.pay.owedAtEnd')}</dt>
                  <dd>
                    <Yuan fen={p.owed_at_month_end_fen} />
                  </dd>
                </div>
                <div className="money-line">
                  <dt>{t('clg.pay.paidSince')}</dt>
                  <dd>
                    <Yuan fen={p.paid_since_fen} />
                  </dd>
                </div>
                <div className="money-line money-strong">
                  <dt>{t('clg.pay.due')}</dt>
                  <dd>
                    <Yuan fen={p.due_fen} field="due_fen" />
                  </dd>
                </div>
                <div className="money-line">
                  <dt>{t('clg.pay.balance')}</dt>
                  <dd>
                    <Yuan fen={p.balance_fen} field="balance_fen" />
                  </dd>
                </div>
              </dl>
              {payButton(p)}
              {form(p)}
            </li>
          ))}
        </ul>
      )}
      <p className="muted note">{t('clg.pay.note')}</p>
    </Card>
  );
}

function PaymentForm({ p, month, onCancel, onDone }: { p: Payable; month: string; onCancel: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const [amount, setAmount] = useState(() => (p.due_fen > 0 ? formatYuan(p.due_fen).replace(/[¥,]/g, '') : ''));
  const [note, setNote] = useState('');
  const [key] = useState(() => newKey('ui'));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseYuan(amount, p.balance_fen);
    if (!parsed.ok || parsed.fen === 0) {
      setErrors({ amount_fen: !parsed.ok ? (parsed.reason === 'tooLarge' ? t('clg.pay.tooMuch', { amount: formatYuan(p.balance_fen) }) : t(`clg.amount.${parsed.reason}`)) : t('clg.amount.zero') });
      return;
    }
    setErrors({});
    setBusy(true);
    api.post<InstitutionPayment>('/api/clearing/payments', { institution: p.institution, month, amount_fen: parsed.fen, key, ...(note.trim() ? { note: note.trim() } : {}) }).then(
      () => onDone(),
      (err: unknown) => {
        setBusy(false);
        if (err instanceof ApiError) setErrors(Object.fromEntries(err.issues.map((i) => [issueField(i.path), i.message])));
        setError(errorText(err));
      },
    );
  };
  return (
    <form className="inline-form" onSubmit={submit} noValidate data-testid="payment-form">
      <p className="strong">{t('clg.pay.formTitle', { name: p.name })}</p>
      <div className="form-grid prepaid-grid">
        <Field label={t('clg.amountYuan')} error={errors.amount_fen} hint={t('clg.pay.owedNow', { amount: formatYuan(p.balance_fen) })}>
          {(id, describedBy) => (
            <input id={id} name="amount" inputMode="decimal" autoComplete="off" value={amount} aria-invalid={errors.amount_fen ? true : undefined} aria-describedby={describedBy} onChange={(e) => setAmount(e.target.value)} />
          )}
        </Field>
        <Field label={t('clg.pay.noteLabel')}>{(id) => <input id={id} name="note" maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />}</Field>
      </div>
      {error && (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('clg.pay.submit')}
        </button>
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          {t('clg.cancel')}
        </button>
      </div>
    </form>
  );
}
