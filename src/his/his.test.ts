import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bp } from '../core/money.ts';
import { bpDecimal } from './catalogue.ts';
import { checkMsgid, clamp, failureOf, HisFault, readEnvelope, stamp17, withoutBlanks } from './envelope.ts';
import { canonicalJson, differences, requestHash, reuseRefusal } from './idempotency.ts';
import { invalid } from '../core/errors.ts';

describe('envelope', () => {
  it('writes times as yyyyMMddHHmmssSSS in Asia/Shanghai', () => {
    expect(stamp17(new Date('2026-12-31T16:59:59.123Z'))).toBe('20270101005959123');
  });

  it('checks msgid shape, owner and time', () => {
    expect(() => checkMsgid('H44030000009202611231000000001', 'H44030000009')).not.toThrow();
    const why = (m: string) => {
      try {
        checkMsgid(m, 'H44030000009');
      } catch (err) {
        return (err as HisFault).message;
      }
      return 'accepted';
    };
    expect(why('')).toMatch(/^msgid is required/);
    expect(why('H440300000092026112310000001')).toMatch(/30 characters.*got 28/);
    expect(why('H44030000001202611231000000001')).toMatch(/begin with your institution code H44030000009/);
    expect(why('H44030000009202602301000000001')).toMatch(/real time.*20260230100000/);
    expect(why('H44030000009202611232460000001')).toMatch(/real time/);
  });

  it('takes the infno from the address when the body has none, and numbers as text', () => {
    const e = readEnvelope({ opter_type: 1, input: { a: 1 } }, '2203A');
    expect(e).toMatchObject({ infno: '2203A', opter_type: '1', msgid: '', input: { a: 1 } });
  });

  it('drops blanks from objects, not from arrays', () => {
    expect(withoutBlanks({ a: '', b: null, c: { d: '', e: 0 }, f: ['', null, { g: '' }] })).toEqual({ c: { e: 0 }, f: ['', null, {}] });
  });

  it('keeps err_msg within 200 characters', () => {
    expect(clamp('x'.repeat(300))).toHaveLength(200);
    expect(failureOf(invalid('input.data.x', 'y'.repeat(400))).err_msg).toHaveLength(200);
  });

  it('answers business errors -2 and the unexpected -1', () => {
    expect(failureOf(invalid('input.data.x', 'is required'))).toEqual({ infcode: -2, err_msg: 'input.data.x is required. Correct the field and send again.', unexpected: false });
    expect(failureOf(new Error('connection reset'))).toMatchObject({ infcode: -1, unexpected: true });
    expect(failureOf(new Error('connection reset')).err_msg).not.toMatch(/connection reset/);
  });
});

describe('idempotency key', () => {
  const json = fc.jsonValue();

  it('does not depend on key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), json), (o) => {
        const reversed = Object.fromEntries(Object.entries(o).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(o));
        expect(requestHash({ infno: '2301', input: reversed })).toBe(requestHash({ infno: '2301', input: o }));
      }),
    );
  });

  it('finds a difference exactly when the values differ', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(differences(a, b).length === 0).toBe(canonicalJson(a) === canonicalJson(b));
      }),
    );
  });

  it('names the differing fields', () => {
    const first = { feedetail: [{ cnt: 1 }, { cnt: 2 }, { cnt: 3 }, { cnt: 4 }] };
    const now = { feedetail: [{ cnt: 1 }, { cnt: 2 }, { cnt: 3 }, { cnt: 5 }] };
    expect(reuseRefusal('M1', { infno: '2301', input: first }, { infno: '2301', input: now })).toBe(
      'msgid M1 was used for infno 2301 with a different input (input.feedetail[3].cnt differs): use a new msgid for a new request, or resend the original unchanged.',
    );
    expect(differences({ a: 1, b: [1] }, { b: [1, 2], c: 1 })).toEqual(['input.a', 'input.b[1]', 'input.c']);
  });
});

describe('ratios as decimals', () => {
  it('writes basis points with at least two decimals and no trailing zeros beyond', () => {
    expect([0, 5, 1000, 1250, 1500, 9999, 10000].map((v) => bpDecimal(bp(v)))).toEqual(['0.00', '0.0005', '0.10', '0.125', '0.15', '0.9999', '1.00']);
  });

  it('reads back to the same basis points', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10000 }), (v) => Math.round(Number(bpDecimal(bp(v))) * 10000) === v));
  });
});
