import type { Principal } from '../auth/model.ts';
import { businessDate, type Clock } from '../core/clock.ts';
import type { FieldIssue } from '../core/errors.ts';
import { refMsgId } from '../core/ids.ts';
import { schemaIssues } from '../core/validate.ts';
import type { Db, Queryable } from '../db/pool.ts';
import {
  checkMsgid,
  failureOf,
  HisFault,
  hisTime,
  inputFault,
  isObject,
  parseBody,
  readEnvelope,
  requireInstitution,
  respond,
  withoutBlanks,
} from './envelope.ts';
import { requestHash, reuseRefusal, type RequestKey } from './idempotency.ts';
import type { HisCall, HisEnvelope, HisResponse, HisTransaction, InstitutionPrincipal } from './model.ts';
import * as store from './store.ts';

export interface Answer {
  response: HisResponse;
  /** an unexpected failure, for the log (the HIS sees only the envelope) */
  error?: unknown;
}

export interface Dispatcher {
  readonly transactions: ReadonlyMap<string, HisTransaction>;
  /** Answers one request; never throws. `urlInfno` is the code in the address, when the HIS uses that style. */
  call(req: { body: unknown; urlInfno?: string; principal: Principal | undefined }): Promise<Answer>;
  /** The envelope for a failure before `call` could run (gateway signature, reading the body). */
  fail(err: unknown): Promise<Answer>;
}

/** One issue per field: a union type otherwise reports each branch. */
function firstPerPath(issues: FieldIssue[]): FieldIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => !seen.has(i.path) && seen.add(i.path));
}

/**
 * The table of transactions and the path every request takes through it:
 * envelope → signed institution → msgid → transaction → input schema →
 * handler, in one database transaction for a write, which is idempotent by
 * (institution, msgid). Each transaction is declared once in `transactions`.
 */
export function createDispatcher(transactions: readonly HisTransaction[], deps: { db: Db; clock: Clock }): Dispatcher {
  const table = new Map<string, HisTransaction>();
  for (const t of transactions) {
    if (table.has(t.infno)) throw new Error(`HIS transaction ${t.infno} is declared twice`);
    table.set(t.infno, t);
  }
  const { db, clock } = deps;

  /** The receiver division at the head of inf_refmsgid: the signed institution's area, else the one the envelope names. */
  const receiver = (principal: InstitutionPrincipal | undefined, envelope: HisEnvelope | undefined) =>
    principal?.admdvs ?? (envelope && /^\d{6}$/.test(envelope.mdtrtarea_admvs) ? envelope.mdtrtarea_admvs : '000000');

  async function failed(err: unknown, received: Date, area: string): Promise<Answer> {
    const f = failureOf(err);
    // The answer must go out even when the database that numbers it is the failure.
    const serial = await store.nextRefSerial(db).catch(() => 0);
    const at = clock.now();
    const response = respond({ infcode: f.infcode, refmsgid: refMsgId(area, at, serial), received, at, err_msg: f.err_msg });
    return f.unexpected ? { response, error: err } : { response };
  }

  async function succeed(tx: Queryable, area: string, received: Date, output: Record<string, unknown>, serial?: number): Promise<HisResponse> {
    serial ??= await store.nextRefSerial(tx);
    const at = clock.now();
    return respond({ infcode: 0, refmsgid: refMsgId(area, at, serial), received, at, output });
  }

  async function once(
    def: HisTransaction,
    principal: InstitutionPrincipal,
    input: unknown,
    call: HisCall,
    key: RequestKey,
  ): Promise<HisResponse> {
    const { msgid } = call.envelope;
    const hash = requestHash(key);
    return db.tx(async (tx) => {
      const { claimed, ref_serial } = await store.claimMessage(tx, { fixmedins_code: principal.code, msgid, infno: def.infno, request_hash: hash, request: key, at: call.now });
      if (!claimed) {
        const first = await store.storedMessage(tx, principal.code, msgid);
        if (first!.request_hash !== hash) throw new HisFault(-2, reuseRefusal(msgid, first!.request, key));
        return { ...first!.response, warn_msg: `msgid ${msgid} was answered at ${hisTime(first!.created_at)}: this is that answer again, nothing was done twice.` };
      }
      const output = await def.handler(tx, principal, input as never, call);
      const response = await succeed(tx, principal.admdvs, call.now, output, ref_serial);
      await store.storeResponse(tx, principal.code, msgid, response);
      return response;
    });
  }

  return {
    transactions: table,

    async call({ body, urlInfno, principal: who }) {
      const received = clock.now();
      let envelope: HisEnvelope | undefined;
      let principal: InstitutionPrincipal | undefined;
      try {
        envelope = readEnvelope(parseBody(body), urlInfno);
        principal = requireInstitution(who, envelope);
        checkMsgid(envelope.msgid, principal.code);
        const def = table.get(envelope.infno);
        if (!def) throw new HisFault(-2, `transaction ${envelope.infno} is not supported by this platform: check infno (docs/his.md lists the supported transactions).`);

        const unwrapped = def.unwrap === 'data' && isObject(envelope.input.data);
        const inputPath = unwrapped ? 'input.data' : 'input';
        const input = withoutBlanks(unwrapped ? envelope.input.data : envelope.input);
        const issues = firstPerPath(schemaIssues(def.input, input, inputPath));
        if (issues.length > 0) throw inputFault(issues);

        const call: HisCall = { envelope, now: received, today: businessDate(received), inputPath };
        if (def.write) {
          const key: RequestKey = { infno: def.infno, input: withoutBlanks(envelope.input) as Record<string, unknown> };
          return { response: await once(def, principal, input, call, key) };
        }
        const p = principal;
        return { response: await succeed(db, p.admdvs, received, await def.handler(db, p, input as never, call)) };
      } catch (err) {
        return failed(err, received, receiver(principal, envelope));
      }
    },

    fail(err) {
      return failed(err, clock.now(), '000000');
    },
  };
}
