import { useState, type FormEvent } from 'react';
import { api, ApiError, issueField, type Filing, type FilingResult, type FilingsView, type PersonFiling, type PolicyVersion } from '../api.ts';
import { AreaPicker } from '../components/AreaPicker.tsx';
import { FilingFacts, FilingStatusBadge, useAreaName } from '../components/FilingFacts.tsx';
import { Card, errorMessage, Field, Loaded, PageHeader, tCode, Unbroken } from '../components/ui.tsx';
import { useFetch } from '../data.ts';
import { isDate } from '../dates.ts';
import { filingClass, LIVE_STATUSES } from '../filing.ts';
import { todayInChina } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { Link } from '../router.tsx';

/** The person's filings: the one in force (change, cancel), earlier ones, and the national record of every channel. */
export function FilingPage({ psnNo }: { psnNo: string }) {
  const { t } = useI18n();
  const value = useFetch<FilingsView>(`/api/persons/${encodeURIComponent(psnNo)}/filings`);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <>
      <PageHeader title={t('fil.title')} intro={t('fil.intro')} />
      {notice && (
        <p className="alert alert-success" role="status" data-testid="filing-notice">
          {notice}
        </p>
      )}
      <Loaded value={value}>
        {(view) => (
          <FilingOverview
            view={view}
            onDone={(message) => {
              setNotice(message);
              value.reload();
            }}
          />
        )}
      </Loaded>
    </>
  );
}

function FilingOverview({ view, onDone }: { view: FilingsView; onDone: (message: string) => void }) {
  const { t } = useI18n();
  const live = view.filings.filter((f) => LIVE_STATUSES.includes(f.status));
  const past = view.filings.filter((f) => !LIVE_STATUSES.includes(f.status));
  const agentOf = new Map(view.filings.map((f) => [f.id, f.agent]));
  return (
    <div className="stack">
      {live.length === 0 ? (
        <Card className="cta-card" title={t('fil.none')}>
          <p>{t('fil.noneBody')}</p>
          <Link to="/filing/new" className="btn btn-primary">
            {t('fil.new')}
          </Link>
        </Card>
      ) : (
        live.map((f) => <CurrentFiling key={f.id} filing={f} onDone={onDone} />)
      )}

      <Card title={t('fil.history')}>
        {past.length === 0 ? (
          <p className="muted">{t('fil.noHistory')}</p>
        ) : (
          <ul className="plain-list" data-testid="filing-history">
            {past.map((f) => (
              <li key={f.id} className="list-item">
                <div className="list-item-head">
                  <span className="list-item-title">{tCode(t, 'filing', f.kind)}</span>
                  <FilingStatusBadge status={f.status} />
                </div>
                <FilingFacts filing={f} withKind={false} withStatus={false} />
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title={t('fil.national')}>
        <p className="card-intro muted">{t('fil.nationalIntro')}</p>
        {view.national_records.length === 0 ? (
          <p className="muted">{t('fil.noNational')}</p>
        ) : (
          <ul className="plain-list" data-testid="national-records">
            {view.national_records.map((r) => (
              <li key={r.filing_id} className="list-item">
                <div className="list-item-head">
                  <span className="list-item-title">{tCode(t, 'channel', r.channel)}</span>
                  <FilingStatusBadge status={r.status} />
                </div>
                <FilingFacts filing={r} agent={agentOf.get(r.filing_id) ?? null} withStatus={false} withChannel={false} />
              </li>
            ))}
          </ul>
        )}
      </Card>

      {live.length > 0 && (
        <p>
          <Link to="/filing/new" className="btn btn-secondary">
            {t('fil.newAnother')}
          </Link>
        </p>
      )}
    </div>
  );
}

type Action = 'none' | 'change' | 'cancel';

function CurrentFiling({ filing, onDone }: { filing: PersonFiling; onDone: (message: string) => void }) {
  const { t } = useI18n();
  const areaName = useAreaName();
  const policy = useFetch<PolicyVersion>(`/api/policies/in-force?pooling_area=${filing.insuplc_admdvs}&insutype=${filing.insutype}`);
  const [action, setAction] = useState<Action>('none');
  const settings = policy.data?.doc.settings;
  const from = filing.changeable_from;
  const today = todayInChina();
  return (
    <Card className="current-filing">
      <div className="list-item-head">
        <h2 className="card-eyebrow">{t('fil.current')}</h2>
        <FilingStatusBadge status={filing.status} />
      </div>
      <p className="filing-area" data-testid="current-area">
        {areaName(filing.area)}
      </p>
      <p className="muted">
        {tCode(t, 'filing', filing.kind)} · {tCode(t, 'fclass', filingClass(filing.kind))}
      </p>
      {filing.status === 'pending_review' && <p className="alert alert-info">{t('fil.pendingNote')}</p>}
      <FilingFacts filing={filing} withKind={false} withStatus={false} withArea={false} />
      {settings && from > today && (
        <p className="note">
          <Unbroken text={t('fil.changeableFrom')} values={{ months: String(settings.long_term_min_months), date: from }} />
        </p>
      )}
      {action === 'none' ? (
        <div className="actions">
          <button type="button" className="btn btn-secondary" onClick={() => setAction('change')}>
            {t('fil.change')}
          </button>
          <button type="button" className="btn btn-secondary btn-danger" onClick={() => setAction('cancel')}>
            {t('fil.cancel')}
          </button>
        </div>
      ) : action === 'change' ? (
        <ChangeArea filing={filing} wholeProvince={settings?.whole_province_filing ?? false} minMonths={settings?.long_term_min_months} onClose={() => setAction('none')} onDone={onDone} />
      ) : (
        <CancelFiling filing={filing} minMonths={settings?.long_term_min_months} onClose={() => setAction('none')} onDone={onDone} />
      )}
    </Card>
  );
}

/** A refusal before the insured place's minimum period: when it becomes possible matters most. */
function TooEarly({ error, minMonths }: { error: ApiError; minMonths: number | undefined }) {
  const { t } = useI18n();
  const date = error.body.possible_from;
  if (typeof date !== 'string') return null;
  return (
    <div className="alert alert-warn" role="alert" data-testid="too-early">
      <p className="alert-title">{t('fil.tooEarly')}</p>
      <p>{minMonths === undefined ? error.detail : t('fil.tooEarlyBody', { months: minMonths })}</p>
      <p className="big-date">
        <Unbroken text={t('fil.possibleFrom')} values={{ date }} />
      </p>
    </div>
  );
}

function failure(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError(0, 'network', undefined);
}

function ChangeArea({ filing, wholeProvince, minMonths, onClose, onDone }: { filing: Filing; wholeProvince: boolean; minMonths: number | undefined; onClose: () => void; onDone: (m: string) => void }) {
  const { t } = useI18n();
  const areaName = useAreaName();
  const [province, setProvince] = useState('');
  const [area, setArea] = useState('');
  const [begin, setBegin] = useState(todayInChina());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!area) found.area = t('err.choose');
    else if (area === filing.area) found.area = t('err.sameArea');
    if (!isDate(begin)) found.begin_date = t('err.date');
    else if (begin < todayInChina()) found.begin_date = t('err.pastStart', { today: todayInChina() });
    setErrors(found);
    setError(null);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      const r = await api.post<FilingResult>(`/api/filings/${filing.id}/change`, { area, begin_date: begin, channel: 'national_self_service' });
      onDone(t('fil.changed', { area: areaName(r.filing.area), date: r.filing.begin_date }));
    } catch (err) {
      const problem = failure(err);
      setErrors(Object.fromEntries(problem.issues.map((i) => [issueField(i.path), t('err.serverField', { message: i.message })])));
      setError(problem);
      setBusy(false);
    }
  };

  const general = error && typeof error.body.possible_from !== 'string' && error.issues.length === 0;
  return (
    <form className="inline-form" onSubmit={submit} noValidate aria-label={t('fil.change')}>
      <h3>{t('fil.change')}</h3>
      <p className="muted">{t('fil.changeIntro')}</p>
      {error && <TooEarly error={error} minMonths={minMonths} />}
      {general && (
        <p className="alert alert-error" role="alert">
          {errorMessage(t, error)}
        </p>
      )}
      <AreaPicker
        province={province}
        area={area}
        exclude={filing.insuplc_admdvs}
        wholeProvince={wholeProvince}
        error={errors.area}
        areaLabel={t('fil.newArea')}
        onChange={(p, a) => {
          setProvince(p);
          setArea(a);
        }}
      />
      <Field label={t('fil.startDate')} error={errors.begin_date}>
        {(id, describedBy) => <input id={id} name="begin_date" type="date" value={begin} min={todayInChina()} onChange={(e) => setBegin(e.target.value)} aria-describedby={describedBy} />}
      </Field>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('fil.confirmChange')}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
    </form>
  );
}

function CancelFiling({ filing, minMonths, onClose, onDone }: { filing: Filing; minMonths: number | undefined; onClose: () => void; onDone: (m: string) => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (reason.trim() === '') {
      setFieldError(t('err.required'));
      return;
    }
    setFieldError(undefined);
    setBusy(true);
    try {
      await api.post(`/api/filings/${filing.id}/cancel`, { reason: reason.trim() });
      onDone(t('fil.cancelled'));
    } catch (err) {
      const problem = failure(err);
      const issue = problem.issues.find((i) => issueField(i.path) === 'reason');
      setFieldError(issue ? t('err.serverField', { message: issue.message }) : undefined);
      setError(problem);
      setBusy(false);
    }
  };

  const general = error && typeof error.body.possible_from !== 'string' && error.issues.length === 0;
  return (
    <form className="inline-form" onSubmit={submit} noValidate aria-label={t('fil.cancel')}>
      <h3>{t('fil.cancel')}</h3>
      <p className="muted">{t('fil.cancelIntro')}</p>
      {error && <TooEarly error={error} minMonths={minMonths} />}
      {general && (
        <p className="alert alert-error" role="alert">
          {errorMessage(t, error)}
        </p>
      )}
      <Field label={t('fil.cancelReason')} error={fieldError}>
        {(id, describedBy) => <input id={id} name="reason" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} aria-describedby={describedBy} />}
      </Field>
      <div className="actions">
        <button type="submit" className="btn btn-primary btn-danger" disabled={busy}>
          {t('fil.confirmCancel')}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
    </form>
  );
}
