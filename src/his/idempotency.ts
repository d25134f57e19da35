import crypto from 'node:crypto';
import { isObject } from './envelope.ts';

/**
 * What makes two requests with one msgid "the same": the transaction code and
 * the input. The rest of the envelope (inf_time, operator, sign_no) may change
 * on a retry and does not count.
 */
export interface RequestKey {
  infno: string;
  input: Record<string, unknown>;
}

/**
 * JSON with object keys sorted, so equal values have equal text whatever the
 * key order. The text is what stored request hashes were made from: it must
 * not change, or a retry of a message stored before would be refused as
 * another request.
 */
export function canonicalJson(v: unknown): string {
  if (typeof v !== 'object' || v === null) return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) {
    let s = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) s += ',';
      // A hole stays empty, as Array.prototype.join wrote it.
      if (i in v) s += canonicalJson(v[i]);
    }
    return `${s}]`;
  }
  const o = v as Record<string, unknown>;
  const fields = sortedFields(Object.keys(o));
  let s = '{';
  for (const f of fields) s += f.prefix + canonicalJson(o[f.key]);
  return `${s}}`;
}

// The lines of an upload are objects of one shape in a row: their keys are sorted and quoted once.
let lastKeys: readonly string[] = [];
let lastFields: readonly { key: string; prefix: string }[] = [];

function sortedFields(keys: readonly string[]): readonly { key: string; prefix: string }[] {
  if (keys.length === lastKeys.length && keys.every((k, i) => k === lastKeys[i])) return lastFields;
  lastKeys = keys;
  lastFields = [...keys].sort().map((key, i) => ({ key, prefix: `${i > 0 ? ',' : ''}${JSON.stringify(key)}:` }));
  return lastFields;
}

export function requestHash(r: RequestKey): string {
  return crypto.createHash('sha256').update(canonicalJson(r)).digest('hex');
}

function childPath(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : `${path}.${key}`;
}

/** The paths (`input.feedetail[3].cnt`) where `a` and `b` differ, depth first, at most `limit`. */
export function differences(a: unknown, b: unknown, path = 'input', limit = 3): string[] {
  const out: string[] = [];
  const walk = (x: unknown, y: unknown, p: string): void => {
    if (out.length >= limit) return;
    if (Array.isArray(x) && Array.isArray(y)) {
      for (let i = 0; i < Math.max(x.length, y.length); i++) walk(x[i], y[i], childPath(p, i));
      return;
    }
    if (isObject(x) && isObject(y)) {
      for (const k of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) walk(x[k], y[k], childPath(p, k));
      return;
    }
    if (canonicalJson(x) !== canonicalJson(y)) out.push(p);
  };
  walk(a, b, path);
  return out;
}

/** Why a reused msgid is refused, naming what differs from the request it was first used for. */
export function reuseRefusal(msgid: string, first: RequestKey, now: RequestKey): string {
  const advice = 'use a new msgid for a new request, or resend the original unchanged.';
  if (first.infno !== now.infno) return `msgid ${msgid} was already used for infno ${first.infno}, not ${now.infno}: ${advice}`;
  const diff = differences(first.input, now.input);
  const what = diff.length > 0 ? ` (${diff.map((p) => `${p} differs`).join(', ')})` : '';
  return `msgid ${msgid} was used for infno ${first.infno} with a different input${what}: ${advice}`;
}
