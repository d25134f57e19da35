import Type from 'typebox';
import { audit } from '../auth/audit.ts';
import { DomainError } from '../core/errors.ts';
import { ZERO, toYuanNumber } from '../core/money.ts';
import { coverage } from '../filing/service.ts';
import type { Credential } from '../people/model.ts';
import { identifyPerson, type InsuranceOn } from '../people/service.ts';
import { getCodeTable } from '../reference/service.ts';
import { hisTime } from './envelope.ts';
import { oneOf } from './fields.ts';
import { transaction } from './model.ts';
import * as store from './store.ts';

/** Basic transactions: operator sign-in and sign-out, person information, dictionaries. */

const signIn = transaction({
  infno: '9001',
  write: true,
  summary: 'Operator sign-in: answers the sign_no the HIS sends in later envelopes',
  input: Type.Object({
    signIn: Type.Object({
      opter_no: Type.String({ minLength: 1, maxLength: 30, description: 'operator code' }),
      mac: Type.Optional(Type.String({ maxLength: 100 })),
      ip: Type.Optional(Type.String({ maxLength: 100 })),
    }),
  }),
  async handler(tx, principal, { signIn: s }, call) {
    const signNo = `${call.today.replaceAll('-', '')}${String(await store.nextSignSerial(tx)).padStart(10, '0')}`;
    await store.insertSignIn(tx, { sign_no: signNo, fixmedins_code: principal.code, opter_no: s.opter_no, mac: s.mac ?? null, ip: s.ip ?? null, at: call.now });
    await audit(tx, principal, 'sign_in', 'his_sign_in', signNo, { opter_no: s.opter_no });
    return { signinoutb: { sign_time: hisTime(call.now), sign_no: signNo } };
  },
});

const signOut = transaction({
  infno: '9002',
  write: true,
  summary: 'Operator sign-out of a sign_no from 9001',
  input: Type.Object({
    signOut: Type.Object({
      sign_no: Type.String({ minLength: 1, maxLength: 40 }),
      opter_no: Type.String({ minLength: 1, maxLength: 30 }),
    }),
  }),
  async handler(tx, principal, { signOut: s }, call) {
    const found = await store.signInForUpdate(tx, s.sign_no);
    if (!found || found.fixmedins_code !== principal.code) {
      throw new DomainError('not_found', `sign_no ${s.sign_no} is not a sign-in of this institution: check it, or sign in with 9001.`);
    }
    if (found.signed_out_at !== null) {
      throw new DomainError('conflict', `sign_no ${s.sign_no} was already signed out at ${hisTime(found.signed_out_at)}: sign in again with 9001 to get a new one.`);
    }
    await store.signOut(tx, s.sign_no, call.now);
    await audit(tx, principal, 'sign_out', 'his_sign_in', s.sign_no, { opter_no: s.opter_no });
    return { signoutoutb: { sign_time: hisTime(call.now) } };
  },
});

const certTypes = { '01': 'e-voucher', '02': 'ID card', '03': 'social security card' } as const;

function credentialOf(type: keyof typeof certTypes, number: string): Credential {
  switch (type) {
    case '01':
      return { type: 'evoucher', token: number };
    case '02':
      return { type: 'id_card', certno: number };
    case '03':
      return { type: 'ss_card', ss_card_no: number };
  }
}

// The personal account belongs to the employee basic scheme (fund_pay_type 310200).
const ACCOUNT_SCHEME = '310';

/** psn_insu_stas: 1 insured normally, 2 suspended, 0 not (yet) insured on the day. */
function insuranceStatus(e: InsuranceOn): '0' | '1' | '2' {
  if (e.active) return '1';
  return e.status === 'suspended' ? '2' : '0';
}

const personInfo = transaction({
  infno: '1101',
  write: false,
  summary: "Person information by credential, with the person's filing coverage for the institution's area today (yidi_filing)",
  input: Type.Object({
    data: Type.Object({
      mdtrt_cert_type: Type.String({ description: '01 e-voucher, 02 ID card, 03 social security card' }),
      mdtrt_cert_no: Type.String({ maxLength: 200, description: 'the e-voucher token, ID number or social security card number' }),
      card_sn: Type.Optional(Type.String({ description: 'the social security card serial number: refused when it is not that of the card issued to the person (a replaced card)' })),
      begntime: Type.Optional(Type.String()),
      psn_cert_type: Type.Optional(Type.String()),
      certno: Type.Optional(Type.String({ description: 'when given, must be the ID number of the person the credential belongs to' })),
      psn_name: Type.Optional(Type.String({ description: 'when given, must be the name of the person the credential belongs to' })),
    }),
  }),
  async handler(tx, principal, { data }, call) {
    const type = oneOf(data.mdtrt_cert_type, `${call.inputPath}.data.mdtrt_cert_type`, certTypes);
    const presented = { ...(data.card_sn !== undefined ? { card_sn: data.card_sn } : {}), ...(data.certno !== undefined ? { certno: data.certno } : {}), ...(data.psn_name !== undefined ? { psn_name: data.psn_name } : {}) };
    const found = await identifyPerson(tx, principal, credentialOf(type, data.mdtrt_cert_no.trim()), call.today, presented);
    const { person } = found;
    const cover = await coverage(tx, principal, { psn_no: person.psn_no, place: principal.admdvs, date: call.today });
    const balance = found.account?.balance_fen ?? ZERO;
    return {
      baseinfo: {
        psn_no: person.psn_no,
        psn_cert_type: person.psn_cert_type,
        certno: person.certno,
        psn_name: person.name,
        gend: person.gender,
        naty: person.naty,
        brdy: person.birth_date,
        age: found.age,
      },
      insuinfo: found.insurance.map((e) => ({
        balc: toYuanNumber(e.insutype === ACCOUNT_SCHEME ? balance : ZERO),
        insutype: e.insutype,
        psn_type: e.psn_type,
        psn_insu_stas: insuranceStatus(e),
        psn_insu_date: e.begin_date,
        paus_insu_date: e.suspended_date,
        cvlserv_flag: e.cvlserv_flag,
        insuplc_admdvs: e.insuplc_admdvs,
        emp_name: e.emp_name,
      })),
      idetinfo: [],
      // Regional extension: may this person be settled directly here today, and under which filing.
      yidi_filing: {
        covered: cover.covered,
        emergency_only: cover.emergency_only,
        reason: cover.reason,
        filing_no: cover.filing?.filing_no ?? null,
        kind: cover.filing?.kind ?? null,
        area: cover.filing?.area ?? null,
        begin_date: cover.filing?.begin_date ?? null,
        end_date: cover.filing?.end_date ?? null,
      },
    };
  },
});

const dictionary = transaction({
  infno: '1901',
  write: false,
  summary: 'Dictionary (code table) query',
  unwrap: 'data',
  input: Type.Object({
    type: Type.String({ minLength: 1, maxLength: 60, description: 'the code table, e.g. insutype, med_type, psn_type (any case)' }),
    parentValue: Type.Optional(Type.String()),
    admdvs: Type.Optional(Type.String()),
    date: Type.Optional(Type.String()),
    valiFlag: Type.Optional(Type.String({ description: '1 valid entries (the default), 0 invalid ones' })),
  }),
  async handler(_tx, _principal, q) {
    const type = q.type.trim().toLowerCase();
    const rows = getCodeTable(type);
    // Every entry is in force and the tables are flat: a request for invalid entries or for children finds none.
    const wanted = q.valiFlag === '0' || q.parentValue !== undefined ? [] : rows;
    return {
      list: wanted.map((e, i) => ({ type, value: e.code, label: e.name_zh, label_en: e.name_en, parentValue: '', sort: i + 1, valiFlag: '1' })),
    };
  },
});

export const basics = [signIn, signOut, personInfo, dictionary];
