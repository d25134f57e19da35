import Type from 'typebox';
import { shanghaiDateTime } from '../core/clock.ts';
import { invalid } from '../core/errors.ts';
import type { FeeLineIn } from '../encounters/model.ts';
import * as settlement from '../settlement/service.ts';
import { feeResult } from './encounters.ts';
import { transaction, type HisCall } from './model.ts';
import { answer, declaredTotals, Flag, isSet, naming, Yuan } from './settlement.ts';

/**
 * Designated retail pharmacies: a drug purchase priced (2101) or settled
 * (2102) in one call, and cancelled (2103). Translators only: the settlement
 * service registers the purchase, classifies its lines and settles it.
 */

const Text = (description?: string) => Type.Optional(Type.String(description ? { description } : {}));
const Required = (description: string) => Type.String({ minLength: 1, description });

const DrugLine = Type.Object({
  feedetl_sn: Required('the line number, unique in the purchase'),
  rxno: Text('prescription number'),
  rx_circ_flag: Text(),
  fee_ocur_time: Text('yyyy-MM-dd HH:mm:ss; begntime when not sent'),
  med_list_codg: Text('national catalogue code'),
  medins_list_codg: Text("the pharmacy's own code (mapped to the national one)"),
  det_item_fee_sumamt: Yuan('line amount = pric × cnt'),
  cnt: Type.Union([Type.Number(), Type.String()], { description: 'quantity, up to 4 decimals' }),
  pric: Yuan('unit price'),
  sin_dos_dscr: Text(),
  used_frqu_dscr: Text(),
  prd_days: Type.Optional(Type.Union([Type.Number(), Type.String()])),
  medc_way_dscr: Text(),
  bilg_dr_codg: Text(),
  bilg_dr_name: Text(),
});

const Purchase = Type.Object({
  druginfo: Type.Object({
    psn_no: Required('the person (from 1101)'),
    insutype: Required('the scheme, e.g. 310'),
    mdtrt_cert_type: Text(),
    mdtrt_cert_no: Text(),
    begntime: Text('yyyy-MM-dd HH:mm:ss; now when not sent'),
    medfee_sumamt: Yuan('the bill: the total of the lines'),
    fulamt_ownpay_amt: Type.Optional(Yuan('checked when sent')),
    overlmt_selfpay: Type.Optional(Yuan('checked when sent')),
    preselfpay_amt: Type.Optional(Yuan('checked when sent')),
    inscp_scp_amt: Type.Optional(Yuan('checked when sent')),
    invono: Text(),
    dise_codg: Text(),
    dise_name: Text(),
    acct_used_flag: Flag('1: paid from the personal account (employees), up to its balance'),
    med_type: Text('41 pharmacy purchase'),
  }),
  drugdetail: Type.Array(DrugLine, { minItems: 1, maxItems: 1000 }),
});
type PurchaseIn = Type.Static<typeof Purchase>;

const PHARMACY = '41';

function purchaseInput(p: PurchaseIn, call: HisCall): settlement.PurchaseInput {
  const d = p.druginfo;
  if (d.med_type !== undefined && d.med_type !== PHARMACY) throw invalid(`${call.inputPath}.druginfo.med_type`, 'must be 41 (pharmacy purchase)');
  const begntime = d.begntime ?? shanghaiDateTime(call.now);
  const lines = p.drugdetail.map(
    (l): FeeLineIn => ({
      feedetl_sn: l.feedetl_sn,
      fee_ocur_time: l.fee_ocur_time ?? begntime,
      det_item_fee_sumamt: l.det_item_fee_sumamt,
      cnt: l.cnt,
      pric: l.pric,
      ...(l.rxno !== undefined ? { rxno: l.rxno } : {}),
      ...(l.med_list_codg !== undefined ? { med_list_codg: l.med_list_codg } : {}),
      ...(l.medins_list_codg !== undefined ? { medins_list_codg: l.medins_list_codg } : {}),
      ...(l.bilg_dr_codg !== undefined ? { bilg_dr_codg: l.bilg_dr_codg } : {}),
      ...(l.bilg_dr_name !== undefined ? { bilg_dr_name: l.bilg_dr_name } : {}),
    }),
  );
  const envelopePlace = call.envelope.insuplc_admdvs;
  return {
    psn_no: d.psn_no,
    insutype: d.insutype,
    begntime,
    use_account: isSet(d.acct_used_flag),
    declared: declaredTotals(d, `${call.inputPath}.druginfo`),
    msgid: call.envelope.msgid,
    lines,
    ...(/^\d{6}$/.test(envelopePlace) ? { insuplc_admdvs: envelopePlace } : {}),
    ...(d.invono !== undefined ? { invono: d.invono } : {}),
    ...(d.mdtrt_cert_type !== undefined ? { mdtrt_cert_type: d.mdtrt_cert_type } : {}),
    ...(d.mdtrt_cert_no !== undefined ? { mdtrt_cert_no: d.mdtrt_cert_no } : {}),
    ...(d.dise_codg !== undefined ? { dise_codg: d.dise_codg } : {}),
    ...(d.dise_name !== undefined ? { dise_name: d.dise_name } : {}),
  };
}

/** Lines are named as drugdetail[i], everything else as a druginfo field. */
const where = (call: HisCall) => (field: string) => {
  const line = /^feedetail(\[\d+\].*)$/.exec(field);
  return line ? `${call.inputPath}.drugdetail${line[1]}` : `${call.inputPath}.druginfo.${field}`;
};

const prePurchase = transaction({
  infno: '2101',
  write: false,
  summary: 'Pharmacy pre-settlement of a drug purchase: lines classified and the settlement computed; nothing is recorded',
  input: Purchase,
  async handler(tx, principal, p, call) {
    const input = purchaseInput(p, call);
    const { draft, lines } = await naming(where(call), () => settlement.prePurchase(tx, principal, input, call.now));
    return { ...answer(draft, call), detlcutinfo: lines.map(feeResult) };
  },
});

const purchase = transaction({
  infno: '2102',
  write: true,
  summary: 'Pharmacy settlement of a drug purchase in one call, paid from the personal account where the person chooses',
  input: Purchase,
  async handler(tx, principal, p, call) {
    const input = purchaseInput(p, call);
    const { settlement: s, lines } = await naming(where(call), () => settlement.purchase(tx, principal, input, call.now));
    return { ...answer(s, call), detlcutinfo: lines.map(feeResult) };
  },
});

const purchaseCancel = transaction({
  infno: '2103',
  write: true,
  summary: 'Pharmacy settlement cancel: a negative settlement, the purchase cancelled with it',
  unwrap: 'data',
  input: Type.Object({
    setl_id: Required('the settlement to cancel'),
    mdtrt_id: Text('its purchase, checked when sent'),
    psn_no: Required('the person of the settlement'),
  }),
  async handler(tx, principal, d, call) {
    const s = await naming(
      (f) => `${call.inputPath}.${f}`,
      () =>
        settlement.cancelPurchase(
          tx,
          principal,
          { setl_id: d.setl_id, psn_no: d.psn_no, msgid: call.envelope.msgid, ...(d.mdtrt_id !== undefined ? { mdtrt_id: d.mdtrt_id } : {}) },
          call.now,
        ),
    );
    return answer(s, call);
  },
});

export const pharmacy = [prePurchase, purchase, purchaseCancel];
