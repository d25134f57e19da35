import { shanghaiDateTime } from '../core/clock.ts';
import { DomainError, domainErrorOfDatabase, type FieldIssue } from '../core/errors.ts';
import type { HisEnvelope, HisResponse, InfCode, InstitutionPrincipal } from './model.ts';
import type { Principal } from '../auth/model.ts';

/**
 * The envelope of the interface, read and written without I/O: parsing the
 * request leniently (as the HIS in the field send it), checking who sends it,
 * and phrasing every failure as a sentence a desk clerk can act on.
 */

/** A failure of the envelope itself, with the infcode it is answered with. */
export class HisFault extends Error {
  readonly infcode: -1 | -2;
  constructor(infcode: -1 | -2, message: string) {
    super(message);
    this.name = 'HisFault';
    this.infcode = infcode;
  }
}

export const ERR_MSG_MAX = 200;

/** `yyyyMMddHHmmssSSS` in Asia/Shanghai, the interface's refmsg_time and respond_time. */
export function stamp17(at: Date): string {
  return new Date(at.getTime() + 8 * 3600 * 1000).toISOString().replace(/\D/g, '').slice(0, 17);
}

/** `yyyy-MM-dd HH:mm:ss` in Asia/Shanghai, as times inside outputs are written. */
export const hisTime = shanghaiDateTime;

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The body as text or an already parsed value (a JSON content type parsed by someone else). */
export function parseBody(raw: unknown): unknown {
  if (typeof raw !== 'string' && !Buffer.isBuffer(raw)) return raw;
  const text = (Buffer.isBuffer(raw) ? raw.toString('utf8') : raw).replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new HisFault(-1, 'The request body is empty: send the request envelope as UTF-8 JSON.');
  try {
    return JSON.parse(text);
  } catch {
    throw new HisFault(-1, 'The request body is not valid JSON: send the request envelope as UTF-8 JSON (check quotes and commas).');
  }
}

/** Envelope fields are text; HIS send some as numbers (opter_type: 1). */
function text(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
}

const INFNO = /^\d{4}[A-Z]?$/;

/**
 * The envelope of a request sent to `urlInfno` (the base-URL-plus-code style)
 * or to the single endpoint (undefined). Unknown keys are ignored.
 */
export function readEnvelope(body: unknown, urlInfno: string | undefined): HisEnvelope {
  if (!isObject(body)) throw new HisFault(-1, 'The request body is not a JSON object: send the request envelope ({"infno": …, "input": {…}}) as UTF-8 JSON.');
  const given = text(body.infno).trim();
  if (urlInfno !== undefined && given !== '' && given !== urlInfno) {
    throw new HisFault(-2, `infno ${given} in the body does not match ${urlInfno} in the address: send the same transaction code in both.`);
  }
  const infno = urlInfno ?? given;
  if (infno === '') throw new HisFault(-2, 'infno is required: send the transaction code, e.g. "1101".');
  if (!INFNO.test(infno)) throw new HisFault(-2, `infno "${infno.slice(0, 20)}" is not a transaction code: send 4 digits such as 1101 (some carry a letter: 2203A).`);

  let input: unknown = body.input ?? {};
  // Some HIS send input as a JSON string inside the JSON envelope.
  if (typeof input === 'string') {
    try {
      input = input.trim() === '' ? {} : JSON.parse(input);
    } catch {
      throw new HisFault(-2, 'input is a string that is not JSON: send input as a JSON object.');
    }
  }
  if (!isObject(input)) throw new HisFault(-2, 'input must be a JSON object holding the transaction\'s fields.');

  return {
    infno,
    msgid: text(body.msgid).trim(),
    mdtrtarea_admvs: text(body.mdtrtarea_admvs),
    insuplc_admdvs: text(body.insuplc_admdvs),
    recer_sys_code: text(body.recer_sys_code),
    dev_no: text(body.dev_no),
    dev_safe_info: text(body.dev_safe_info),
    cainfo: text(body.cainfo),
    signtype: text(body.signtype),
    infver: text(body.infver),
    opter_type: text(body.opter_type),
    opter: text(body.opter),
    opter_name: text(body.opter_name),
    inf_time: text(body.inf_time),
    fixmedins_code: text(body.fixmedins_code).trim(),
    fixmedins_name: text(body.fixmedins_name),
    sign_no: text(body.sign_no),
    input,
  };
}

const SIGN_HEADERS = 'x-tif-paasid, x-tif-timestamp, x-tif-nonce and x-tif-signature';

/** The signed institution the envelope speaks for. */
export function requireInstitution(principal: Principal | undefined, envelope: HisEnvelope): InstitutionPrincipal {
  if (!principal) throw new HisFault(-2, `The request is not signed: send the ${SIGN_HEADERS} headers with the app id and secret the platform issued.`);
  if (principal.kind !== 'institution') throw new HisFault(-2, `This interface is for designated institutions: sign the request with the ${SIGN_HEADERS} headers.`);
  if (envelope.fixmedins_code === '') throw new HisFault(-2, `fixmedins_code is required: send your institution code (${principal.code}).`);
  if (envelope.fixmedins_code !== principal.code) {
    throw new HisFault(-2, `fixmedins_code ${envelope.fixmedins_code.slice(0, 20)} is not the institution this request is signed for: send your own code ${principal.code}.`);
  }
  return principal;
}

function isDateTime14(s: string): boolean {
  const [y, mo, d, h, mi, se] = [s.slice(0, 4), s.slice(4, 6), s.slice(6, 8), s.slice(8, 10), s.slice(10, 12), s.slice(12, 14)].map(Number) as number[];
  const at = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, se!));
  return at.getUTCFullYear() === y && at.getUTCMonth() === mo! - 1 && at.getUTCDate() === d && h! < 24 && mi! < 60 && se! < 60;
}

/** msgid: institution code (12) + yyyyMMddHHmmss + a 4-digit serial, 30 characters, unique per institution. */
export function checkMsgid(msgid: string, fixmedinsCode: string): void {
  const shape = `msgid must be 30 characters: your institution code ${fixmedinsCode}, the time as yyyyMMddHHmmss and a 4-digit serial`;
  if (msgid === '') throw new HisFault(-2, `msgid is required: ${shape.slice('msgid must be '.length)}.`);
  if (msgid.length !== 30 || !/^\d{18}$/.test(msgid.slice(12))) throw new HisFault(-2, `${shape} (got ${msgid.length} characters).`);
  if (msgid.slice(0, 12) !== fixmedinsCode) throw new HisFault(-2, `msgid must begin with your institution code ${fixmedinsCode}, then yyyyMMddHHmmss and a 4-digit serial.`);
  if (!isDateTime14(msgid.slice(12, 26))) throw new HisFault(-2, `msgid characters 13–26 must be a real time written yyyyMMddHHmmss (got ${msgid.slice(12, 26)}).`);
}

/**
 * Empty strings and nulls stand for "not given" in HIS requests: dropped from
 * objects before validation, so a required field sent as "" is named as missing.
 */
export function withoutBlanks(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  // Copies only what holds a blank: a 500-line upload without one is read, not rebuilt.
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = withoutBlanks(v[i]);
      if (x !== v[i] && out === undefined) out = v.slice(0, i);
      if (out !== undefined) out.push(x);
    }
    return out ?? v;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const x = o[k];
    const blank = x === '' || x === null;
    const kept = blank ? x : withoutBlanks(x);
    if ((blank || kept !== x) && out === undefined) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]!] = o[keys[j]!];
    }
    if (out !== undefined && !blank) out[k] = kept;
  }
  return out ?? v;
}

export function clamp(message: string): string {
  return message.length <= ERR_MSG_MAX ? message : `${message.slice(0, ERR_MSG_MAX - 1)}…`;
}

/** A field problem as the clerk reads it: `input.data.mdtrt_cert_no is required`. */
function issueText(i: FieldIssue): string {
  return `${i.path} ${i.message}`.replace(/\s+/g, ' ');
}

export function inputFault(issues: FieldIssue[]): HisFault {
  const shown = issues.slice(0, 3).map(issueText).join('; ');
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  return new HisFault(-2, `${shown}${more}. Correct the field and send again.`);
}

/**
 * The infcode and err_msg of a failure. Business errors (bad input, not
 * found, not allowed) are −2: nothing was done and the clerk can act; anything
 * unexpected is −1, the case where the HIS reverses.
 */
export function failureOf(thrown: unknown): { infcode: -1 | -2; err_msg: string; unexpected: boolean } {
  const err = domainErrorOfDatabase(thrown) ?? thrown;
  if (err instanceof HisFault) return { infcode: err.infcode, err_msg: clamp(err.message), unexpected: false };
  if (err instanceof DomainError) {
    const message = err.code === 'validation' && err.issues.length > 0 ? inputFault(err.issues).message : err.message;
    return { infcode: -2, err_msg: clamp(message), unexpected: false };
  }
  const fe = err as { statusCode?: unknown; message?: unknown };
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { infcode: -1, err_msg: clamp(`The request could not be read (${String(fe.message)}): send the envelope as UTF-8 JSON in the body of a POST.`), unexpected: false };
  }
  return {
    infcode: -1,
    err_msg: 'The platform could not complete this request because of an internal error; nothing was changed. Send it again; if it keeps failing, call the platform help desk.',
    unexpected: true,
  };
}

/** The response envelope. `received` is when the request arrived, `at` when it is answered. */
export function respond(a: {
  infcode: InfCode;
  refmsgid: string;
  received: Date;
  at: Date;
  output?: Record<string, unknown>;
  err_msg?: string;
  warn_msg?: string;
}): HisResponse {
  return {
    infcode: a.infcode,
    inf_refmsgid: a.refmsgid,
    refmsg_time: stamp17(a.received),
    respond_time: stamp17(a.at),
    err_msg: a.err_msg ?? '',
    warn_msg: a.warn_msg ?? '',
    cainfo: '',
    signtype: '',
    enctype: '',
    output: a.output ?? {},
  };
}
