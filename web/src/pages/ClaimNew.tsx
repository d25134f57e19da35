import { useState, type FormEvent } from 'react';
import { api, ApiError, issueField, type MedKind, type PersonView } from '../api.ts';
import { CLAIM_REASONS, claimPath, type ClaimCase, type ClaimDetail, type ClaimPreview, type ClaimReason } from '../claims.ts';
import { AreaPicker } from '../components/AreaPicker.tsx';
import { basisText, useWords } from '../components/ClaimParts.tsx';
import { Card, errorMessage, Facts, Field, Loaded, PageHeader, tCode } from '../components/ui.tsx';
import { useChronicDiseases, useFetch } from '../data.ts';
import { isDate } from '../dates.ts';
import { RELATIONS } from '../filing.ts';
import { certnoCheckDigitOk, todayInChina } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { points } from '../policyText.ts';
import { Link, navigate } from '../router.tsx';

const CERTNO = /^\d{17}[\dX]$/;
const MED_KINDS: readonly MedKind[] = ['inpatient', 'outpatient', 'chronic', 'pharmacy'];
const LEVELS = [3, 2, 1] as const;

/** Starting a claim: why the bill was not settled directly, the treatment, an agent; then exactly which papers the case needs and by when. */
export function ClaimNew({ psnNo }: { psnNo: string }) {
  const { t } = useI18n();
  const person = useFetch<PersonView>(`/api/persons/${encodeURIComponent(psnNo)}`);
  return (
    <>
      <Link to="/claims" className="back-link">
        ‹ {t('clm.back')}
      </Link>
      <PageHeader title={t('clm.newTitle')} intro={t('clm.newIntro')} />
      <Loaded value={person}>{(p) => <ClaimForm person={p} />}</Loaded>
    </>
  );
}

type Errors = Record<string, string>;

function ClaimForm({ person }: { person: PersonView }) {
  const { t, nameOf } = useI18n();
  const words = useWords();
  const diseases = useChronicDiseases();
  const today = todayInChina();
  const [reason, setReason] = useState<ClaimReason | ''>('');
  const [medKind, setMedKind] = useState<MedKind>('inpatient');
  const [disease, setDisease] = useState('');
  const [province, setProvince] = useState('');
  const [area, setArea] = useState('');
  const [instCode, setInstCode] = useState('');
  const [instName, setInstName] = useState('');
  const [level, setLevel] = useState('');
  const [begin, setBegin] = useState('');
  const [end, setEnd] = useState('');
  const [invoice, setInvoice] = useState('');
  const [agentOn, setAgentOn] = useState(false);
  const [agent, setAgent] = useState({ name: '', certno: '', relation: '', psn_no: '' });
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<{ body: ClaimCase; result: ClaimPreview } | null>(null);

  // Any change makes the answer shown stale: the checklist is asked again.
  const edit =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setPreview(null);
    };

  const chooseReason = (r: ClaimReason) => {
    setReason(r);
    if (r === 'chronic_outside_list') setMedKind('chronic');
    setPreview(null);
  };

  const check = (): Errors => {
    const e: Errors = {};
    if (!reason) e.reason = t('err.choose');
    if (medKind === 'chronic' && !disease) e.disease_code = t('err.choose');
    if (!area) e.mdtrtarea_admvs = t('err.choose');
    if (!instName.trim()) e.institution_name = t('err.required');
    if (instCode.trim() && !/^[HP]\d{11}$/.test(instCode.trim().toUpperCase())) e.institution_code = t('setl.filter.institutionFormat');
    if (!instCode.trim() && !level) e.level = t('err.choose');
    if (!isDate(begin)) e.begin_date = t('err.date');
    else if (begin > today) e.begin_date = t('clm.err.future');
    if (!isDate(end)) e.end_date = t('err.date');
    else if (end > today) e.end_date = t('clm.err.future');
    else if (isDate(begin) && end < begin) e.end_date = t('clm.err.endBeforeBegin');
    if (!/^[0-9A-Za-z-]{4,40}$/.test(invoice.replace(/\s+/g, ''))) e.invoice_no = t('clm.err.invoice');
    if (agentOn) {
      if (!agent.name.trim()) e['agent.name'] = t('err.required');
      const certno = agent.certno.trim().toUpperCase();
      if (!CERTNO.test(certno)) e['agent.certno'] = t('login.certnoFormat');
      else if (!certnoCheckDigitOk(certno)) e['agent.certno'] = t('err.certnoCheck');
      if (!agent.relation) e['agent.relation'] = t('err.choose');
      if (agent.psn_no.trim() && !/^\d{20}$/.test(agent.psn_no.trim())) e['agent.psn_no'] = t('setl.filter.psnNoFormat');
    }
    return e;
  };

  const body = (): ClaimCase => ({
    psn_no: person.person.psn_no,
    reason: reason as ClaimReason,
    med_kind: medKind,
    ...(medKind === 'chronic' ? { disease_code: disease } : {}),
    mdtrtarea_admvs: area,
    ...(instCode.trim() ? { institution_code: instCode.trim().toUpperCase() } : { level: Number(level) as 1 | 2 | 3 }),
    institution_name: instName.trim(),
    begin_date: begin,
    end_date: end,
    invoice_no: invoice.trim(),
    ...(agentOn
      ? { agent: { name: agent.name.trim(), certno: agent.certno.trim().toUpperCase(), relation: agent.relation, ...(agent.psn_no.trim() ? { psn_no: agent.psn_no.trim() } : {}) } }
      : {}),
  });

  const fail = (err: unknown) => {
    const problem = err instanceof ApiError ? err : new ApiError(0, 'network', undefined);
    setErrors(Object.fromEntries(problem.issues.map((i) => [issueField(i.path), t('err.serverField', { message: i.message })])));
    setFailure(problem);
    requestAnimationFrame(() => document.querySelector<HTMLElement>('.form-failure')?.scrollIntoView({ block: 'center' }));
  };

  const ask = async (ev: FormEvent) => {
    ev.preventDefault();
    const found = check();
    setErrors(found);
    setFailure(null);
    if (Object.keys(found).length) {
      requestAnimationFrame(() => document.querySelector<HTMLElement>('.field-invalid, .choice-group.invalid')?.scrollIntoView({ block: 'center' }));
      return;
    }
    const b = body();
    setBusy(true);
    try {
      const result = await api.post<ClaimPreview>('/api/claims/preview', b);
      setPreview({ body: b, result });
      requestAnimationFrame(() => document.getElementById('claim-preview')?.scrollIntoView({ block: 'start' }));
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  const create = async () => {
    if (!preview) return;
    setBusy(true);
    setFailure(null);
    try {
      const claim = await api.post<ClaimDetail>('/api/claims', preview.body);
      navigate(claimPath(claim.id));
    } catch (err) {
      fail(err);
      setBusy(false);
    }
  };

  const known = new Set(['reason', 'med_kind', 'disease_code', 'mdtrtarea_admvs', 'institution_code', 'institution_name', 'level', 'begin_date', 'end_date', 'invoice_no', 'agent.name', 'agent.certno', 'agent.relation', 'agent.psn_no']);
  const elsewhere = failure ? failure.issues.filter((i) => !known.has(issueField(i.path))) : [];
  const text = (key: string, value: string, onChange: (v: string) => void, label: string, extra: { hint?: string; maxLength?: number; inputMode?: 'numeric' } = {}) => (
    <Field label={label} error={errors[key]} {...(extra.hint ? { hint: extra.hint } : {})}>
      {(id, describedBy) => (
        <input
          id={id}
          name={key}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={errors[key] ? true : undefined}
          aria-describedby={describedBy}
          maxLength={extra.maxLength}
          inputMode={extra.inputMode}
          autoComplete="off"
        />
      )}
    </Field>
  );
  const date = (key: string, value: string, onChange: (v: string) => void, label: string) => (
    <Field label={label} error={errors[key]}>
      {(id, describedBy) => <input id={id} name={key} type="date" value={value} max={today} onChange={(e) => onChange(e.target.value)} aria-invalid={errors[key] ? true : undefined} aria-describedby={describedBy} />}
    </Field>
  );
  const inpatient = medKind === 'inpatient';

  return (
    <form className="stack claim-form" onSubmit={ask} noValidate>
      {failure && (
        <div className="alert alert-error form-failure" role="alert">
          <p className="alert-title">{t(failure.issues.length ? 'new.fixErrors' : 'err.title')}</p>
          <p>{errorMessage(t, failure)}</p>
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

      <Card title={t('clm.reasonTitle')}>
        <div className={`choice-group${errors.reason ? ' invalid' : ''}`} role="radiogroup" aria-label={t('clm.reasonTitle')}>
          <div className="choice-block">
            {CLAIM_REASONS.map((r) => (
              <label key={r} className={`choice${reason === r ? ' selected' : ''}`}>
                <input type="radio" name="reason" value={r} checked={reason === r} onChange={() => chooseReason(r)} />
                <span>
                  <span className="choice-title">{t(`clm.reason.${r}`)}</span>
                  <span className="choice-hint">{t(`clm.reasonHint.${r}`)}</span>
                </span>
              </label>
            ))}
          </div>
        </div>
        {errors.reason && <p className="field-error">{errors.reason}</p>}
      </Card>

      <Card title={t('clm.treatmentTitle')}>
        <div className="form-grid">
          <Field label={t('est.medKind')} error={errors.med_kind}>
            {(id, describedBy) => (
              <select id={id} name="med_kind" value={medKind} disabled={reason === 'chronic_outside_list'} onChange={(e) => edit(setMedKind)(e.target.value as MedKind)} aria-describedby={describedBy}>
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
                <select id={id} name="disease_code" value={disease} onChange={(e) => edit(setDisease)(e.target.value)} aria-describedby={describedBy} aria-invalid={errors.disease_code ? true : undefined}>
                  <option value="">{t('common.choose')}</option>
                  {diseases.map((d) => (
                    <option key={d.code} value={d.code}>
                      {nameOf(d, d.code)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          <AreaPicker
            province={province}
            area={area}
            error={errors.mdtrtarea_admvs}
            areaLabel={t('setl.filter.treatmentArea')}
            onChange={(p, a) => {
              setProvince(p);
              setArea(a);
              setPreview(null);
            }}
          />
        </div>
        <div className="form-grid">
          {text('institution_name', instName, edit(setInstName), t('clm.institutionName'), { maxLength: 200 })}
          {text('institution_code', instCode, edit(setInstCode), t('clm.institutionCode'), { hint: t('clm.institutionCodeHint'), maxLength: 12 })}
          {!instCode.trim() && (
            <Field label={t('filter.level')} error={errors.level}>
              {(id, describedBy) => (
                <select id={id} name="level" value={level} onChange={(e) => edit(setLevel)(e.target.value)} aria-describedby={describedBy} aria-invalid={errors.level ? true : undefined}>
                  <option value="">{t('common.choose')}</option>
                  {LEVELS.map((l) => (
                    <option key={l} value={l}>
                      {tCode(t, 'level', l)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
        </div>
        <div className="form-grid">
          {date('begin_date', begin, edit(setBegin), t(inpatient ? 'clm.admission' : 'clm.visitFrom'))}
          {date('end_date', end, edit(setEnd), t(inpatient ? 'clm.discharge' : 'clm.visitTo'))}
          {text('invoice_no', invoice, edit(setInvoice), t('clm.invoiceNo'), { hint: t('clm.invoiceHint'), maxLength: 60 })}
        </div>
      </Card>

      <Card title={t('clm.agentTitle')}>
        <label className="checkbox">
          <input type="checkbox" name="agent_on" checked={agentOn} onChange={(e) => edit(setAgentOn)(e.target.checked)} />
          {t('clm.agentToggle')}
        </label>
        {agentOn && (
          <div className="form-grid">
            {text('agent.name', agent.name, (name) => edit(setAgent)({ ...agent, name }), t('new.agentName'))}
            {text('agent.certno', agent.certno, (certno) => edit(setAgent)({ ...agent, certno }), t('new.agentCertno'), { maxLength: 18 })}
            <Field label={t('new.agentRelation')} error={errors['agent.relation']}>
              {(id, describedBy) => (
                <select id={id} name="agent.relation" value={agent.relation} onChange={(e) => edit(setAgent)({ ...agent, relation: e.target.value })} aria-describedby={describedBy}>
                  <option value="">{t('common.choose')}</option>
                  {RELATIONS.map((r) => (
                    <option key={r.value} value={r.value}>
                      {t(r.label)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {text('agent.psn_no', agent.psn_no, (psn_no) => edit(setAgent)({ ...agent, psn_no }), t('clm.agentPsnNo'), { hint: t('clm.agentPsnNoHint'), maxLength: 20, inputMode: 'numeric' })}
          </div>
        )}
      </Card>

      {!preview && (
        <button type="submit" className="btn btn-primary btn-block btn-large" disabled={busy}>
          {t('clm.preview')}
        </button>
      )}

      {preview && (
        <Card title={t('clm.previewTitle')} className="preview-card">
          <div id="claim-preview" className="stack-tight" data-testid="claim-preview">
            <p className="card-intro">{t('clm.previewIntro')}</p>
            {preview.result.checklist.items[0] && <p className="muted claim-doc-why">{t('clm.whyAll', { why: words(preview.result.checklist.items[0].why) })}</p>}
            <ol className="plain-list claim-needs" data-testid="claim-needs">
              {preview.result.checklist.items.map((i) => (
                <li key={i.type} data-doc={i.type} className="claim-need">
                  <span className="claim-need-mark" aria-hidden="true">
                    ☐
                  </span>
                  <span>
                    <span className="strong">{tCode(t, 'clm.doc', i.type)}</span>
                    {words(i.why) !== words(preview.result.checklist.items[0]!.why) && (
                      <>
                        <br />
                        <small className="muted">{words(i.why)}</small>
                      </>
                    )}
                  </span>
                </li>
              ))}
            </ol>
            <Facts
              items={[
                [t('clm.deadline'), <span className="strong nowrap" data-testid="preview-deadline">{preview.result.checklist.submit_deadline}</span>],
                [t('clm.basis'), basisText(t, preview.result)],
                [t('pol.reductions'), preview.result.reduction_bp > 0 ? t('pol.reductionPoints', { n: points(preview.result.reduction_bp) }) : t('pol.reductionNone')],
                [t('clm.contact'), words(preview.result.contact)],
              ]}
            />
            {preview.result.checklist.deadline_passed && (
              <p className="alert alert-warn" role="alert">
                {t('clm.previewLate', { date: preview.result.checklist.submit_deadline, contact: words(preview.result.contact) })}
              </p>
            )}
            <button type="button" className="btn btn-primary btn-block btn-large" disabled={busy} onClick={() => void create()}>
              {t('clm.create')}
            </button>
          </div>
        </Card>
      )}
    </form>
  );
}
