import Type from 'typebox';
import { DomainError } from '../core/errors.ts';
import { cancelReferral, fileReferral } from '../filing/service.ts';
import { endQualification, fileQualification } from '../people/service.ts';
import { naming, under } from './encounters.ts';
import { day } from './fields.ts';
import { transaction } from './model.ts';

/**
 * Filings a hospital makes for its patients (2501–2504): a referral to
 * another area on the referral certificate it issues, and a chronic or
 * special disease qualification. Both are the insured place's hospitals'
 * acts; the filing and people services decide.
 */

const Text = (description?: string) => Type.Optional(Type.String(description ? { description } : {}));
const Required = (description: string) => Type.String({ minLength: 1, description });

const REFERRAL_NAMES: Record<string, string> = {
  area: 'mdtrtarea_admdvs',
  begin_date: 'begndate',
  phone: 'tel',
  'proof.diag_code': 'diag_code',
  'proof.diag_name': 'diag_name',
  'proof.reason': 'refl_rea',
};

const referral = transaction({
  infno: '2501',
  write: true,
  summary: 'Referral filing by the referring hospital of the insured place: answers the filing number (trt_dcla_detl_sn)',
  input: Type.Object({
    refmedin: Type.Object({
      psn_no: Required('the person'),
      insutype: Required('the scheme, e.g. 310'),
      tel: Text('mobile number of the person'),
      addr: Text(),
      insu_optins: Text(),
      diag_code: Required('diagnosis code'),
      diag_name: Required('diagnosis name'),
      dise_cond_dscr: Text(),
      reflin_medins_no: Text('the hospital referred to, when known: the filing covers its whole area'),
      reflin_medins_name: Text(),
      // The spec spells it with a d here, unlike the envelope's mdtrtarea_admvs.
      mdtrtarea_admdvs: Required('the area referred to: a pooling area code'),
      hosp_agre_refl_flag: Text(),
      refl_type: Text(),
      refl_date: Text('yyyy-MM-dd'),
      refl_rea: Required('the reason for the referral'),
      refl_opnn: Text(),
      begndate: Text('first day of the filing, yyyy-MM-dd (default: the referral date, else today)'),
      enddate: Text('accepted; the insured place\'s validity for temporary filings decides the last day'),
    }),
  }),
  async handler(tx, principal, { refmedin: r }, call) {
    const path = `${call.inputPath}.refmedin`;
    const begin = r.begndate !== undefined ? day(r.begndate, `${path}.begndate`) : r.refl_date !== undefined ? day(r.refl_date, `${path}.refl_date`) : call.today;
    // A landline cannot receive the filing's text messages; only a mobile number is kept.
    const mobile = r.tel !== undefined && /^1\d{10}$/.test(r.tel.trim()) ? { phone: r.tel.trim() } : {};
    const { filing } = await naming(under(call, 'refmedin', REFERRAL_NAMES), () =>
      fileReferral(
        tx,
        principal,
        { psn_no: r.psn_no, insutype: r.insutype, area: r.mdtrtarea_admdvs, begin_date: begin, diag_code: r.diag_code, diag_name: r.diag_name, reason: r.refl_rea, ...mobile },
        call.today,
      ),
    );
    return { result: { trt_dcla_detl_sn: filing.filing_no, begndate: filing.begin_date, enddate: filing.end_date } };
  },
});

const Cancel = Type.Object({
  trt_dcla_detl_sn: Required('the number 2501/2503 answered'),
  psn_no: Required('the person'),
  memo: Text('the reason'),
});

const referralCancel = transaction({
  infno: '2502',
  write: true,
  summary: 'Referral filing cancel, by the hospital that filed it',
  input: Type.Object({ data: Cancel }),
  async handler(tx, principal, { data: d }, call) {
    await naming(under(call, 'data', { reason: 'memo' }), () =>
      cancelReferral(tx, principal, { psn_no: d.psn_no, filing_no: d.trt_dcla_detl_sn, reason: d.memo ?? 'cancelled by the referring hospital (2502)' }, call.today),
    );
    return {};
  },
});

const QUALIFICATION_NAMES: Record<string, string> = { disease_code: 'opsp_dise_code', begin_date: 'begndate', end_date: 'enddate' };

const qualification = transaction({
  infno: '2503',
  write: true,
  summary: 'Chronic/special disease qualification filing by a hospital of the insured place: answers its number (trt_dcla_detl_sn)',
  input: Type.Object({
    data: Type.Object({
      psn_no: Required('the person'),
      insutype: Required('the scheme, e.g. 310'),
      opsp_dise_code: Required('the disease code, e.g. M03900'),
      opsp_dise_name: Text(),
      begndate: Text('first day, yyyy-MM-dd (default today)'),
      enddate: Text('last day, yyyy-MM-dd (default: until ended)'),
      hosp_opnn: Text(),
      memo: Text(),
    }),
  }),
  async handler(tx, principal, { data: d }, call) {
    const path = `${call.inputPath}.data`;
    const begin = d.begndate === undefined ? call.today : day(d.begndate, `${path}.begndate`);
    const end = d.enddate === undefined ? null : day(d.enddate, `${path}.enddate`);
    const q = await naming(under(call, 'data', QUALIFICATION_NAMES), () =>
      fileQualification(tx, principal, { psn_no: d.psn_no, insutype: d.insutype, disease_code: d.opsp_dise_code, begin_date: begin, end_date: end }, call.today),
    );
    return { result: { trt_dcla_detl_sn: String(q.id), begndate: q.begin_date, enddate: q.end_date } };
  },
});

const qualificationCancel = transaction({
  infno: '2504',
  write: true,
  summary: 'Chronic/special disease qualification cancel: it ends today (or on its first day, when it has not begun)',
  input: Type.Object({ data: Cancel }),
  async handler(tx, principal, { data: d }, call) {
    if (!/^\d{1,15}$/.test(d.trt_dcla_detl_sn)) throw new DomainError('not_found', `there is no qualification ${d.trt_dcla_detl_sn.slice(0, 30)}: send the trt_dcla_detl_sn 2503 answered.`);
    const q = await endQualification(tx, principal, Number(d.trt_dcla_detl_sn), d.psn_no, call.today);
    return { result: { trt_dcla_detl_sn: String(q.id), enddate: q.end_date } };
  },
});

export const filings = [referral, referralCancel, qualification, qualificationCancel];
