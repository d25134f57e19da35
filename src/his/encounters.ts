import Type from 'typebox';
import { DomainError, invalid } from '../core/errors.ts';
import { toYuanNumber } from '../core/money.ts';
import type { DiagnosisInput, FeeLineIn, FeeSelection, PricedFeeLine, VisitKind } from '../encounters/model.ts';
import * as encounters from '../encounters/service.ts';
import { bpDecimal } from './catalogue.ts';
import { transaction, type HisCall } from './model.ts';

/**
 * Visit transactions: outpatient registration and visit information
 * (2201–2205), admission, discharge and their changes (2401–2405), fee upload
 * and cancel (2301/2302). Translators only: the encounters service decides.
 */

const Text = (description?: string) => Type.Optional(Type.String(description ? { description } : {}));
const Required = (description: string) => Type.String({ minLength: 1, description });
/** Yuan as a JSON number or a decimal string; read exactly by the service. */
const Yuan = (description: string) => Type.Union([Type.Number(), Type.String()], { description: `${description}, yuan (at most two decimals)` });
const IntLike = (description: string) => Type.Optional(Type.Union([Type.Integer(), Type.String()], { description }));

const Diagnosis = Type.Object({
  psn_no: Text(),
  diag_type: Required('1 western main/secondary, 2 TCM disease, 3 TCM syndrome'),
  maindiag_flag: Text('1 main diagnosis, 0 other (the first is main when none is marked)'),
  diag_srt_no: IntLike('order of the diagnosis'),
  diag_code: Required('diagnosis code (ICD-10)'),
  diag_name: Required('diagnosis name'),
  adm_cond: Text(),
  diag_dept: Text(),
  dise_dor_no: Text(),
  dise_dor_name: Text(),
  diag_time: Text('yyyy-MM-dd HH:mm:ss'),
});
const Diagnoses = Type.Optional(Type.Array(Diagnosis, { maxItems: 100 }));
type DiagnosisIn = Type.Static<typeof Diagnosis>;

/** An emergency declared by the desk (regional extension): settled directly without a filing, like med_type 13/24. */
const EmergencyFlag = Text('regional extension: "1" for a declared emergency (抢救), settled directly without a filing');

/**
 * Runs a service call, naming the fields of its errors as the HIS sent them:
 * `where(field)` gives the request path of a field the service names.
 */
export async function naming<T>(where: (field: string) => string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof DomainError && err.code === 'validation' && err.issues.length > 0) {
      const issues = err.issues.map((i) => ({ ...i, path: where(i.path) }));
      throw new DomainError('validation', err.message, issues);
    }
    throw err;
  }
}

/**
 * Field paths under one object of the input; lists the HIS sends beside it
 * (diseinfo, feedetail) sit at the input's top, insuplc_admdvs in the envelope.
 */
export const under = (call: HisCall, object: string, rename: Record<string, string> = {}) => (field: string) => {
  if (field === 'insuplc_admdvs') return 'insuplc_admdvs';
  return /^(diseinfo|feedetail)\b/.test(field) ? `${call.inputPath}.${field}` : `${call.inputPath}.${object}.${rename[field] ?? field}`;
};

function diagnoses(list: readonly DiagnosisIn[] | undefined, call: HisCall): DiagnosisInput[] | undefined {
  return list?.map((d, i) => {
    const srt = d.diag_srt_no;
    const n = srt === undefined ? undefined : typeof srt === 'number' ? srt : /^\d{1,6}$/.test(srt.trim()) ? Number(srt) : NaN;
    if (Number.isNaN(n)) throw invalid(`${call.inputPath}.diseinfo[${i}].diag_srt_no`, 'must be a whole number');
    return {
      diag_type: d.diag_type,
      diag_code: d.diag_code,
      diag_name: d.diag_name,
      ...(d.maindiag_flag !== undefined ? { maindiag_flag: d.maindiag_flag } : {}),
      ...(n !== undefined ? { diag_srt_no: n } : {}),
      ...(d.adm_cond !== undefined ? { adm_cond: d.adm_cond } : {}),
      ...(d.diag_dept !== undefined ? { diag_dept: d.diag_dept } : {}),
      ...(d.dise_dor_no !== undefined ? { dise_dor_no: d.dise_dor_no } : {}),
      ...(d.dise_dor_name !== undefined ? { dise_dor_name: d.dise_dor_name } : {}),
      ...(d.diag_time !== undefined ? { diag_time: d.diag_time } : {}),
    };
  });
}

/** Keeps the given (defined) values only, so "not sent" never overwrites. */
function given<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
}

/** The envelope's insured place, when the HIS sent one (it takes it from 1101). */
const insuredPlace = (call: HisCall) => (/^\d{6}$/.test(call.envelope.insuplc_admdvs) ? { insuplc_admdvs: call.envelope.insuplc_admdvs } : {});

// ---------------------------------------------------------------- outpatient

const outpatientRegistration = transaction({
  infno: '2201',
  write: true,
  summary: 'Outpatient registration: answers the mdtrt_id of the visit',
  input: Type.Object({
    data: Type.Object({
      psn_no: Required('the person (from 1101)'),
      insutype: Required('the scheme, e.g. 310'),
      begntime: Required('yyyy-MM-dd HH:mm:ss'),
      mdtrt_cert_type: Text(),
      mdtrt_cert_no: Text(),
      ipt_otp_no: Text('the outpatient number'),
      atddr_no: Text(),
      dr_name: Text(),
      dept_code: Text(),
      dept_name: Text(),
      caty: Text(),
      med_type: Text('optional here (2203 sets it); 13 registers an emergency'),
      emergency_flag: EmergencyFlag,
    }),
  }),
  async handler(tx, principal, { data: d }, call) {
    const { mdtrt_id } = await naming(under(call, 'data'), () =>
      encounters.register(
        tx,
        principal,
        {
          visit_kind: 'outpatient',
          psn_no: d.psn_no,
          insutype: d.insutype,
          begntime: d.begntime,
          emergency: d.emergency_flag === '1',
          msgid: call.envelope.msgid,
          ...insuredPlace(call),
          ...given({
            med_type: d.med_type,
            mdtrt_cert_type: d.mdtrt_cert_type,
            mdtrt_cert_no: d.mdtrt_cert_no,
            ipt_otp_no: d.ipt_otp_no,
            atddr_no: d.atddr_no,
            dr_name: d.dr_name,
            dept_code: d.dept_code,
            dept_name: d.dept_name,
            caty: d.caty,
          }),
        },
        call.now,
      ),
    );
    return { data: { mdtrt_id, psn_no: d.psn_no, ipt_otp_no: d.ipt_otp_no ?? null } };
  },
});

const VisitRef = Type.Object({
  mdtrt_id: Required('the visit'),
  psn_no: Required('the person of the visit'),
  ipt_otp_no: Text(),
});

const outpatientCancel = transaction({
  infno: '2202',
  write: true,
  summary: 'Outpatient registration cancel (without unsettled fee lines or a settlement)',
  input: Type.Object({ data: VisitRef }),
  async handler(tx, principal, { data: d }, call) {
    await naming(under(call, 'data'), () => encounters.cancelRegistration(tx, principal, d.mdtrt_id, call.now, { psn_no: d.psn_no, visit_kind: 'outpatient' }));
    return {};
  },
});

const VisitInfo = Type.Object({
  mdtrt_id: Required('the visit'),
  psn_no: Required('the person of the visit'),
  med_type: Text('11 general outpatient, 13 emergency, 14 chronic/special disease, …'),
  begntime: Text('yyyy-MM-dd HH:mm:ss'),
  main_cond_dscr: Text(),
  dise_codg: Text('diagnosis code; for med_type 14 the chronic disease code when opsp_dise_code is not sent'),
  dise_name: Text(),
  opsp_dise_code: Text('the chronic/special disease code of a med_type 14 visit, e.g. M03900'),
  opsp_dise_name: Text(),
  emergency_flag: EmergencyFlag,
});

function visitInfo(infno: '2203' | '2203A') {
  return transaction({
    infno,
    write: true,
    summary: `Outpatient visit information (med_type, diagnoses)${infno === '2203A' ? ', the variant some regions use' : ''}`,
    input: Type.Object({ mdtrtinfo: VisitInfo, diseinfo: Diagnoses }),
    async handler(tx, principal, { mdtrtinfo: m, diseinfo }, call) {
      await naming(under(call, 'mdtrtinfo'), async () => {
        const list = diagnoses(diseinfo, call);
        return encounters.updateVisit(
          tx,
          principal,
          m.mdtrt_id,
          {
            ...given({
              med_type: m.med_type,
              begntime: m.begntime,
              main_cond_dscr: m.main_cond_dscr,
              dise_codg: m.dise_codg,
              dise_name: m.dise_name,
              opsp_dise_code: m.opsp_dise_code,
            }),
            ...(m.emergency_flag !== undefined ? { emergency: m.emergency_flag === '1' } : {}),
            ...(list ? { diagnoses: list } : {}),
          },
          call.now,
          { psn_no: m.psn_no, visit_kind: 'outpatient' },
        );
      });
      return {};
    },
  });
}

// ---------------------------------------------------------------- fee lines

const FeeLine = Type.Object({
  feedetl_sn: Required('the line number, unique in the visit'),
  init_feedetl_sn: Text('on a refund line: the line it refunds'),
  mdtrt_id: Required('the visit'),
  psn_no: Required('the person of the visit'),
  drord_no: Text(),
  med_type: Text(),
  chrg_bchno: Text('charge batch'),
  rxno: Text(),
  fee_ocur_time: Required('yyyy-MM-dd HH:mm:ss'),
  med_list_codg: Text('national catalogue code'),
  medins_list_codg: Text("the institution's own code (mapped to the national one)"),
  det_item_fee_sumamt: Yuan('line amount = pric × cnt'),
  cnt: Type.Union([Type.Number(), Type.String()], { description: 'quantity, up to 4 decimals; negative on a refund line' }),
  pric: Yuan('unit price'),
  bilg_dept_codg: Text(),
  bilg_dept_name: Text(),
  bilg_dr_codg: Text(),
  bilg_dr_name: Text(),
  hosp_appr_flag: Text(),
  memo: Text(),
});
type FeeLineHis = Type.Static<typeof FeeLine>;

const FeeUpload = Type.Object({ feedetail: Type.Array(FeeLine, { minItems: 1, maxItems: 10000 }) });

// The catalogue records no usage restrictions (限制使用), so no line carries one.
const NO_RESTRICTION = '0';

/** Why a line is classified as it is, where the classification alone does not say. */
function memoOf(l: PricedFeeLine): string {
  if (!l.listed) return 'not in the treatment-place catalogue on the fee date: fully self-paid';
  if (l.overlmt_fen !== 0) return 'unit price above the catalogue price cap: the excess is self-paid';
  return '';
}

export function feeResult(l: PricedFeeLine) {
  return {
    feedetl_sn: l.feedetl_sn,
    det_item_fee_sumamt: toYuanNumber(l.det_item_fee_sumamt_fen),
    cnt: l.qty_e4 / 10000,
    pric: toYuanNumber(l.pric_fen),
    pric_uplmt_amt: l.pric_uplmt_fen === null ? null : toYuanNumber(l.pric_uplmt_fen),
    selfpay_prop: bpDecimal(l.selfpay_prop_bp),
    fulamt_ownpay_amt: toYuanNumber(l.fulamt_ownpay_fen),
    overlmt_amt: toYuanNumber(l.overlmt_fen),
    preselfpay_amt: toYuanNumber(l.preselfpay_fen),
    inscp_scp_amt: toYuanNumber(l.inscp_scp_fen),
    chrgitm_lv: l.chrgitm_lv,
    med_chrgitm_type: l.med_chrgitm_type,
    lmt_used_flag: NO_RESTRICTION,
    memo: memoOf(l),
  };
}

const OPTIONAL_LINE_FIELDS = [
  'init_feedetl_sn', 'chrg_bchno', 'rxno', 'drord_no', 'med_list_codg', 'medins_list_codg',
  'bilg_dept_codg', 'bilg_dept_name', 'bilg_dr_codg', 'bilg_dr_name', 'hosp_appr_flag', 'memo',
] as const satisfies readonly (keyof FeeLineIn & keyof FeeLineHis)[];

function feeLineIn(l: FeeLineHis): FeeLineIn {
  const line: FeeLineIn = { feedetl_sn: l.feedetl_sn, fee_ocur_time: l.fee_ocur_time, det_item_fee_sumamt: l.det_item_fee_sumamt, cnt: l.cnt, pric: l.pric };
  // Only what was sent, so "not sent" stays absent; field by field, as this runs for every line of an upload.
  for (const k of OPTIONAL_LINE_FIELDS) if (l[k] !== undefined) line[k] = l[k];
  return line;
}

function feeUpload(infno: '2301' | '2204', kind: VisitKind) {
  return transaction({
    infno,
    write: true,
    summary: `${kind === 'inpatient' ? 'Inpatient' : 'Outpatient'} fee upload: each line answered with its catalogue classification`,
    input: FeeUpload,
    async handler(tx, principal, { feedetail }, call) {
      const first = feedetail[0]!;
      feedetail.forEach((l, i) => {
        if (l.mdtrt_id !== first.mdtrt_id) throw invalid(`${call.inputPath}.feedetail[${i}].mdtrt_id`, `must be ${first.mdtrt_id} like feedetail[0]: upload one visit's lines at a time`);
        if (l.psn_no !== first.psn_no) throw invalid(`${call.inputPath}.feedetail[${i}].psn_no`, `must be ${first.psn_no} like feedetail[0]`);
      });
      const lines = await naming(
        (field) => `${call.inputPath}.${field.startsWith('feedetail') ? field : `feedetail[0].${field}`}`,
        () => encounters.uploadFees(tx, principal, first.mdtrt_id, feedetail.map(feeLineIn), call.now, { psn_no: first.psn_no, visit_kind: kind }),
      );
      return { result: lines.map(feeResult) };
    },
  });
}

const FeeCancelItem = Type.Object({
  feedetl_sn: Required('the line to cancel; "0000" cancels every unsettled line'),
  mdtrt_id: Required('the visit'),
  psn_no: Required('the person of the visit'),
});

const ALL = '0000';

const inpatientFeeCancel = transaction({
  infno: '2302',
  write: true,
  summary: 'Fee line cancel (feedetl_sn "0000": every unsettled line); data as an object or an array',
  input: Type.Object({ data: Type.Union([FeeCancelItem, Type.Array(FeeCancelItem, { minItems: 1, maxItems: 10000 })]) }),
  async handler(tx, principal, { data }, call) {
    const items = Array.isArray(data) ? data : [data];
    for (const [i, d] of items.entries()) {
      const selection: FeeSelection = d.feedetl_sn === ALL ? { all: true } : { feedetl_sn: d.feedetl_sn };
      const path = Array.isArray(data) ? `data[${i}]` : 'data';
      await naming(under(call, path), () => encounters.cancelFees(tx, principal, d.mdtrt_id, selection, call.now, { psn_no: d.psn_no, visit_kind: 'inpatient' }));
    }
    return {};
  },
});

const outpatientFeeCancel = transaction({
  infno: '2205',
  write: true,
  summary: 'Outpatient fee cancel by charge batch (chrg_bchno "0000": every unsettled line)',
  input: Type.Object({
    data: Type.Object({
      mdtrt_id: Required('the visit'),
      chrg_bchno: Required('the charge batch; "0000" cancels every unsettled line'),
      psn_no: Required('the person of the visit'),
    }),
  }),
  async handler(tx, principal, { data: d }, call) {
    const selection: FeeSelection = d.chrg_bchno === ALL ? { all: true } : { chrg_bchno: d.chrg_bchno };
    await naming(under(call, 'data'), () => encounters.cancelFees(tx, principal, d.mdtrt_id, selection, call.now, { psn_no: d.psn_no, visit_kind: 'outpatient' }));
    return {};
  },
});

// ---------------------------------------------------------------- inpatient

const AdmissionFields = {
  insutype: Text('the scheme, e.g. 310'),
  coner_name: Text(),
  tel: Text(),
  begntime: Text('admission time, yyyy-MM-dd HH:mm:ss'),
  mdtrt_cert_type: Text(),
  mdtrt_cert_no: Text(),
  med_type: Text('21 general inpatient, 23 referred, 24 emergency to inpatient, 52 maternity'),
  ipt_no: Text('the inpatient number'),
  ipt_otp_no: Text('the inpatient number, as some HIS name it'),
  medrcdno: Text(),
  atddr_no: Text(),
  chfpdr_name: Text(),
  adm_diag_dscr: Text(),
  adm_dept_codg: Text(),
  adm_dept_name: Text(),
  adm_bed: Text(),
  dscg_maindiag_code: Text(),
  dscg_maindiag_name: Text(),
  main_cond_dscr: Text(),
  dise_codg: Text(),
  dise_name: Text(),
  emergency_flag: EmergencyFlag,
};

const ADMISSION_NAMES = { ipt_otp_no: 'ipt_no', dept_code: 'adm_dept_codg', dept_name: 'adm_dept_name', dr_name: 'chfpdr_name' };

type AdmissionIn = { [K in keyof typeof AdmissionFields]?: string };

function admissionFields(m: AdmissionIn) {
  return given({
    begntime: m.begntime,
    med_type: m.med_type,
    mdtrt_cert_type: m.mdtrt_cert_type,
    mdtrt_cert_no: m.mdtrt_cert_no,
    ipt_otp_no: m.ipt_no ?? m.ipt_otp_no,
    medrcdno: m.medrcdno,
    atddr_no: m.atddr_no,
    dr_name: m.chfpdr_name,
    adm_diag_dscr: m.adm_diag_dscr,
    dept_code: m.adm_dept_codg,
    dept_name: m.adm_dept_name,
    adm_bed: m.adm_bed,
    main_cond_dscr: m.main_cond_dscr,
    dise_codg: m.dise_codg ?? m.dscg_maindiag_code,
    dise_name: m.dise_name ?? m.dscg_maindiag_name,
  });
}

const admission = transaction({
  infno: '2401',
  write: true,
  summary: 'Admission: answers the mdtrt_id of the stay',
  input: Type.Object({
    mdtrtinfo: Type.Object({
      ...AdmissionFields,
      psn_no: Required('the person (from 1101)'),
      insutype: Required('the scheme, e.g. 310'),
      begntime: Required('admission time, yyyy-MM-dd HH:mm:ss'),
      med_type: Required('21 general inpatient, 23 referred, 24 emergency to inpatient, 52 maternity'),
    }),
    diseinfo: Diagnoses,
  }),
  async handler(tx, principal, { mdtrtinfo: m, diseinfo }, call) {
    const { mdtrt_id } = await naming(under(call, 'mdtrtinfo', ADMISSION_NAMES), async () => {
      const list = diagnoses(diseinfo, call);
      const fields = admissionFields(m);
      return encounters.register(
        tx,
        principal,
        {
          ...fields,
          visit_kind: 'inpatient',
          psn_no: m.psn_no,
          insutype: m.insutype,
          begntime: m.begntime,
          med_type: m.med_type,
          emergency: m.emergency_flag === '1',
          msgid: call.envelope.msgid,
          ...insuredPlace(call),
          ...(list ? { diagnoses: list } : {}),
        },
        call.now,
      );
    });
    return { result: { mdtrt_id } };
  },
});

const admissionChange = transaction({
  infno: '2403',
  write: true,
  summary: 'Admission change: the fields sent replace the stay\'s (adminfo, or mdtrtinfo as some HIS send it)',
  input: Type.Object({
    adminfo: Type.Optional(Type.Object({ ...AdmissionFields, mdtrt_id: Required('the stay'), psn_no: Required('the person of the stay') })),
    mdtrtinfo: Type.Optional(Type.Object({ ...AdmissionFields, mdtrt_id: Required('the stay'), psn_no: Required('the person of the stay') })),
    diseinfo: Diagnoses,
  }),
  async handler(tx, principal, { adminfo, mdtrtinfo, diseinfo }, call) {
    const info = adminfo ?? mdtrtinfo;
    if (!info) throw invalid(`${call.inputPath}.adminfo`, 'is required: the stay and the fields that change');
    const object = adminfo ? 'adminfo' : 'mdtrtinfo';
    await naming(under(call, object, ADMISSION_NAMES), async () => {
      const list = diagnoses(diseinfo, call);
      const { mdtrt_cert_type: _type, mdtrt_cert_no: _no, ...fields } = admissionFields(info);
      return encounters.updateVisit(
        tx,
        principal,
        info.mdtrt_id,
        { ...fields, ...(info.emergency_flag !== undefined ? { emergency: info.emergency_flag === '1' } : {}), ...(list ? { diagnoses: list } : {}) },
        call.now,
        { psn_no: info.psn_no, visit_kind: 'inpatient' },
      );
    });
    return {};
  },
});

const admissionCancel = transaction({
  infno: '2404',
  write: true,
  summary: 'Admission cancel (without unsettled fee lines or a settlement)',
  input: Type.Object({ data: VisitRef }),
  async handler(tx, principal, { data: d }, call) {
    await naming(under(call, 'data'), () => encounters.cancelRegistration(tx, principal, d.mdtrt_id, call.now, { psn_no: d.psn_no, visit_kind: 'inpatient' }));
    return {};
  },
});

const dischargeTx = transaction({
  infno: '2402',
  write: true,
  summary: 'Discharge: the stay ends; fee lines may still be uploaded until it is settled',
  input: Type.Object({
    dscginfo: Type.Object({
      mdtrt_id: Required('the stay'),
      psn_no: Required('the person of the stay'),
      insutype: Text(),
      endtime: Required('discharge time, yyyy-MM-dd HH:mm:ss'),
      dise_codg: Text('main discharge diagnosis code'),
      dise_name: Text(),
      dscg_way: Text('1 on advice, 2 transferred, 3 to community, 4 against advice, 5 died, 9 other'),
      dscg_dept_codg: Text(),
      dscg_dept_name: Text(),
    }),
    diseinfo: Diagnoses,
  }),
  async handler(tx, principal, { dscginfo: d, diseinfo }, call) {
    await naming(under(call, 'dscginfo'), async () => {
      const list = diagnoses(diseinfo, call);
      return encounters.discharge(
        tx,
        principal,
        d.mdtrt_id,
        { endtime: d.endtime, ...given({ dscg_way: d.dscg_way, dise_codg: d.dise_codg, dise_name: d.dise_name }), ...(list ? { diagnoses: list } : {}) },
        call.now,
        { psn_no: d.psn_no },
      );
    });
    return {};
  },
});

const dischargeCancel = transaction({
  infno: '2405',
  write: true,
  summary: 'Discharge cancel: the stay is open again, while it is not settled',
  input: Type.Object({ data: VisitRef }),
  async handler(tx, principal, { data: d }, call) {
    await naming(under(call, 'data'), () => encounters.cancelDischarge(tx, principal, d.mdtrt_id, call.now, { psn_no: d.psn_no }));
    return {};
  },
});

export const visits = [
  outpatientRegistration,
  outpatientCancel,
  visitInfo('2203'),
  visitInfo('2203A'),
  feeUpload('2204', 'outpatient'),
  outpatientFeeCancel,
  admission,
  dischargeTx,
  admissionChange,
  admissionCancel,
  dischargeCancel,
  feeUpload('2301', 'inpatient'),
  inpatientFeeCancel,
];
