import Type from 'typebox';
import { refMsgId } from '../core/ids.ts';
import { DomainError, invalid } from '../core/errors.ts';
import { toYuanNumber, yuanFromJson, type Fen } from '../core/money.ts';
import type { VisitKind } from '../encounters/model.ts';
import * as encounters from '../encounters/service.ts';
import type { DeclaredTotals, Settlement } from '../settlement/model.ts';
import * as settlement from '../settlement/service.ts';
import type { SettlementDraft } from '../settlement/service.ts';
import { respond } from './envelope.ts';
import { transaction, type HisCall, type InstitutionPrincipal } from './model.ts';
import * as store from './store.ts';

/**
 * Settlement transactions: pre-settle, settle and cancel for outpatient
 * visits (2206–2208) and stays (2303–2305), and the reversal of a previous
 * message (2601). Translators only: the settlement service decides.
 */

const Text = (description?: string) => Type.Optional(Type.String(description ? { description } : {}));
const Required = (description: string) => Type.String({ minLength: 1, description });
/** Yuan as a JSON number or a decimal string, read exactly (at most two decimals). */
export const Yuan = (description: string) => Type.Union([Type.Number(), Type.String()], { description: `${description}, yuan (at most two decimals)` });
const OptionalYuan = (description: string) => Type.Optional(Yuan(description));
/** A one-digit flag HIS send as "1" or 1. */
export const Flag = (description: string) => Type.Optional(Type.Union([Type.Literal('0'), Type.Literal('1'), Type.Literal(0), Type.Literal(1)], { description }));

export const isSet = (f: '0' | '1' | 0 | 1 | undefined) => f === '1' || f === 1;

/**
 * Runs a service call, naming the fields of its errors as the HIS sent them:
 * `where(field)` is the request path of a field the service names.
 */
export async function naming<T>(where: (field: string) => string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof DomainError && err.code === 'validation' && err.issues.length > 0) {
      throw new DomainError('validation', err.message, err.issues.map((i) => ({ ...i, path: where(i.path) })));
    }
    throw err;
  }
}

/** An amount the HIS sends in yuan, as fen; negative amounts are refused. */
function amount(v: number | string, path: string): Fen {
  const f = yuanFromJson(v, path);
  if (f < 0) throw invalid(path, 'must not be negative');
  return f;
}

type Money = number;
const yuan = (f: Fen): Money => toYuanNumber(f);

/** setlinfo of the HIS interface: money in yuan, medins_setl_id the request's msgid. */
function setlinfoOf(s: SettlementDraft & { setl_id?: string }, msgid: string) {
  const a = s.amounts;
  return {
    mdtrt_id: s.mdtrt_id === '' ? null : s.mdtrt_id,
    setl_id: s.setl_id ?? null,
    psn_no: s.psn_no,
    psn_name: s.psn_name,
    psn_cert_type: s.psn_cert_type,
    certno: s.certno,
    gend: s.gend,
    naty: s.naty,
    brdy: s.brdy,
    age: s.age,
    insutype: s.insutype,
    psn_type: s.psn_type,
    cvlserv_flag: s.cvlserv_flag,
    setl_time: s.setl_time,
    mdtrt_cert_type: s.mdtrt_cert_type,
    med_type: s.med_type,
    medfee_sumamt: yuan(a.medfee_sumamt),
    fulamt_ownpay_amt: yuan(a.fulamt_ownpay_amt),
    overlmt_selfpay: yuan(a.overlmt_selfpay),
    preselfpay_amt: yuan(a.preselfpay_amt),
    inscp_scp_amt: yuan(a.inscp_scp_amt),
    act_pay_dedc: yuan(a.act_pay_dedc),
    hifp_pay: yuan(a.hifp_pay),
    pool_prop_selfpay: yuan(a.pool_prop_selfpay),
    cvlserv_pay: yuan(a.cvlserv_pay),
    hifes_pay: yuan(a.hifes_pay),
    hifmi_pay: yuan(a.hifmi_pay),
    hifob_pay: yuan(a.hifob_pay),
    maf_pay: yuan(a.maf_pay),
    oth_pay: yuan(a.oth_pay),
    fund_pay_sumamt: yuan(a.fund_pay_sumamt),
    psn_part_amt: yuan(a.psn_part_amt),
    acct_pay: yuan(a.acct_pay),
    psn_cash_pay: yuan(a.psn_cash_pay),
    hosp_part_amt: yuan(a.hosp_part_amt),
    balc: yuan(a.balc),
    // No family mutual-aid use of accounts across regions.
    acct_mulaid_pay: 0,
    medins_setl_id: msgid,
    // The treatment place's agency clears with the institution, item by item.
    clr_optins: s.mdtrtarea_admvs,
    clr_way: '1',
    clr_type: s.clr_type,
  };
}

function setldetailOf(s: Pick<SettlementDraft, 'setldetail'>) {
  return s.setldetail.map((d) => ({
    fund_pay_type: d.fund_pay_type,
    inscp_scp_amt: yuan(d.inscp_scp_amt),
    crt_payb_lmt_amt: yuan(d.crt_payb_lmt_amt),
    fund_payamt: yuan(d.fund_payamt),
    fund_pay_type_name: d.fund_pay_type_name,
    setl_proc_info: d.setl_proc_info,
  }));
}

/** The answer to a settlement, pre-settlement or cancellation. */
export function answer(s: SettlementDraft & { setl_id?: string }, call: HisCall) {
  return { setlinfo: setlinfoOf(s, call.envelope.msgid), setldetail: setldetailOf(s) };
}

const totalFields = {
  medfee_sumamt: Yuan('the bill: the total of the fee lines being settled'),
  fulamt_ownpay_amt: OptionalYuan('fully self-paid total, checked when sent'),
  overlmt_selfpay: OptionalYuan('above price caps, checked when sent'),
  preselfpay_amt: OptionalYuan('class-B first self-paid total, checked when sent'),
  inscp_scp_amt: OptionalYuan('in-scope total, checked when sent'),
};

type TotalsIn = { [K in keyof typeof totalFields]?: number | string };

/** The totals sent, in fen, each read exactly and named by its path. */
export function declaredTotals(d: TotalsIn, path: string): DeclaredTotals {
  const out: DeclaredTotals = {};
  for (const f of Object.keys(totalFields) as (keyof typeof totalFields)[]) {
    const v = d[f];
    if (v !== undefined) out[f] = amount(v, `${path}.${f}`);
  }
  return out;
}

const SettleData = Type.Object({
  mdtrt_id: Required('the visit'),
  psn_no: Required('the person of the visit'),
  insutype: Text('the scheme of the visit'),
  mdtrt_cert_type: Text(),
  mdtrt_cert_no: Text(),
  med_type: Text("the visit's med_type, checked when sent"),
  acct_used_flag: Flag('1: the personal share is paid from the personal account (employees), up to its balance'),
  invono: Text('invoice number'),
  mid_setl_flag: Flag('1: a mid-stay settlement'),
  psn_setlway: Text('01 by item'),
  chrg_bchno: Text('charge batch (outpatient); every unsettled line of the visit is settled'),
  dscg_time: Text(),
  ...totalFields,
});
type SettleDataIn = Type.Static<typeof SettleData>;

function settleRequest(d: SettleDataIn, call: HisCall, kind: VisitKind): settlement.SettleRequest {
  return {
    mdtrt_id: d.mdtrt_id,
    psn_no: d.psn_no,
    visit_kind: kind,
    use_account: isSet(d.acct_used_flag),
    declared: declaredTotals(d, call.inputPath),
    msgid: call.envelope.msgid,
    mid_setl_flag: isSet(d.mid_setl_flag),
    ...(d.insutype !== undefined ? { insutype: d.insutype } : {}),
    ...(d.med_type !== undefined ? { med_type: d.med_type } : {}),
    ...(d.invono !== undefined ? { invono: d.invono } : {}),
    ...(d.mdtrt_cert_type !== undefined ? { mdtrt_cert_type: d.mdtrt_cert_type } : {}),
  };
}

const fieldOf = (call: HisCall) => (field: string) => `${call.inputPath}.${field}`;

function preSettleTx(infno: '2303' | '2206', kind: VisitKind) {
  return transaction({
    infno,
    write: false,
    summary: `${kind === 'inpatient' ? 'Inpatient' : 'Outpatient'} pre-settlement: what settling now would give; nothing is recorded`,
    unwrap: 'data',
    input: SettleData,
    async handler(tx, principal, d, call) {
      const request = settleRequest(d, call, kind);
      const draft = await naming(fieldOf(call), () => settlement.preSettle(tx, principal, request, call.now));
      return answer(draft, call);
    },
  });
}

function settleTx(infno: '2304' | '2207', kind: VisitKind) {
  return transaction({
    infno,
    write: true,
    summary: `${kind === 'inpatient' ? 'Inpatient' : 'Outpatient'} settlement of the visit's unsettled fee lines; the HIS's totals must match them`,
    unwrap: 'data',
    input: SettleData,
    async handler(tx, principal, d, call) {
      const request = settleRequest(d, call, kind);
      const s = await naming(fieldOf(call), () => settlement.settle(tx, principal, request, call.now));
      return answer(s, call);
    },
  });
}

const CancelData = Type.Object({
  setl_id: Required('the settlement to cancel'),
  mdtrt_id: Text('its visit, checked when sent'),
  psn_no: Required('the person of the settlement'),
});

function cancelTx(infno: '2305' | '2208', kind: VisitKind) {
  return transaction({
    infno,
    write: true,
    summary: `${kind === 'inpatient' ? 'Inpatient' : 'Outpatient'} settlement cancel: a new settlement with negative amounts pointing at the original`,
    unwrap: 'data',
    input: CancelData,
    async handler(tx, principal, d, call) {
      const s = await naming(fieldOf(call), () =>
        settlement.cancel(
          tx,
          principal,
          { setl_id: d.setl_id, psn_no: d.psn_no, visit_kind: kind, msgid: call.envelope.msgid, ...(d.mdtrt_id !== undefined ? { mdtrt_id: d.mdtrt_id } : {}) },
          call.now,
        ),
      );
      return answer(s, call);
    },
  });
}

// ---------------------------------------------------------------- 2601

const REVERSIBLE = ['2207', '2208', '2304', '2305', '2401'] as const;
type Reversible = (typeof REVERSIBLE)[number];

/** The request stored under a msgid that 2601 closed before anything was done with it. */
const CLOSED_HASH = 'closed-by-2601';

function outcome(o: { omsgid: string; oinfno: string; reversed: boolean; message: string }, made?: Settlement | null, call?: HisCall) {
  return {
    result: { omsgid: o.omsgid, oinfno: o.oinfno, reversed: o.reversed ? '1' : '0', memo: o.message },
    ...(made && call ? answer(made, call) : {}),
  };
}

/**
 * 2601 undoes what a previous message of the institution did, for the HIS
 * that got no answer (or −1) and cannot tell whether it took effect:
 * - a settlement (2304/2207) is cancelled, as 2305/2208 would;
 * - a cancellation (2305/2208) is undone: the cancelled settlement is in
 *   force again with its own amounts (a `reinstate` row), not settled afresh;
 * - an admission (2401) is cancelled, as 2404 would.
 * A message that was never carried out is closed: nothing was done, and the
 * msgid, should the original still arrive, is refused as reused. Reversing
 * twice, or what is already undone, does nothing and says so.
 */
const reversal = transaction({
  infno: '2601',
  write: true,
  summary: 'Reversal (冲正) of a previous 2207, 2208, 2304, 2305 or 2401 message of the institution',
  unwrap: 'data',
  input: Type.Object({
    psn_no: Required('the person of the original message'),
    omsgid: Required('the msgid of the message to reverse'),
    oinfno: Required('its infno: 2207, 2208, 2304, 2305 or 2401'),
  }),
  async handler(tx, principal, d, call) {
    const at = (f: string) => `${call.inputPath}.${f}`;
    if (!(REVERSIBLE as readonly string[]).includes(d.oinfno)) {
      throw invalid(at('oinfno'), `must be 2207, 2208, 2304, 2305 or 2401 (the messages 2601 reverses), not ${d.oinfno}`);
    }
    const oinfno = d.oinfno as Reversible;
    if (d.omsgid === call.envelope.msgid) throw invalid(at('omsgid'), 'is the msgid of this reversal itself: send the msgid of the message to reverse');
    const base = { omsgid: d.omsgid, oinfno };

    // Claiming the msgid waits for a copy of the original still in flight, so it is either committed or never done.
    const closed = await closeMessage(tx, principal, d.omsgid, oinfno, call);
    if (closed) return outcome({ ...base, reversed: false, message: `msgid ${d.omsgid} was never carried out: nothing to reverse; it is now closed and will be refused if it arrives.` });

    const original = (await store.storedMessage(tx, principal.code, d.omsgid))!;
    if (original.request_hash === CLOSED_HASH) {
      return outcome({ ...base, reversed: false, message: `msgid ${d.omsgid} was closed by an earlier reversal: nothing to reverse.` });
    }
    if (original.infno !== oinfno) {
      throw invalid(at('oinfno'), `is ${oinfno} but msgid ${d.omsgid} was a ${original.infno}: send the original's infno`);
    }
    const output = original.response.output as Record<string, Record<string, unknown> | undefined>;
    const request = { psn_no: d.psn_no, msgid: call.envelope.msgid };
    return naming(at, async () => {
      switch (oinfno) {
        case '2304':
        case '2207': {
          const u = await settlement.undoSettlement(tx, principal, { ...request, setl_id: String(output.setlinfo!.setl_id) }, call.now);
          return outcome(
            { ...base, reversed: u.made !== null, message: u.made ? `settlement ${String(output.setlinfo!.setl_id)} cancelled as setl_id ${u.made.setl_id}.` : `settlement ${String(output.setlinfo!.setl_id)} was already cancelled (setl_id ${u.head.setl_id}): nothing to reverse.` },
            u.made,
            call,
          );
        }
        case '2305':
        case '2208': {
          const u = await settlement.undoCancellation(tx, principal, { ...request, setl_id: String(output.setlinfo!.setl_id) }, call.now);
          return outcome(
            { ...base, reversed: u.made !== null, message: u.made ? `cancellation ${String(output.setlinfo!.setl_id)} undone: the settlement is in force again as setl_id ${u.made.setl_id}.` : `cancellation ${String(output.setlinfo!.setl_id)} was already undone: nothing to reverse.` },
            u.made,
            call,
          );
        }
        case '2401': {
          const mdtrtId = String(output.result!.mdtrt_id);
          const visit = await encounters.getVisit(tx, principal, mdtrtId);
          if (visit.status === 'cancelled') return outcome({ ...base, reversed: false, message: `admission ${mdtrtId} was already cancelled: nothing to reverse.` });
          await encounters.cancelRegistration(tx, principal, mdtrtId, call.now, { psn_no: d.psn_no, visit_kind: 'inpatient' });
          return outcome({ ...base, reversed: true, message: `admission ${mdtrtId} cancelled.` });
        }
      }
    });
  },
});

/**
 * Claims `omsgid` for a message that never took effect, storing a refusal as
 * its answer; false when the msgid was used (its committed message is there).
 */
async function closeMessage(tx: Parameters<typeof store.claimMessage>[0], principal: InstitutionPrincipal, omsgid: string, oinfno: string, call: HisCall): Promise<boolean> {
  const { claimed, ref_serial } = await store.claimMessage(tx, {
    fixmedins_code: principal.code,
    msgid: omsgid,
    infno: oinfno,
    request_hash: CLOSED_HASH,
    request: { infno: oinfno, input: { closed_by_2601_msgid: call.envelope.msgid } },
    at: call.now,
  });
  if (!claimed) return false;
  const response = respond({
    infcode: -2,
    refmsgid: refMsgId(principal.admdvs, call.now, ref_serial),
    received: call.now,
    at: call.now,
    err_msg: `msgid ${omsgid} was reversed by 2601 (msgid ${call.envelope.msgid}) before it was carried out: nothing was done; send the request again with a new msgid.`,
  });
  await store.storeResponse(tx, principal.code, omsgid, response);
  return true;
}

export const settlements = [
  preSettleTx('2206', 'outpatient'),
  settleTx('2207', 'outpatient'),
  cancelTx('2208', 'outpatient'),
  preSettleTx('2303', 'inpatient'),
  settleTx('2304', 'inpatient'),
  cancelTx('2305', 'inpatient'),
  reversal,
];
