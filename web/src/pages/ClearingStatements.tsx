import { useState, type FormEvent } from 'react';
import { api, ApiError, withQuery, type Me } from '../api.ts';
import { confirmationOf, isProvinceAgency, MONTH, sidesOf, statementPath, type LinePage, type Part, type Side, type Statement, type Exclusion, type StatementLine } from '../clearing.ts';
import { ConfirmationBadge, LoadedOr, useErrorText, useRegionName, Yuan } from '../components/ClearingParts.tsx';
import { Badge, Card, Empty, Facts, Field, PageHeader, Pager, SelectField, tCode, useWide } from '../components/ui.tsx';
import { useFetch } from '../data.ts';
import { useI18n } from '../i18n.tsx';
import { Link, setQuery, withLastQuery } from '../router.tsx';

const PAGE_SIZE = 20;
const PARTS: Part[] = ['own', 'carried', 'excluded'];

/**
 * A province agency's statements, as the insured side (what it pays), as the
 * treatment side (what it receives), or both; those awaiting its confirmation
 * first to hand. Filters live in the URL.
 */
export function AgencyClearing({ me, query }: { me: Me; query: URLSearchParams }) {
  const { t } = useI18n();
  const regionName = useRegionName();
  const sideQ = query.get('side');
  const side: Side | '' = sideQ === 'insured' || sideQ === 'treatment' ? sideQ : '';
  const m = query.get('month') ?? '';
  const month = MONTH.test(m) ? m : '';
  const unconfirmed = side !== '' && query.get('unconfirmed') === 'true';
  const list = useFetch<{ items: Statement[] }>(withQuery('/api/clearing/statements', { side, month, unconfirmed: unconfirmed ? 'true' : '' }));
  const change = (changes: Record<string, string | null>) => setQuery(changes, { replace: true });
  return (
    <>
      <PageHeader title={t('clg.title')} intro={t('clg.intro.agency', { province: me.region ? regionName(me.region.slice(0, 2) + '0000') : '' })} />
      <div className="stack">
        {!isProvinceAgency(me) && (
          <p className="alert alert-info" data-testid="city-note">
            {t('clg.cityNote')}
          </p>
        )}
        {isProvinceAgency(me) && (
          <section className="filters card" aria-label={t('filter.title')}>
            <div className="filter-grid clr-filters">
              <SelectField
                name="side"
                label={t('clg.sideFilter')}
                value={side}
                allLabel={t('clg.bothSides')}
                options={[
                  { value: 'insured', label: t('clg.asInsured') },
                  { value: 'treatment', label: t('clg.asTreatment') },
                ]}
                onChange={(v) => change({ side: v || null, unconfirmed: v ? query.get('unconfirmed') : null })}
              />
              <Field label={t('clg.month')}>{(id) => <input id={id} name="month" type="month" value={month} onChange={(e) => change({ month: e.target.value || null })} />}</Field>
              {side !== '' && (
                <label className="checkbox filter-check">
                  <input type="checkbox" name="unconfirmed" checked={unconfirmed} onChange={(e) => change({ unconfirmed: e.target.checked ? 'true' : null })} />
                  {t('clg.onlyUnconfirmed')}
                </label>
              )}
            </div>
          </section>
        )}
        <LoadedOr value={list}>{(d) => (d.items.length === 0 ? <Empty /> : <StatementList items={d.items} me={me} />)}</LoadedOr>
      </div>
    </>
  );
}

/** Statements as cards on a phone and rows on a wide screen: the pair, the net, and where each side's confirmation stands. */
export function StatementList({ items, me }: { items: Statement[]; me?: Me }) {
  const { t } = useI18n();
  const wide = useWide();
  const regionName = useRegionName();
  const mine = (st: Statement) => (me ? sidesOf(me, st).filter((s) => confirmationOf(st, s) === null) : []);
  if (wide) {
    return (
      <div className="table-wrap">
        <table className="table" data-testid="statements">
          <thead>
            <tr>
              <th scope="col">{t('clg.month')}</th>
              <th scope="col">{t('clg.pair')}</th>
              <th scope="col" className="num">
                {t('clg.rows')}
              </th>
              <th scope="col" className="num">
                {t('clg.stNet')}
              </th>
              <th scope="col">{t('clg.confirmations')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((st) => (
              <tr key={st.id} data-statement={st.id}>
                <td className="nowrap">{st.month}</td>
                <td>
                  <Link to={statementPath(st.id)}>{t('clg.pairName', { from: regionName(st.insured_province), to: regionName(st.treatment_province) })}</Link>
                  {mine(st).length > 0 && <Badge tone="warn">{t('clg.yourTurn')}</Badge>}
                </td>
                <td className="num">{st.own.settlements + st.own.reversals + st.carried.rows}</td>
                <td className="num">
                  <Yuan fen={st.net_fen} field="net_fen" strong />
                </td>
                <td>
                  <span className="badges">
                    <ConfirmationBadge st={st} side="insured" />
                    <ConfirmationBadge st={st} side="treatment" />
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  return (
    <ul className="plain-list cards" data-testid="statements">
      {items.map((st) => (
        <li key={st.id} data-statement={st.id}>
          <Link to={statementPath(st.id)} className="card item-card item-link">
            <span className="list-item-head">
              <span className="muted nowrap">{st.month}</span>
              {mine(st).length > 0 && <Badge tone="warn">{t('clg.yourTurn')}</Badge>}
            </span>
            <span className="item-title">{t('clg.pairName', { from: regionName(st.insured_province), to: regionName(st.treatment_province) })}</span>
            <span className="statement-net">
              <span className="muted">{t('clg.stNet')}</span> <Yuan fen={st.net_fen} field="net_fen" strong />
            </span>
            <span className="badges">
              <ConfirmationBadge st={st} side="insured" />
              <ConfirmationBadge st={st} side="treatment" />
            </span>
            <span className="chevron" aria-hidden="true">
              ›
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

/** One statement: its figures, both confirmations, the rows behind each figure, and the agency's confirm and exclude. */
export function StatementPage({ id, me, query }: { id: string; me: Me; query: URLSearchParams }) {
  const { t } = useI18n();
  const value = useFetch<Statement & { exclusions: Exclusion[] }>(`/api/clearing/statements/${encodeURIComponent(id)}`);
  const back = me.role === 'national' ? `/clearing/${id.slice(0, 7)}` : withLastQuery('/clearing');
  return (
    <>
      <Link to={back} className="back-link">
        ‹ {t(me.role === 'national' ? 'clg.backMonth' : 'clg.backStatements')}
      </Link>
      <LoadedOr value={value}>{(st) => <StatementView st={st} me={me} query={query} onChange={value.reload} />}</LoadedOr>
    </>
  );
}

function StatementView({ st, me, query, onChange }: { st: Statement & { exclusions: Exclusion[] }; me: Me; query: URLSearchParams; onChange: () => void }) {
  const { t } = useI18n();
  const wide = useWide();
  const regionName = useRegionName();
  const sides = sidesOf(me, st);
  const partQ = query.get('part') as Part;
  const part: Part = PARTS.includes(partQ) ? partQ : 'own';
  const page = Math.max(1, Number(query.get('page')) || 1);
  const counts: Record<Part, number> = { own: st.own.settlements + st.own.reversals, carried: st.carried.rows, excluded: st.excluded.rows };
  const open = st.posted_at === null;
  const canExclude = sides.filter((s) => confirmationOf(st, s) === null && open);

  const figures: { key: string; label: string; rows: number; medfee: number; fund: number; acct: number; sign: string }[] = [
    { key: 'own', label: t('clg.part.own'), rows: counts.own, medfee: st.own.medfee_fen, fund: st.own.fund_fen, acct: st.own.acct_fen, sign: '' },
    { key: 'carried', label: t('clg.part.carried'), rows: st.carried.rows, medfee: st.carried.medfee_fen, fund: st.carried.fund_fen, acct: st.carried.acct_fen, sign: '+' },
    { key: 'excluded', label: t('clg.part.excluded'), rows: st.excluded.rows, medfee: st.excluded.medfee_fen, fund: st.excluded.fund_fen, acct: st.excluded.acct_fen, sign: '−' },
  ];

  return (
    <article className="stack" data-testid="statement" data-statement={st.id}>
      <header className="page-header">
        <p className="card-eyebrow">{t('clg.statementOf', { month: st.month })}</p>
        <h1>{t('clg.pairName', { from: regionName(st.insured_province), to: regionName(st.treatment_province) })}</h1>
        <p className="intro muted">
          <span className="code">{st.id}</span>
        </p>
      </header>
      <div className="figures statement-figures">
        <div className="figure figure-fund">
          <p className="figure-label">{t('clg.netPays', { from: regionName(st.insured_province) })}</p>
          <p className="figure-value">
            <Yuan fen={st.net_fen} field="net_fen" />
          </p>
          <p className="muted">{st.posted_at ? t('clg.posted') : t('clg.notPosted')}</p>
        </div>
      </div>
      <Card title={t('clg.figures')}>
        {!wide ? (
          <dl className="money-lines" data-testid="statement-figures">
            {figures.map((f) => (
              <div key={f.key} className="money-line" data-part={f.key}>
                <dt>
                  <Link to={`${statementPath(st.id)}?part=${f.key}`} aria-label={t('clg.showRows', { part: f.label })}>
                    {f.sign && <span aria-hidden="true">{f.sign} </span>}
                    {f.label}
                  </Link>{' '}
                  <span className="muted nowrap">{t('clg.nRows', { n: f.rows })}</span>
                </dt>
                <dd>
                  <Yuan fen={f.fund + f.acct} field={`${f.key}.fund_acct`} />
                </dd>
              </div>
            ))}
            <div className="money-line money-strong">
              <dt>{t('clg.stNet')}</dt>
              <dd>
                <Yuan fen={st.net_fen} />
              </dd>
            </div>
          </dl>
        ) : (
          <div className="table-scroll">
            <table className="table counts-table clr-table" data-testid="statement-figures">
              <thead>
                <tr>
                  <th scope="col">{t('clg.part')}</th>
                  <th scope="col" className="num">
                    {t('clg.rows')}
                  </th>
                  <th scope="col" className="num">
                    {t('clg.medfee')}
                  </th>
                  <th scope="col" className="num">
                    {t('clg.fund')}
                  </th>
                  <th scope="col" className="num">
                    {t('clg.acct')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {figures.map((f) => (
                  <tr key={f.key} data-part={f.key}>
                    <th scope="row">
                      <Link to={`${statementPath(st.id)}?part=${f.key}`} aria-label={t('clg.showRows', { part: f.label })}>
                        {f.sign && <span aria-hidden="true">{f.sign} </span>}
                        {f.label}
                      </Link>
                    </th>
                    <td className="num">{f.rows}</td>
                    <td className="num">
                      <Yuan fen={f.medfee} />
                    </td>
                    <td className="num">
                      <Yuan fen={f.fund} field={`${f.key}.fund_fen`} />
                    </td>
                    <td className="num">
                      <Yuan fen={f.acct} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p className="muted note">{t('clg.netRule')}</p>
        {st.own.reversals > 0 && <p className="muted note">{t('clg.reversalsNote', { n: st.own.reversals })}</p>}
      </Card>
      <Card title={t('clg.confirmations')}>
        <ul className="plain-list">
          {(['insured', 'treatment'] as const).map((side) => (
            <li key={side} className="list-item confirm-row">
              <span className="list-item-head">
                <span className="strong">{t(side === 'insured' ? 'clg.insuredSideOf' : 'clg.treatmentSideOf', { province: regionName(side === 'insured' ? st.insured_province : st.treatment_province) })}</span>
                <ConfirmationBadge st={st} side={side} />
              </span>
              <ConfirmationLine st={st} side={side} />
              {sides.includes(side) && confirmationOf(st, side) === null && open && <ConfirmButton st={st} side={side} onDone={onChange} />}
            </li>
          ))}
        </ul>
        {sides.length === 0 && me.role !== 'national' && <p className="muted note">{t('clg.readOnly')}</p>}
      </Card>
      <Card title={t('clg.rowsBehind')}>
        <nav className="tabs part-tabs" aria-label={t('clg.rowsBehind')}>
          {PARTS.map((p) => (
            <Link key={p} to={`${statementPath(st.id)}?part=${p}`} className={p === part ? 'selected' : undefined} aria-current={p === part ? 'page' : undefined} data-part-tab={p}>
              {t(`clg.tab.${p}`)} ({counts[p]})
            </Link>
          ))}
        </nav>
        <Lines st={st} part={part} page={page} excludeAs={part === 'excluded' ? [] : canExclude} onExcluded={onChange} />
        <p className="actions">
          <a className="btn btn-secondary" href={`/api/clearing/statements/${encodeURIComponent(st.id)}/export.csv`} download data-testid="export-csv">
            {t('clg.exportCsv')}
          </a>
        </p>
      </Card>
    </article>
  );
}

function ConfirmationLine({ st, side }: { st: Statement; side: Side }) {
  const { t } = useI18n();
  const c = confirmationOf(st, side);
  if (!c) return <p className="muted">{t('clg.notConfirmed')}</p>;
  return <p className="muted">{t(c.deemed ? 'clg.deemedLine' : 'clg.confirmedLine', { at: c.at.slice(0, 10), by: c.by })}</p>;
}

function ConfirmButton({ st, side, onDone }: { st: Statement; side: Side; onDone: () => void }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const confirm = () => {
    setState({ busy: true, error: null });
    api.post<Statement>(`/api/clearing/statements/${encodeURIComponent(st.id)}/confirm`, { side }).then(
      () => {
        setState({ busy: false, error: null });
        onDone();
      },
      (e: unknown) => setState({ busy: false, error: errorText(e) }),
    );
  };
  return (
    <div className="stack-tight confirm-action">
      <p>{t('clg.confirmAsk')}</p>
      <p className="actions">
        <button type="button" className="btn btn-primary" disabled={state.busy} onClick={confirm} data-testid={`confirm-${side}`}>
          {t(side === 'insured' ? 'clg.confirmInsured' : 'clg.confirmTreatment')}
        </button>
      </p>
      {state.error && (
        <p className="alert alert-error" role="alert">
          {state.error}
        </p>
      )}
    </div>
  );
}

function Lines({ st, part, page, excludeAs, onExcluded }: { st: Statement; part: Part; page: number; excludeAs: Side[]; onExcluded: () => void }) {
  const { t } = useI18n();
  const wide = useWide();
  const value = useFetch<LinePage>(withQuery(`/api/clearing/statements/${encodeURIComponent(st.id)}/settlements`, { part, page, page_size: PAGE_SIZE }));
  const [excluding, setExcluding] = useState<string | null>(null);
  const kind = (l: StatementLine) => <Badge tone={l.kind === 'cancel' ? 'bad' : l.kind === 'reinstate' ? 'info' : 'neutral'}>{tCode(t, 'clg.kind', l.kind)}</Badge>;
  const why = (l: StatementLine) =>
    l.excluded ? (
      <span className="muted">{t(l.excluded.side === 'insured' ? 'clg.excludedByInsured' : 'clg.excludedByTreatment', { reason: l.excluded.reason })}</span>
    ) : l.carried_from ? (
      <span className="muted">{t('clg.carriedFrom', { month: l.carried_from.month, reason: l.carried_from.reason })}</span>
    ) : null;
  const action = (l: StatementLine) =>
    excludeAs.length > 0 &&
    l.excluded === null && (
      <button type="button" className="btn btn-secondary btn-small" onClick={() => setExcluding(excluding === l.setl_id ? null : l.setl_id)} aria-expanded={excluding === l.setl_id} data-exclude={l.setl_id}>
        {t('clg.exclude')}
      </button>
    );
  const form = (l: StatementLine) =>
    excluding === l.setl_id && (
      <ExcludeForm
        st={st}
        line={l}
        sides={excludeAs}
        onCancel={() => setExcluding(null)}
        onDone={() => {
          setExcluding(null);
          onExcluded();
        }}
      />
    );
  return (
    <LoadedOr value={value}>
      {(d) => (
        <div className="stack-tight" aria-live="polite">
          {d.items.length === 0 ? (
            <p className="empty">{t('clg.noRows')}</p>
          ) : wide ? (
            <div className="table-scroll">
              <table className="table lines-table" data-testid="lines">
                <thead>
                  <tr>
                    <th scope="col">{t('clg.setlId')}</th>
                    <th scope="col">{t('clg.time')}</th>
                    <th scope="col" className="num">
                      {t('clg.medfee')}
                    </th>
                    <th scope="col" className="num">
                      {t('clg.fund')}
                    </th>
                    <th scope="col" className="num">
                      {t('clg.acct')}
                    </th>
                    {excludeAs.length > 0 && <th scope="col">{t('clg.actions')}</th>}
                  </tr>
                </thead>
                <tbody>
                  {d.items.flatMap((l) => [
                    <tr key={l.setl_id} data-line={l.setl_id}>
                      <td className="line-cell">
                        <Link to={`/settlements/${encodeURIComponent(l.setl_id)}`} className="code line-id">
                          {l.setl_id}
                        </Link>
                        <span className="line-meta">
                          {kind(l)} <span className="muted code">{l.fixmedins_code}</span>
                        </span>
                        {why(l)}
                      </td>
                      <td>
                        <span className="nowrap">{l.setl_time.slice(0, 10)}</span>
                        <br />
                        <span className="muted nowrap">{l.setl_time.slice(11)}</span>
                      </td>
                      <td className="num">
                        <Yuan fen={l.medfee_fen} />
                      </td>
                      <td className="num">
                        <Yuan fen={l.fund_fen} field="fund_fen" />
                      </td>
                      <td className="num">
                        <Yuan fen={l.acct_fen} />
                      </td>
                      {excludeAs.length > 0 && <td>{action(l)}</td>}
                    </tr>,
                    ...(excluding === l.setl_id
                      ? [
                          <tr key={`${l.setl_id}-form`}>
                            <td colSpan={6}>{form(l)}</td>
                          </tr>,
                        ]
                      : []),
                  ])}
                </tbody>
              </table>
            </div>
          ) : (
            <ul className="plain-list" data-testid="lines">
              {d.items.map((l) => (
                <li key={l.setl_id} className="list-item" data-line={l.setl_id}>
                  <span className="list-item-head">
                    <Link to={`/settlements/${encodeURIComponent(l.setl_id)}`} className="code line-id">
                      {l.setl_id}
                    </Link>
                    {kind(l)}
                  </span>
                  <Facts
                    items={[
                      [t('clg.time'), l.setl_time],
                      [t('clg.institution'), <span className="code">{l.fixmedins_code}</span>],
                      [t('clg.medfee'), <Yuan fen={l.medfee_fen} />],
                      [t('clg.fundAcct'), <Yuan fen={l.fund_fen + l.acct_fen} field="fund_acct" strong />],
                    ]}
                  />
                  {why(l)}
                  {action(l)}
                  {form(l)}
                </li>
              ))}
            </ul>
          )}
          {d.total > 0 && <Pager page={page} pageSize={PAGE_SIZE} total={d.total} onPage={(p) => setQuery({ page: p })} />}
        </div>
      )}
    </LoadedOr>
  );
}

function ExcludeForm({ st, line, sides, onCancel, onDone }: { st: Statement; line: StatementLine; sides: Side[]; onCancel: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const [reason, setReason] = useState('');
  const [side, setSide] = useState<Side>(sides[0]!);
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim() === '') {
      setFieldError(t('clg.reasonRequired'));
      return;
    }
    setFieldError(undefined);
    setBusy(true);
    api.post<Exclusion>(`/api/clearing/statements/${encodeURIComponent(st.id)}/exclusions`, { setl_id: line.setl_id, side, reason: reason.trim() }).then(
      () => onDone(),
      (err: unknown) => {
        setBusy(false);
        if (err instanceof ApiError && err.issues.some((i) => i.path.endsWith('reason'))) setFieldError(err.issues.find((i) => i.path.endsWith('reason'))!.message);
        setError(errorText(err));
      },
    );
  };
  return (
    <form className="inline-form" onSubmit={submit} noValidate data-testid="exclude-form">
      <p className="strong">{t('clg.excludeTitle', { id: line.setl_id })}</p>
      <p className="muted">{t('clg.excludeIntro')}</p>
      {sides.length > 1 && (
        <SelectField
          name="side"
          label={t('clg.excludeAs')}
          value={side}
          options={sides.map((s) => ({ value: s, label: t(s === 'insured' ? 'clg.side.insured' : 'clg.side.treatment') }))}
          onChange={(v) => setSide(v as Side)}
        />
      )}
      <Field label={t('clg.reason')} error={fieldError}>
        {(id, describedBy) => (
          <textarea id={id} name="reason" rows={2} maxLength={500} value={reason} aria-invalid={fieldError ? true : undefined} aria-describedby={describedBy} onChange={(e) => setReason(e.target.value)} />
        )}
      </Field>
      {error && (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="btn btn-primary btn-danger" disabled={busy}>
          {t('clg.excludeAction')}
        </button>
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          {t('clg.cancel')}
        </button>
      </div>
    </form>
  );
}

