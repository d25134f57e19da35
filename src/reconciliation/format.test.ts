import { describe, expect, it } from 'vitest';
import { fen } from '../core/money.ts';
import { formatResultFile, parseDetailFile } from './format.ts';
import { matchDetail, totalsVerdict } from './rules.ts';
import type { PlatformRow } from './model.ts';

const parse = (text: string | Buffer) => parseDetailFile(Buffer.isBuffer(text) ? text : Buffer.from(text), 'file F1');

describe('the hospital detail file', () => {
  it('reads commas, a header in any order, a BOM and CRLF', () => {
    const rows = parse('\uFEFFpsn_no,setl_id,mdtrt_id,acct_pay,fund_pay_sumamt,medfee_sumamt,refd_setl_flag,extra\r\nP1,A1,S1,0,-8.5,-10,1,x\r\n\r\n');
    expect(rows).toEqual([{ line: 2, setl_id: 'A1', mdtrt_id: 'S1', psn_no: 'P1', medfee_sumamt: -1000, fund_pay_sumamt: -850, acct_pay: 0, refd_setl_flag: '1' }]);
  });

  it('names a missing header column, a bad flag and text that is not UTF-8', () => {
    expect(() => parse('setl_id\tmdtrt_id\n')).toThrow('file F1, line 1 (the header): lacks the columns psn_no, medfee_sumamt');
    expect(() => parse('A1\tS1\tP1\t1\t1\t0\tY\n')).toThrow('line 1: refd_setl_flag must be 0 (a settlement) or 1 (a cancellation)');
    expect(() => parse(Buffer.from([0x41, 0x0a, 0xff, 0xfe]))).toThrow('line 2: is not UTF-8 text');
  });

  it('refuses a zip holding more than one file', () => {
    const entry = (name: string) => {
      const n = Buffer.from(name);
      const c = Buffer.alloc(46);
      c.writeUInt32LE(0x02014b50, 0);
      c.writeUInt16LE(n.length, 28);
      return Buffer.concat([c, n]);
    };
    const cd = Buffer.concat([entry('a.txt'), entry('b.txt')]);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(2, 10);
    end.writeUInt32LE(30, 16);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    expect(() => parse(Buffer.concat([local, cd, end]))).toThrow('holds 2 files');
  });

  it('writes one tab-separated line per result with a header', () => {
    const text = formatResultFile([
      { psn_no: 'P1', mdtrt_id: 'S1', setl_id: 'A1', msgid: 'M', stmt_rslt: '1', refd_setl_flag: '0', memo: 'a\tb\nc', medfee_sumamt: fen(-1234), fund_pay_sumamt: fen(5), acct_pay: fen(0) },
    ]).toString('utf8');
    expect(text).toBe('psn_no\tmdtrt_id\tsetl_id\tmsgid\tstmt_rslt\trefd_setl_flag\tmemo\tmedfee_sumamt\tfund_pay_sumamt\tacct_pay\nP1\tS1\tA1\tM\t1\t0\ta b c\t-12.34\t0.05\t0.00\n');
  });
});

describe('matching', () => {
  const row = (id: string, medfee: number): PlatformRow => ({
    setl_id: id, mdtrt_id: `S${id}`, psn_no: 'P', msgid: null, refd_setl_flag: '0', insutype: '310', clr_type: '21', med_type: '21',
    insuplc_admdvs: '230100', mdtrtarea_admvs: '440300', setl_time: '2026-11-23 10:00:00', setl_date: '2026-11-23', setl_month: '2026-11',
    psn_name: 'x', medfee_sumamt: fen(medfee), fund_pay_sumamt: fen(0), acct_pay: fen(0), psn_cash_pay: fen(medfee),
  });

  it('gives each settlement of either side one line', () => {
    const file = [1, 2, 3].map((n) => ({ line: n, setl_id: `A${n}`, mdtrt_id: `SA${n}`, psn_no: 'P', medfee_sumamt: fen(100), fund_pay_sumamt: fen(0), acct_pay: fen(0), refd_setl_flag: '0' as const }));
    const { lines, counts } = matchDetail(file, [row('A1', 100), row('A2', 90), row('A4', 5)], new Map());
    expect(lines.map((l) => [l.setl_id, l.stmt_rslt])).toEqual([['A1', '0'], ['A2', '1'], ['A3', '2'], ['A4', '3']]);
    expect(counts).toEqual({ '0': 1, '1': 1, '2': 1, '3': 1 });
  });

  it('balances only when every figure agrees', () => {
    const f = { medfee_sumamt: fen(100), fund_pay_sumamt: fen(50), acct_pay: fen(0), setl_cnt: 1 };
    expect(totalsVerdict(f, f).stmt_rslt).toBe('0');
    expect(totalsVerdict(f, { ...f, acct_pay: fen(1) }).stmt_rslt_dscr).toContain("acct_pay is 0.01 yuan in the hospital's message but 0.00 at the platform");
  });
});
