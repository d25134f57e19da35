import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isObject, withoutBlanks } from './envelope.ts';

/** withoutBlanks as it was before it copied only what holds a blank. */
function withoutBlanksBefore(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutBlanksBefore);
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== '' && x !== null) out[k] = withoutBlanksBefore(x);
  return out;
}

describe('blank fields', () => {
  const json = fc.jsonValue().chain((v) => fc.constantFrom(v, { input: { feedetail: [v, '', null, { a: '', b: v }] } }));

  it('are dropped as before, for any JSON value', () => {
    fc.assert(
      fc.property(json, (v) => {
        const before = JSON.stringify(v);
        expect(withoutBlanks(v)).toStrictEqual(withoutBlanksBefore(v));
        // The value read is never changed.
        expect(JSON.stringify(v)).toBe(before);
      }),
      { numRuns: 2000 },
    );
  });

  it('leave a value without blanks as it is, and copy only the parts holding one', () => {
    const lines = [{ a: 1, b: 'x' }, { a: 2, b: '' }];
    const input = { feedetail: lines, other: { c: [1, 2] } };
    const out = withoutBlanks(input) as typeof input;
    expect(out).toStrictEqual({ feedetail: [{ a: 1, b: 'x' }, { a: 2 }], other: { c: [1, 2] } });
    expect(out.feedetail[0]).toBe(lines[0]);
    expect(out.other).toBe(input.other);
    expect(withoutBlanks(input.other)).toBe(input.other);
  });
});
