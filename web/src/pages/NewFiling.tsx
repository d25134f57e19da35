import { useState, type FormEvent } from 'react';
import { api, ApiError, issueField, withQuery, type Filing, type FilingKind, type FilingRequest, type FilingResult, type FilingTerms, type PersonView, type PolicyVersion } from '../api.ts';
import { AreaPicker } from '../components/AreaPicker.tsx';
import { FilingFacts, useAreaName } from '../components/FilingFacts.tsx';
import { Card, errorMessage, Facts, Field, Loaded, PageHeader, tCode, Unbroken } from '../components/ui.tsx';
import { useCodes, useFetch } from '../data.ts';
import { isDate } from '../dates.ts';
import { filingClass, LONG_TERM_KINDS, PROOF_FIELDS, PROOF_TYPES, proofFieldLabel, RELATIONS, TEMPORARY_KINDS, type ProofType } from '../filing.ts';
import { certnoCheckDigitOk, todayInChina } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { Link } from '../router.tsx';

const CERTNO = /^\d{17}[\dX]$/;
const MOBILE = /^1\d{10}$/;

type Outcome = { state: 'filed'; filing: Filing } | { state: 'conflict'; existing: Filing } | null;

/** The filing form: kind, area, start (or a late filing for a stay under way), proof, an optional agent, and a preview of what the person gets. */
export function NewFiling({ psnNo }: { psnNo: string }) {
  const { t } = useI18n();
  const person = useFetch<PersonView>(`/api/persons/${encodeURIComponent(psnNo)}`);
  return (
    <>
      <Link to="/filing" className="back-link">
        ‹ {t('new.back')}
      </Link>
      <PageHeader title={t('new.title')} intro={t('new.intro')} />
      <Loaded value={person}>{(view) => <FilingForm view={view} />}</Loaded>
    </>
  );
}

function FilingForm({ view }: { view: PersonView }) {
  const enrolments = view.enrolments.filter((e) => e.status === 'active');
  const [insutype, setInsutype] = useState(enrolments[0]?.insutype ?? view.enrolments[0]?.insutype ?? '');
  const enrolment = view.enrolments.find((e) => e.insutype === insutype);
  const policy = useFetch<PolicyVersion>(enrolment ? `/api/policies/in-force?pooling_area=${enrolment.insuplc_admdvs}&insutype=${insutype}` : null);
  const [outcome, setOutcome] = useState<Outcome>(null);

  if (outcome?.state === 'filed') return <Filed filing={outcome.filing} />;
  return (
    <div className="stack">
      {outcome?.state === 'conflict' && <AlreadyFiled existing={outcome.existing} />}
      <Loaded value={policy}>
        {(p) => (
          <Form
            psnNo={view.person.psn_no}
            insuredArea={enrolment?.insuplc_admdvs ?? view.person.insuplc_admdvs}
            insutype={insutype}
            schemes={view.enrolments.length > 1 ? view.enrolments.map((e) => e.insutype) : null}
            onScheme={setInsutype}
            wholeProvince={p.doc.settings.whole_province_filing}
            onOutcome={(o) => {
              setOutcome(o);
              window.scrollTo(0, 0);
            }}
          />
        )}
      </Loaded>
    </div>
  );
}

function Filed({ filing }: { filing: Filing }) {
  const { t } = useI18n();
  const areaName = useAreaName();
  const pending = filing.status === 'pending_review';
  return (
    <Card className={pending ? 'outcome outcome-info' : 'outcome outcome-good'}>
      <div role="status" data-testid="filing-done">
        <p className="outcome-title">{t(pending ? 'new.donePending' : 'new.done')}</p>
        <p className="outcome-body">{pending ? t('new.donePendingBody') : t('new.doneBody', { from: filing.begin_date, area: areaName(filing.area) })}</p>
      </div>
      <FilingFacts filing={filing} />
      <div className="actions">
        <Link to="/filing" className="btn btn-primary">
          {t('new.viewFilings')}
        </Link>
        <Link to="/institutions" className="btn btn-secondary">
          {t('me.findAction')}
        </Link>
      </div>
    </Card>
  );
}

/** "Already filed": the record that exists, and where it was made, so a relative's filing is no mystery. */
function AlreadyFiled({ existing }: { existing: Filing }) {
  const { t } = useI18n();
  return (
    <Card className="outcome outcome-warn">
      <div role="alert" data-testid="already-filed">
        <p className="outcome-title">{t('new.already')}</p>
        <p className="outcome-body">{t('new.alreadyBody')}</p>
      </div>
      <FilingFacts filing={existing} />
      <div className="actions">
        <Link to="/filing" className="btn btn-primary">
          {t('new.viewFilings')}
        </Link>
      </div>
    </Card>
  );
}

interface FormProps {
  psnNo: string;
  insuredArea: string;
  insutype: string;
  schemes: string[] | null;
  onScheme: (insutype: string) => void;
  /** the insured place lets a whole province be filed */
  wholeProvince: boolean;
  onOutcome: (o: Outcome) => void;
}

type Errors = Record<string, string>;

function Form({ psnNo, insuredArea, insutype, schemes, onScheme, wholeProvince, onOutcome }: FormProps) {
  const { t, nameOf } = useI18n();
  const areaName = useAreaName();
  const insutypes = useCodes('insutype');
  const today = todayInChina();
  const [kind, setKind] = useState<FilingKind | ''>('');
  const [province, setProvince] = useState('');
  const [area, setArea] = useState('');
  const [late, setLate] = useState(false);
  const [begin, setBegin] = useState(today);
  const [admission, setAdmission] = useState('');
  const [proofType, setProofType] = useState<ProofType>('commitment');
  const [proof, setProof] = useState<Record<string, string>>({});
  const [signed, setSigned] = useState(false);
  const [agentOn, setAgentOn] = useState(false);
  const [agent, setAgent] = useState({ name: '', certno: '', relation: '' });
  const [phone, setPhone] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const start = late ? admission : begin;
  const chooseKind = (k: FilingKind) => {
    setKind(k);
    setProofType(PROOF_TYPES[k][0]!);
    setProof({});
    setSigned(false);
  };

  const check = (): Errors => {
    const e: Errors = {};
    if (!kind) e.kind = t('err.choose');
    if (!area) e.area = t('err.choose');
    if (late) {
      if (!isDate(admission)) e.ongoing_stay_since = t('err.date');
      else if (admission > today) e.ongoing_stay_since = t('err.futureAdmission');
    } else if (!isDate(begin)) e.begin_date = t('err.date');
    else if (begin < today) e.begin_date = t('err.pastStart', { today });
    if (kind) {
      if (proofType === 'commitment' && !signed) e['proof.signed'] = t('err.mustSign');
      for (const f of PROOF_FIELDS[proofType]) if (!proof[f]?.trim()) e[`proof.${f}`] = t('err.required');
    }
    if (agentOn) {
      if (!agent.name.trim()) e['agent.name'] = t('err.required');
      const certno = agent.certno.trim().toUpperCase();
      if (!CERTNO.test(certno)) e['agent.certno'] = t('login.certnoFormat');
      else if (!certnoCheckDigitOk(certno)) e['agent.certno'] = t('err.certnoCheck');
      if (!agent.relation) e['agent.relation'] = t('err.choose');
    }
    if (phone.trim() && !MOBILE.test(phone.trim())) e.phone = t('err.phone');
    return e;
  };

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    const found = check();
    setErrors(found);
    setFailure(null);
    if (Object.keys(found).length || !kind) {
      // Take the person to the first problem, which may be far up a phone screen.
      requestAnimationFrame(() => document.querySelector<HTMLElement>('.field-invalid, .choice-group.invalid')?.scrollIntoView({ block: 'center' }));
      return;
    }
    const body: FilingRequest = {
      psn_no: psnNo,
      insutype,
      kind,
      area,
      begin_date: start,
      channel: 'national_self_service',
      proof: proofType === 'commitment' ? { type: 'commitment', signed: true } : { type: proofType, ...Object.fromEntries(PROOF_FIELDS[proofType].map((f) => [f, proof[f]!.trim()])) },
      ...(late ? { ongoing_stay_since: admission } : {}),
      ...(phone.trim() ? { phone: phone.trim() } : {}),
      ...(agentOn ? { agent: { name: agent.name.trim(), certno: agent.certno.trim().toUpperCase(), relation: agent.relation } } : {}),
    };
    setBusy(true);
    try {
      const r = await api.post<FilingResult>('/api/filings', body);
      onOutcome({ state: 'filed', filing: r.filing });
    } catch (err) {
      const problem = err instanceof ApiError ? err : new ApiError(0, 'network', undefined);
      const existing = problem.body.existing;
      if (problem.status === 409 && existing && typeof existing === 'object') {
        onOutcome({ state: 'conflict', existing: existing as Filing });
      } else {
        setErrors(Object.fromEntries(problem.issues.map((i) => [issueField(i.path), t('err.serverField', { message: i.message })])));
        setFailure(problem);
        requestAnimationFrame(() => document.querySelector<HTMLElement>('.form-failure')?.scrollIntoView({ block: 'center' }));
      }
      setBusy(false);
    }
  };

  const known = new Set(['kind', 'area', 'begin_date', 'ongoing_stay_since', 'phone', 'proof.signed', 'agent.name', 'agent.certno', 'agent.relation', ...(kind ? PROOF_FIELDS[proofType].map((f) => `proof.${f}`) : [])]);
  const elsewhere = failure ? failure.issues.filter((i) => !known.has(issueField(i.path))) : [];
  const text = (key: string, value: string, onChange: (v: string) => void, label: string, extra: { hint?: string; inputMode?: 'numeric' | 'tel'; maxLength?: number; autoComplete?: string } = {}) => (
    <Field label={label} error={errors[key]} {...(extra.hint ? { hint: extra.hint } : {})}>
      {(id, describedBy) => (
        <input
          id={id}
          name={key}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={errors[key] ? true : undefined}
          aria-describedby={describedBy}
          inputMode={extra.inputMode}
          maxLength={extra.maxLength}
          autoComplete={extra.autoComplete ?? 'off'}
        />
      )}
    </Field>
  );

  return (
    <form className="stack filing-form" onSubmit={submit} noValidate>
      {failure && (
        <div className="alert alert-error form-failure" role="alert">
          <p className="alert-title">{t(failure.issues.length ? 'new.fixErrors' : 'err.title')}</p>
          {failure.issues.length === 0 && <p>{errorMessage(t, failure)}</p>}
          {elsewhere.length > 0 && (
            <ul>
              {elsewhere.map((i) => (
                <li key={i.path}>
                  <code>{issueField(i.path)}</code> {i.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}

      {schemes && (
        <Card>
          <Field label={t('enrol.scheme')}>
            {(id) => (
              <select id={id} name="insutype" value={insutype} onChange={(e) => onScheme(e.target.value)}>
                {schemes.map((s) => (
                  <option key={s} value={s}>
                    {nameOf(insutypes.find((c) => c.code === s), s)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </Card>
      )}

      <Card title={t('fil.kind')}>
        <div className={`choice-group${errors.kind ? ' invalid' : ''}`} role="radiogroup" aria-label={t('fil.kind')}>
          <KindGroup title={t('new.longTermGroup')} kinds={LONG_TERM_KINDS} kind={kind} onChoose={chooseKind} />
          <KindGroup title={t('new.temporaryGroup')} kinds={TEMPORARY_KINDS} kind={kind} onChoose={chooseKind} />
        </div>
        {errors.kind && <p className="field-error">{errors.kind}</p>}
      </Card>

      <Card title={t('new.whereTitle')}>
        <p className="card-intro muted">{t('new.whereIntro')}</p>
        <div className="form-grid">
          <AreaPicker
            province={province}
            area={area}
            exclude={insuredArea}
            wholeProvince={wholeProvince}
            error={errors.area}
            areaLabel={t('new.city')}
            onChange={(p, a) => {
              setProvince(p);
              setArea(a);
            }}
          />
        </div>
      </Card>

      <Card title={t('new.whenTitle')}>
        <div className="form-grid">
          {late ? (
            <Field label={t('new.admission')} hint={t('new.lateHint')} error={errors.ongoing_stay_since ?? errors.begin_date}>
              {(id, describedBy) => <input id={id} name="ongoing_stay_since" type="date" value={admission} max={today} onChange={(e) => setAdmission(e.target.value)} aria-describedby={describedBy} />}
            </Field>
          ) : (
            <Field label={t('fil.startDate')} error={errors.begin_date}>
              {(id, describedBy) => <input id={id} name="begin_date" type="date" value={begin} min={today} onChange={(e) => setBegin(e.target.value)} aria-describedby={describedBy} />}
            </Field>
          )}
        </div>
        <label className="checkbox">
          <input type="checkbox" name="late" checked={late} onChange={(e) => setLate(e.target.checked)} />
          {t('new.late')}
        </label>
      </Card>

      <Card title={t('new.proofTitle')}>
        {!kind ? (
          <p className="muted">{t('new.proofFirst')}</p>
        ) : (
          <div className="stack-tight">
            {PROOF_TYPES[kind].length > 1 && (
              <fieldset className="segmented-choice">
                <legend>{t('new.proofChoice')}</legend>
                {PROOF_TYPES[kind].map((p) => (
                  <label key={p} className={`pill${proofType === p ? ' selected' : ''}`}>
                    <input type="radio" name="proof_type" value={p} checked={proofType === p} onChange={() => setProofType(p)} />
                    {t(`proof.${p}`)}
                  </label>
                ))}
              </fieldset>
            )}
            {PROOF_TYPES[kind].length === 1 && <p className="strong">{t(`proof.${proofType}`)}</p>}
            {proofType === 'commitment' ? (
              <div className={`commitment${errors['proof.signed'] ? ' field-invalid' : ''}`}>
                <p className="commitment-title">{t('proof.commitmentTitle')}</p>
                <p className="commitment-text">{t('proof.commitmentText')}</p>
                <label className="checkbox">
                  <input type="checkbox" name="proof.signed" checked={signed} onChange={(e) => setSigned(e.target.checked)} aria-invalid={errors['proof.signed'] ? true : undefined} />
                  {t('proof.signed')}
                </label>
                {errors['proof.signed'] && <p className="field-error">{errors['proof.signed']}</p>}
              </div>
            ) : (
              <div className="form-grid">
                {PROOF_FIELDS[proofType].map((f) => (
                  <div key={f} className={f === 'reason' ? 'span-all' : undefined}>
                    {text(`proof.${f}`, proof[f] ?? '', (v) => setProof((old) => ({ ...old, [f]: v })), t(proofFieldLabel(proofType, f)))}
                  </div>
                ))}
              </div>
            )}
          </div>
        )}
      </Card>

      <Card title={t('new.agentTitle')}>
        <label className="checkbox">
          <input type="checkbox" name="agent_on" checked={agentOn} onChange={(e) => setAgentOn(e.target.checked)} />
          {t('new.agentToggle')}
        </label>
        {agentOn && (
          <div className="form-grid">
            {text('agent.name', agent.name, (name) => setAgent((a) => ({ ...a, name })), t('new.agentName'), { autoComplete: 'name' })}
            {text('agent.certno', agent.certno, (certno) => setAgent((a) => ({ ...a, certno })), t('new.agentCertno'), { maxLength: 18 })}
            <Field label={t('new.agentRelation')} error={errors['agent.relation']}>
              {(id, describedBy) => (
                <select id={id} name="agent.relation" value={agent.relation} onChange={(e) => setAgent((a) => ({ ...a, relation: e.target.value }))} aria-describedby={describedBy}>
                  <option value="">{t('common.choose')}</option>
                  {RELATIONS.map((r) => (
                    <option key={r.value} value={r.value}>
                      {t(r.label)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
        )}
        <div className="form-grid">{text('phone', phone, setPhone, t('new.phone'), { hint: t('new.phoneHint'), inputMode: 'tel', maxLength: 11, autoComplete: 'tel' })}</div>
      </Card>

      <Card className="preview-card" title={t('new.previewTitle')}>
        <Preview psnNo={psnNo} insutype={insutype} kind={kind} area={area} start={start} areaName={areaName} />
      </Card>

      <button type="submit" className="btn btn-primary btn-block btn-large" disabled={busy}>
        {busy ? t('new.submitting') : t('new.submit')}
      </button>
    </form>
  );
}

function KindGroup({ title, kinds, kind, onChoose }: { title: string; kinds: readonly FilingKind[]; kind: FilingKind | ''; onChoose: (k: FilingKind) => void }) {
  const { t } = useI18n();
  return (
    <div className="choice-block">
      <p className="choice-group-title">{title}</p>
      {kinds.map((k) => (
        <label key={k} className={`choice${kind === k ? ' selected' : ''}`}>
          <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => onChoose(k)} />
          <span>
            <span className="choice-title">{tCode(t, 'filing', k)}</span>
            <span className="choice-hint">{t(`kindHint.${k}`)}</span>
          </span>
        </label>
      ))}
    </div>
  );
}

/** What the filing would get, as the insured place's policy answers it (GET /api/filings/terms). */
function Preview({ psnNo, insutype, kind, area, start, areaName }: { psnNo: string; insutype: string; kind: FilingKind | ''; area: string; start: string; areaName: (code: string) => string }) {
  const { t } = useI18n();
  const ready = kind !== '' && area !== '' && isDate(start);
  const terms = useFetch<FilingTerms>(ready ? withQuery('/api/filings/terms', { psn_no: psnNo, insutype, kind, begin_date: start }) : null);
  if (!ready) return <p className="muted">{t('new.previewIncomplete')}</p>;
  return (
    <Loaded value={terms}>
      {(x) => (
        <div data-testid="filing-preview">
          <Facts
            items={[
              [t('fil.kind'), `${tCode(t, 'filing', kind)} · ${tCode(t, 'fclass', filingClass(kind))}`],
              [t('fil.area'), areaName(area)],
              [
                t('fil.validity'),
                x.end_date === null ? (
                  <>
                    <Unbroken text={t('fil.longTermValidity')} values={{ from: start }} />
                    {x.changeable_from > start && (
                      <>
                        <br />
                        <small className="muted">
                          <Unbroken text={t('new.changeableAfter')} values={{ date: x.changeable_from }} />
                        </small>
                      </>
                    )}
                  </>
                ) : (
                  <Unbroken text={t('common.dateRange')} values={{ from: start, to: x.end_date }} />
                ),
              ],
              [t('new.handling'), x.review ? t('new.review') : t('new.instant')],
            ]}
          />
        </div>
      )}
    </Loaded>
  );
}
