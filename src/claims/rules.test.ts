import { describe, expect, it } from 'vitest';
import { DomainError } from '../core/errors.ts';
import { fen } from '../core/money.ts';
import {
  addWorkingDays,
  basisOf,
  checkDocument,
  checklistOf,
  clockStarts,
  clockStops,
  deadlineRefusal,
  detectMediaType,
  lineIssues,
  nextStatus,
  normaliseInvoice,
  parseQty,
  processingClock,
  requiredDocuments,
  submitDeadline,
  workingDaysBetween,
} from './rules.ts';

const PDF = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37]);
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
const types = (docs: { type: string }[]) => docs.map((d) => d.type);

describe('the documents a case needs', () => {
  const base = { med_kind: 'inpatient' as const, filing_kind: null, has_agent: false };

  it('follows the reason by default', () => {
    expect(types(requiredDocuments({ ...base, reason: 'non_networked' }, undefined))).toEqual(['invoice', 'fee_list', 'discharge_summary', 'diagnosis_certificate', 'bank_account']);
    expect(types(requiredDocuments({ ...base, reason: 'not_filed' }, undefined))).toContain('residence_proof');
    expect(types(requiredDocuments({ ...base, reason: 'emergency_non_networked' }, undefined))).toContain('emergency_certificate');
  });

  it('asks for a discharge summary of inpatient claims only', () => {
    expect(types(requiredDocuments({ ...base, med_kind: 'outpatient', reason: 'non_networked' }, undefined))).not.toContain('discharge_summary');
    expect(types(requiredDocuments({ ...base, med_kind: 'chronic', reason: 'chronic_outside_list' }, undefined))).toEqual(['invoice', 'fee_list', 'diagnosis_certificate', 'bank_account']);
  });

  it("adds the agent's ID when an agent files, a referral certificate for a referral filing", () => {
    const docs = requiredDocuments({ ...base, reason: 'system_failure', has_agent: true, filing_kind: 'referral' }, undefined);
    expect(types(docs)).toEqual(['invoice', 'fee_list', 'discharge_summary', 'bank_account', 'referral_certificate', 'agent_id']);
    expect(docs.find((d) => d.type === 'agent_id')!.why.en).toMatch(/agent/);
  });

  it("uses the insured place's list for a reason where it has one", () => {
    const rules = { documents: { non_networked: ['invoice' as const, 'bank_account' as const, 'agent_id' as const] } };
    expect(types(requiredDocuments({ ...base, reason: 'non_networked' }, rules))).toEqual(['invoice', 'bank_account']);
    expect(types(requiredDocuments({ ...base, reason: 'non_networked', has_agent: true }, rules))).toEqual(['invoice', 'bank_account', 'agent_id']);
    expect(types(requiredDocuments({ ...base, reason: 'not_filed' }, rules))).toContain('residence_proof');
  });

  it('checks off what is uploaded', () => {
    const required = requiredDocuments({ ...base, reason: 'system_failure' }, undefined);
    const c = checklistOf(required, [{ id: 7, doc_type: 'invoice' }, { id: 9, doc_type: 'other' }], '2026-03-31', '2026-04-01');
    expect(c.items[0]).toMatchObject({ type: 'invoice', provided: true, document_ids: [7], label: { zh: '医疗费用发票' } });
    expect(c.missing).toEqual(['fee_list', 'discharge_summary', 'bank_account']);
    expect(c.complete).toBe(false);
    expect(c.deadline_passed).toBe(true);
  });
});

describe('the submit deadline', () => {
  it('counts months from discharge, to the month end where the day does not exist', () => {
    expect(submitDeadline('2026-01-31', 1)).toBe('2026-02-28');
    expect(submitDeadline('2026-05-10', 6)).toBe('2026-11-10');
  });

  it('refuses after it, naming the day it passed and whom to contact', () => {
    const contact = { zh: '哈尔滨市医疗保障经办机构（230100）', en: 'the medical insurance agency of 哈尔滨市 (230100)' };
    expect(deadlineRefusal('2026-03-31', '2026-03-31', contact)).toBeNull();
    const err = deadlineRefusal('2026-03-31', '2026-04-02', contact)!;
    expect(err.code).toBe('business_rule');
    expect(err.message).toMatch(/was 2026-03-31; it passed on 2026-04-01/);
    expect(err.message).toMatch(/230100/);
    expect(err.extra).toMatchObject({ submit_deadline: '2026-03-31', contact });
  });
});

describe('documents are known by their content', () => {
  it('detects PDF, PNG and JPEG from the first bytes', () => {
    expect(detectMediaType(PDF)).toBe('application/pdf');
    expect(detectMediaType(PNG)).toBe('image/png');
    expect(detectMediaType(JPEG)).toBe('image/jpeg');
    expect(detectMediaType(new TextEncoder().encode('GIF89a'))).toBeNull();
    expect(detectMediaType(new Uint8Array([0x25]))).toBeNull();
  });

  it('refuses another type whatever its name, and a file over the limit naming the limit', () => {
    expect(() => checkDocument({ content: new TextEncoder().encode('<html>'), file_name: 'invoice.pdf' }, 1000)).toThrow(/not a PDF, JPEG or PNG/);
    const big = new Uint8Array(2 * 1024 * 1024 + 1);
    big.set(PDF);
    const err = (() => {
      try {
        checkDocument({ content: big, file_name: 'a.pdf' }, 2 * 1024 * 1024);
      } catch (e) {
        return e as DomainError;
      }
    })()!;
    expect(err.issues[0]).toEqual({ path: 'content', message: 'is over the limit of 2 MiB (2097152 bytes)' });
    expect(() => checkDocument({ content: new Uint8Array(), file_name: 'a.pdf' }, 10)).toThrow(/empty/);
    expect(() => checkDocument({ content: PDF, file_name: '../etc/passwd' }, 100)).toThrow(/file_name/);
    expect(checkDocument({ content: PNG, file_name: 'scan.pdf' }, 100)).toBe('image/png');
  });
});

describe('the basis a claim is paid on', () => {
  const places = { insured: '230100', treatment: '440300', date: '2026-05-01' };
  const filed = { covered: true, filing: { kind: 'other_temporary' as const, filing_no: 'F1' } };
  const none = { covered: false, filing: null };

  it("is the covering filing's kind, an emergency, home, or unfiled", () => {
    expect(basisOf('non_networked', filed, places)).toEqual({ basis: 'filing', filing_kind: 'other_temporary', filing_no: 'F1' });
    expect(basisOf('emergency_non_networked', none, places).basis).toBe('emergency');
    expect(basisOf('non_networked', { covered: true, filing: null }, { ...places, treatment: '230100' }).basis).toBe('home');
    expect(basisOf('not_filed', none, places)).toEqual({ basis: 'unfiled', filing_kind: null, filing_no: null });
  });

  it('refuses "not filed" when a filing covered the day', () => {
    expect(() => basisOf('not_filed', filed, places)).toThrow(/reason: filing F1/);
  });
});

describe('states', () => {
  it('moves through the review', () => {
    expect(nextStatus('draft', 'submit', 1)).toBe('submitted');
    expect(nextStatus('submitted', 'request_documents', 1)).toBe('more_documents_requested');
    expect(nextStatus('more_documents_requested', 'answer', 1)).toBe('submitted');
    expect(nextStatus('submitted', 'approve', 1)).toBe('approved');
    expect(nextStatus('submitted', 'partly_approve', 1)).toBe('partly_approved');
    expect(nextStatus('submitted', 'reject', 1)).toBe('rejected');
    expect(nextStatus('approved', 'pay', 1)).toBe('paid');
    expect(nextStatus('partly_approved', 'pay', 1)).toBe('paid');
  });

  it('refuses the rest, saying what is possible', () => {
    expect(() => nextStatus('draft', 'approve', 4)).toThrow('claim 4 is draft: it cannot be approved now (it can be submitted)');
    expect(() => nextStatus('rejected', 'pay', 4)).toThrow(/rejected: it cannot be paid now\.$/);
    expect(() => nextStatus('paid', 'submit', 4)).toThrow(DomainError);
  });
});

describe('the review clock counts working days', () => {
  it('skips weekends', () => {
    // 2026-11-20 is a Friday.
    expect(workingDaysBetween('2026-11-20', '2026-11-23')).toBe(1);
    expect(workingDaysBetween('2026-11-20', '2026-11-20')).toBe(0);
    expect(addWorkingDays('2026-11-20', 1)).toBe('2026-11-23');
    expect(addWorkingDays('2026-11-20', 5)).toBe('2026-11-27');
    expect(addWorkingDays('2026-11-20', 0)).toBe('2026-11-20');
  });

  it('pauses while the person answers and resumes with what is left', () => {
    const start = clockStarts(0, 10, '2026-11-02'); // a Monday
    expect(start).toEqual({ clock_since: '2026-11-02', due_date: '2026-11-16' });
    const used = clockStops(0, '2026-11-02', '2026-11-06');
    expect(used).toBe(4);
    expect(clockStarts(used, 10, '2026-11-20').due_date).toBe('2026-11-30');
    const c = { process_limit_days: 10, clock_used_days: used, clock_since: '2026-11-20', due_date: '2026-11-30' };
    expect(processingClock(c, '2026-11-30')).toMatchObject({ used_days: 10, overdue: false, running: true });
    expect(processingClock(c, '2026-12-01')).toMatchObject({ used_days: 11, overdue: true });
    expect(processingClock({ ...c, clock_since: null, due_date: null }, '2027-01-01')).toMatchObject({ used_days: 4, overdue: false, running: false });
    expect(processingClock({ process_limit_days: null, clock_used_days: 0, clock_since: null, due_date: null }, '2026-01-01')).toBeNull();
  });
});

describe('fee lines and invoices', () => {
  it('reads quantities exactly', () => {
    expect(parseQty('2', 'q')).toBe(20000);
    expect(parseQty(0.5, 'q')).toBe(5000);
    expect(() => parseQty('0.00001', 'q')).toThrow(/4 decimals/);
    expect(() => parseQty(-1, 'q')).toThrow(/positive/);
    expect(() => parseQty(0, 'q')).toThrow(/not be 0/);
  });

  it('checks each amount against price × quantity, naming the line', () => {
    const { issues } = lineIssues([
      { name: 'A', price_fen: fen(1050), qty: 2, amount_fen: fen(2100) },
      { name: 'B', price_fen: fen(333), qty: '0.5', amount_fen: fen(166) },
      { name: ' ', price_fen: fen(100), qty: 'x', amount_fen: fen(100) },
    ]);
    expect(issues).toEqual([
      { path: 'lines[1].amount_fen', message: 'must be price × quantity rounded to the fen: 1.67 yuan (got 1.66)' },
      { path: 'lines[2].name', message: 'must name the item as the fee list does' },
      { path: 'lines[2].qty', message: 'must be a positive quantity such as 2 or 0.5, got "x"' },
    ]);
    expect(lineIssues([]).issues[0]!.path).toBe('lines');
  });

  it('normalises invoice numbers', () => {
    expect(normaliseInvoice(' inv 0012-a ')).toBe('INV0012-A');
  });
});
