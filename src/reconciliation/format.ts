import zlib from 'node:zlib';
import { DomainError } from '../core/errors.ts';
import { formatYuan, parseYuan } from '../core/money.ts';
import type { FileLine, RefdFlag, ResultLine } from './model.ts';

/**
 * The files of detail reconciliation, read and written without I/O.
 *
 * The hospital's file (uploaded with 9101, named in 3202): UTF-8 text, one
 * settlement a line (LF or CRLF; blank lines are skipped), fields separated by
 * tabs — or by commas when the first line holds no tab — without quoting.
 * Fields in this order: setl_id, mdtrt_id, psn_no, medfee_sumamt,
 * fund_pay_sumamt, acct_pay, refd_setl_flag; amounts in yuan with at most two
 * decimals (negative on a cancellation), refd_setl_flag 1 on a cancellation and
 * 0 otherwise. A first line holding the word `setl_id` as a field is a
 * header naming the columns, which may then come in any order (extra columns
 * are ignored). The text may also come zipped, alone in a zip archive (stored or
 * deflated), as HIS written to the national platform send it.
 *
 * The result file (produced by 3202, downloaded with 9102): UTF-8 text, tab
 * separated, LF line ends, a header line, then one line per settlement found on
 * either side: psn_no, mdtrt_id, setl_id, msgid, stmt_rslt, refd_setl_flag,
 * memo, medfee_sumamt, fund_pay_sumamt, acct_pay.
 */

export const DETAIL_COLUMNS = ['setl_id', 'mdtrt_id', 'psn_no', 'medfee_sumamt', 'fund_pay_sumamt', 'acct_pay', 'refd_setl_flag'] as const;
export const RESULT_COLUMNS = ['psn_no', 'mdtrt_id', 'setl_id', 'msgid', 'stmt_rslt', 'refd_setl_flag', 'memo', 'medfee_sumamt', 'fund_pay_sumamt', 'acct_pay'] as const;

/** The most text a zipped detail file may unpack to, so a small archive cannot fill memory. */
export const MAX_UNPACKED_BYTES = 200 * 1024 * 1024;

const AMOUNTS = ['medfee_sumamt', 'fund_pay_sumamt', 'acct_pay'] as const;

/** A fault in a file, said so that the clerk can find it and knows what to do. */
function fileFault(label: string, where: string, what: string): DomainError {
  return new DomainError('validation', `${label}${where}: ${what}. Correct the file, upload it again with 9101 and send 3202 with the new file_qury_no.`);
}

const isZip = (b: Buffer) => b.length >= 4 && b.readUInt32LE(0) === 0x04034b50;

/** The one file inside a zip archive, by its central directory (local headers may defer their sizes). */
function unzip(b: Buffer, label: string): Buffer {
  const bad = (what: string) => fileFault(label, '', `is a zip archive that cannot be read (${what})`);
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
    if (b.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw bad('no end of central directory');
  const count = b.readUInt16LE(eocd + 10);
  let at = b.readUInt32LE(eocd + 16);
  const files: { method: number; flags: number; size: number; local: number }[] = [];
  for (let n = 0; n < count; n++) {
    if (at + 46 > b.length || b.readUInt32LE(at) !== 0x02014b50) throw bad('broken central directory');
    const nameLength = b.readUInt16LE(at + 28);
    const name = b.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    if (!name.endsWith('/')) {
      files.push({ flags: b.readUInt16LE(at + 8), method: b.readUInt16LE(at + 10), size: b.readUInt32LE(at + 20), local: b.readUInt32LE(at + 42) });
    }
    at += 46 + nameLength + b.readUInt16LE(at + 30) + b.readUInt16LE(at + 32);
  }
  if (files.length !== 1) throw bad(`it holds ${files.length} files; put the one detail file in it`);
  const f = files[0]!;
  if (f.flags & 1) throw bad('it is encrypted');
  if (f.local + 30 > b.length || b.readUInt32LE(f.local) !== 0x04034b50) throw bad('broken local header');
  const start = f.local + 30 + b.readUInt16LE(f.local + 26) + b.readUInt16LE(f.local + 28);
  const data = b.subarray(start, start + f.size);
  if (data.length !== f.size) throw bad('it is cut short');
  if (f.method === 0) return data;
  if (f.method !== 8) throw bad(`compression method ${f.method}; use deflate or none`);
  try {
    return zlib.inflateRawSync(data, { maxOutputLength: MAX_UNPACKED_BYTES });
  } catch (err) {
    if (err instanceof RangeError) throw bad(`it unpacks to more than ${MAX_UNPACKED_BYTES / 1024 / 1024} MiB`);
    throw bad('the compressed data is damaged');
  }
}

function text(b: Buffer, label: string): string {
  const s = new TextDecoder('utf-8', { fatal: false }).decode(b).replace(/^\uFEFF/, '');
  const bad = s.indexOf('\uFFFD');
  if (bad >= 0) {
    const line = s.slice(0, bad).split('\n').length;
    throw fileFault(label, `, line ${line}`, 'is not UTF-8 text; save the file as UTF-8');
  }
  return s;
}

/**
 * The settlements of a hospital's detail file; a fault names the line (from
 * 1) and the column. `label` names the file in messages ("file F…").
 */
export function parseDetailFile(content: Buffer, label: string): FileLine[] {
  const lines = text(isZip(content) ? unzip(content, label) : content, label).split('\n');
  const first = lines.find((l) => l.trim() !== '') ?? '';
  const sep = first.includes('\t') ? '\t' : ',';
  let columns: readonly string[] = DETAIL_COLUMNS;
  const out: FileLine[] = [];
  const seen = new Map<string, number>();
  let headerDone = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    if (raw.trim() === '') continue;
    const n = i + 1;
    const fields = raw.split(sep).map((f) => f.trim());
    if (!headerDone) {
      headerDone = true;
      if (fields.some((f) => f.toLowerCase() === 'setl_id')) {
        columns = fields.map((f) => f.toLowerCase());
        const missing = DETAIL_COLUMNS.filter((c) => !columns.includes(c));
        if (missing.length > 0) throw fileFault(label, `, line ${n} (the header)`, `lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
        continue;
      }
    }
    if (fields.length < columns.length) {
      throw fileFault(label, `, line ${n}`, `has ${fields.length} fields but ${columns.length} are expected (${columns.join(', ')}), separated by ${sep === '\t' ? 'tabs' : 'commas'}`);
    }
    const get = (c: (typeof DETAIL_COLUMNS)[number]) => fields[columns.indexOf(c)]!;
    for (const c of ['setl_id', 'mdtrt_id', 'psn_no'] as const) {
      if (get(c) === '') throw fileFault(label, `, line ${n}`, `${c} is empty`);
    }
    const money = {} as Record<(typeof AMOUNTS)[number], FileLine['medfee_sumamt']>;
    for (const c of AMOUNTS) {
      try {
        money[c] = parseYuan(get(c), c);
      } catch (err) {
        throw fileFault(label, `, line ${n}`, err instanceof Error ? err.message : String(err));
      }
    }
    const flag = get('refd_setl_flag');
    if (flag !== '0' && flag !== '1') throw fileFault(label, `, line ${n}`, `refd_setl_flag must be 0 (a settlement) or 1 (a cancellation), not "${flag.slice(0, 10)}"`);
    const setlId = get('setl_id');
    const earlier = seen.get(setlId);
    if (earlier !== undefined) throw fileFault(label, `, line ${n}`, `setl_id ${setlId} is already on line ${earlier}; list each settlement once`);
    seen.set(setlId, n);
    out.push({ line: n, setl_id: setlId, mdtrt_id: get('mdtrt_id'), psn_no: get('psn_no'), ...money, refd_setl_flag: flag as RefdFlag });
  }
  return out;
}

/** Memo text fits one field of one line. */
const field = (s: string) => s.replace(/[\t\r\n]+/g, ' ');

export function formatResultFile(lines: readonly ResultLine[]): Buffer {
  const rows = lines.map((l) =>
    [l.psn_no, l.mdtrt_id, l.setl_id, l.msgid, l.stmt_rslt, l.refd_setl_flag, l.memo, formatYuan(l.medfee_sumamt), formatYuan(l.fund_pay_sumamt), formatYuan(l.acct_pay)]
      .map(field)
      .join('\t'),
  );
  return Buffer.from([RESULT_COLUMNS.join('\t'), ...rows].map((r) => `${r}\n`).join(''), 'utf8');
}
