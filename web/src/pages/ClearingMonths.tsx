import { useState, type FormEvent } from 'react';
import { api, withQuery } from '../api.ts';
import { beijingTime, MONTH, previousMonth, type ClearingMonth, type ClearReport, type MonthView, type Statement } from '../clearing.ts';
import { LoadedOr, MonthFacts, MonthStatusBadge, useErrorText, useRegionName, Yuan } from '../components/ClearingParts.tsx';
import { Card, Empty, Field, PageHeader, useWide } from '../components/ui.tsx';
import { useFetch } from '../data.ts';
import { formatYuan, todayInChina } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { Link } from '../router.tsx';
import { StatementList } from './ClearingStatements.tsx';

/** The national operator's clearing: close and clear a month, and the months cleared so far. */
export function ClearingMonths() {
  const { t } = useI18n();
  const months = useFetch<{ items: ClearingMonth[] }>('/api/clearing/months');
  return (
    <>
      <PageHeader title={t('clg.title')} intro={t('clg.intro.national')} />
      <div className="stack">
        <ClearForm onDone={months.reload} />
        <Card title={t('clg.months')}>
          <LoadedOr value={months}>
            {(d) =>
              d.items.length === 0 ? (
                <p className="empty">{t('clg.noMonths')}</p>
              ) : (
                <ul className="plain-list" data-testid="months">
                  {d.items.map((m) => (
                    <li key={m.month} className="list-item" data-month={m.month}>
                      <span className="list-item-head">
                        <Link to={`/clearing/${m.month}`} className="list-item-title">
                          {t('clg.monthTitle', { month: m.month })}
                        </Link>
                        <MonthStatusBadge status={m.status} />
                      </span>
                      <span className="muted">
                        <MonthFacts m={m} />
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

type Run = { state: 'idle' } | { state: 'running'; month: string } | { state: 'done'; report: ClearReport } | { state: 'failed'; month: string; message: string };

/**
 * Clearing runs on the server in one request: close, reconcile, post when
 * confirmed. Running it again resumes, records deemed confirmations after the
 * deadline, and moves no money twice, so the same button does all of it.
 */
function ClearForm({ onDone, fixed }: { onDone: () => void; fixed?: string }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const [month, setMonth] = useState(fixed ?? previousMonth(todayInChina().slice(0, 7)));
  const [run, setRun] = useState<Run>({ state: 'idle' });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!MONTH.test(month)) {
      setRun({ state: 'failed', month, message: t('clg.monthFormat') });
      return;
    }
    setRun({ state: 'running', month });
    api.post<ClearReport>(`/api/clearing/months/${month}/clear`, {}).then(
      (report) => {
        setRun({ state: 'done', report });
        onDone();
      },
      (err: unknown) => setRun({ state: 'failed', month, message: errorText(err) }),
    );
  };
  return (
    <Card title={fixed ? t('clg.runAgain') : t('clg.clearTitle')}>
      <form className="stack-tight" onSubmit={submit} noValidate data-testid="clear-form">
        <p className="muted">{t(fixed ? 'clg.runAgainIntro' : 'clg.clearIntro')}</p>
        <div className="search-box">
          {!fixed && <Field label={t('clg.month')}>{(id) => <input id={id} name="month" type="month" value={month} onChange={(e) => setMonth(e.target.value)} />}</Field>}
          <button type="submit" className="btn btn-primary" disabled={run.state === 'running'}>
            {fixed ? t('clg.runAgainAction') : t('clg.clearAction')}
          </button>
        </div>
        {run.state === 'running' && (
          <div className="clear-progress" role="status">
            <progress aria-label={t('clg.clearing', { month: run.month })} />
            <span>{t('clg.clearing', { month: run.month })}</span>
          </div>
        )}
        {run.state === 'failed' && (
          <div className="alert alert-error" role="alert" data-testid="clear-error">
            <p className="alert-title">{t('clg.clearFailed', { month: run.month })}</p>
            <p>{run.message}</p>
          </div>
        )}
        {run.state === 'done' && <ClearResult r={run.report} />}
      </form>
    </Card>
  );
}

function ClearResult({ r }: { r: ClearReport }) {
  const { t } = useI18n();
  return (
    <div className="alert alert-success" role="status" data-testid="clear-result">
      <p className="alert-title">
        {t('clg.clearDone', { month: r.month })} <MonthStatusBadge status={r.status} />
      </p>
      <dl className="clr-figures">
        <div>
          <dt>{t('clg.settlements')}</dt>
          <dd data-figure="settlements">{r.settlements}</dd>
        </div>
        <div>
          <dt>{t('clg.statements')}</dt>
          <dd data-figure="statements">{r.statements}</dd>
        </div>
        <div>
          <dt>{t('clg.awaiting')}</dt>
          <dd data-figure="awaiting">{r.awaiting}</dd>
        </div>
        <div>
          <dt>{t('clg.deemed')}</dt>
          <dd data-figure="deemed">{r.deemed}</dd>
        </div>
        <div>
          <dt>{t('clg.netTotal')}</dt>
          <dd>
            <Yuan fen={r.net_total_fen} field="net_total_fen" />
          </dd>
        </div>
      </dl>
      <p>
        {r.confirm_by && t('clg.confirmBy', { date: r.confirm_by })}{' '}
        <Link to={`/clearing/${r.month}`}>{t('clg.openMonth', { month: r.month })}</Link>
      </p>
    </div>
  );
}

/** A month: where each province stands, and its statements. */
export function ClearingMonthPage({ month }: { month: string }) {
  const { t } = useI18n();
  const wide = useWide();
  const view = useFetch<MonthView>(`/api/clearing/months/${encodeURIComponent(month)}`);
  const statements = useFetch<{ items: Statement[] }>(withQuery('/api/clearing/statements', { month }));
  const regionName = useRegionName();
  const reload = () => {
    view.reload();
    statements.reload();
  };
  return (
    <>
      <Link to="/clearing" className="back-link">
        ‹ {t('clg.backMonths')}
      </Link>
      <LoadedOr value={view}>
        {(m) => (
          <div className="stack">
            <header className="page-header">
              <h1>
                {t('clg.monthTitle', { month: m.month })} <MonthStatusBadge status={m.status} />
              </h1>
              <p className="intro muted">
                <MonthFacts m={m} />
                {m.cleared_at && <> · {t('clg.clearedAt', { at: beijingTime(m.cleared_at) })}</>}
              </p>
            </header>
            <dl className="clr-figures card" data-testid="month-figures">
              <div>
                <dt>{t('clg.statements')}</dt>
                <dd>{m.statements}</dd>
              </div>
              <div>
                <dt>{t('clg.confirmedBoth')}</dt>
                <dd data-figure="confirmed">
                  {m.confirmed} / {m.statements}
                </dd>
              </div>
              <div>
                <dt>{t('clg.rows')}</dt>
                <dd>{m.totals.rows}</dd>
              </div>
              <div>
                <dt>{t('clg.netTotal')}</dt>
                <dd>
                  <Yuan fen={m.totals.net_fen} />
                </dd>
              </div>
            </dl>
            {m.status !== 'cleared' && <ClearForm fixed={m.month} onDone={reload} />}
            <Card title={t('clg.positions')}>
              {m.positions.length === 0 ? (
                <Empty />
              ) : !wide ? (
                <ul className="plain-list" data-testid="positions">
                  {m.positions.map((p) => (
                    <li key={p.province} className="list-item" data-province={p.province}>
                      <span className="list-item-head">
                        <span className="strong">{regionName(p.province)}</span>
                        <Yuan fen={p.net_fen} field="net_fen" strong />
                      </span>
                      <span className="muted">{t('clg.positionLine', { receivable: formatYuan(p.receivable_fen), payable: formatYuan(p.payable_fen) })}</span>
                    </li>
                  ))}
                </ul>
              ) : (
                <div className="table-scroll">
                  <table className="table counts-table clr-table" data-testid="positions">
                    <thead>
                      <tr>
                        <th scope="col">{t('filter.province')}</th>
                        <th scope="col" className="num">
                          {t('clg.receivable')}
                        </th>
                        <th scope="col" className="num">
                          {t('clg.payable')}
                        </th>
                        <th scope="col" className="num">
                          {t('clg.net')}
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {m.positions.map((p) => (
                        <tr key={p.province} data-province={p.province}>
                          <th scope="row">{regionName(p.province)}</th>
                          <td className="num">
                            <Yuan fen={p.receivable_fen} />
                          </td>
                          <td className="num">
                            <Yuan fen={p.payable_fen} />
                          </td>
                          <td className="num">
                            <Yuan fen={p.net_fen} field="net_fen" strong />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              <p className="muted note">{t('clg.positionsNote')}</p>
            </Card>
            <Card title={t('clg.statements')}>
              <LoadedOr value={statements}>{(d) => (d.items.length === 0 ? <Empty /> : <StatementList items={d.items} />)}</LoadedOr>
            </Card>
            <p>
              <Link to={`/dashboard?month=${m.month}`}>{t('clg.seeFlows', { month: m.month })}</Link>
            </p>
          </div>
        )}
      </LoadedOr>
    </>
  );
}
