import type Type from 'typebox';
import type { TSchema } from 'typebox';
import type { Principal } from '../auth/model.ts';
import type { Queryable } from '../db/pool.ts';

/**
 * The NHSA platform interface for designated institutions, as hospitals'
 * systems speak it: field names are the spec's, odd spellings included
 * (`mdtrtarea_admvs` in the envelope, `insuplc_admdvs` beside it).
 */

/** 0 success; −1 system error (the HIS reverses with 2601); −2 business error shown to the operator. */
export type InfCode = 0 | -1 | -2;

/** The request envelope after parsing; every field but `input` is text as the HIS sent it. */
export interface HisEnvelope {
  infno: string;
  msgid: string;
  mdtrtarea_admvs: string;
  insuplc_admdvs: string;
  recer_sys_code: string;
  dev_no: string;
  dev_safe_info: string;
  cainfo: string;
  signtype: string;
  infver: string;
  opter_type: string;
  opter: string;
  opter_name: string;
  inf_time: string;
  fixmedins_code: string;
  fixmedins_name: string;
  sign_no: string;
  input: Record<string, unknown>;
}

export interface HisResponse {
  infcode: InfCode;
  inf_refmsgid: string;
  refmsg_time: string;
  respond_time: string;
  err_msg: string;
  warn_msg: string;
  cainfo: string;
  signtype: string;
  enctype: string;
  output: Record<string, unknown>;
}

export type InstitutionPrincipal = Extract<Principal, { kind: 'institution' }>;

/** What a transaction handler knows about the call besides its input. */
export interface HisCall {
  envelope: HisEnvelope;
  /** when the request arrived */
  now: Date;
  /** the business date (yyyy-MM-dd, Asia/Shanghai) of `now` */
  today: string;
  /** where the handler's input sits in the request ('input' or 'input.data'), for naming fields in errors */
  inputPath: string;
}

/**
 * One transaction of the interface, declared once: its code, whether it
 * changes anything (then it is idempotent by msgid and its answer is stored),
 * the schema of its input (field paths in errors are the HIS's: `input.data.…`)
 * and the handler that translates the input to services and their answer back.
 */
export interface HisTransaction<S extends TSchema = TSchema> {
  infno: string;
  write: boolean;
  summary: string;
  input: S;
  /**
   * The spec wraps some inputs in `data` and some HIS send them bare: with
   * 'data', an object `input.data` is what the schema and handler see.
   */
  unwrap?: 'data';
  handler(tx: Queryable, principal: InstitutionPrincipal, input: Type.Static<S>, call: HisCall): Promise<Record<string, unknown>>;
}

/** Declares a transaction with its handler's input typed by its schema. */
export function transaction<S extends TSchema>(def: HisTransaction<S>): HisTransaction {
  return def as unknown as HisTransaction;
}
