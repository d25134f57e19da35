import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, requestHash } from './idempotency.ts';

/** The text stored request hashes were made from before canonicalJson was rewritten for speed. */
function canonicalBefore(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalBefore).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const entries = Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalBefore((v as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

describe('the canonical request text', () => {
  it('is the text it was before, for any value, so stored hashes still match', () => {
    const value = fc.anything({ withSparseArray: true, withNullPrototype: true, withObjectString: false, withBigInt: false, withBoxedValues: false });
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalJson(v)).toBe(canonicalBefore(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('is the text it was before for uploads whose lines share a shape or not', () => {
    const line = fc.dictionary(fc.constantFrom('feedetl_sn', 'cnt', 'pric', 'memo', 'med_list_codg', 'z', 'a'), fc.oneof(fc.string(), fc.integer(), fc.constant(null)));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), fc.boolean(), (lines, same) => {
        const feedetail = same ? lines.map((l) => ({ feedetl_sn: 'x', cnt: 1, ...l })) : lines;
        const key = { infno: '2301', input: { feedetail, nested: { b: feedetail[0] ?? null, a: 1 } } };
        expect(canonicalJson(key)).toBe(canonicalBefore(key));
      }),
      { numRuns: 1000 },
    );
  });

  it('hashes a known request to the hash stored for it', () => {
    // Fixed so that any change of the hashed text shows here, not in refused retries.
    expect(requestHash({ infno: '2301', input: { feedetail: [{ feedetl_sn: 'L1', cnt: 2, pric: '61.70' }] } })).toBe(
      '4cfb850c3f5710a3414df481e3239ae07efd401c28af502d38a97ec8d6ce8cb3',
    );
  });
});
