import { describe, expect, it } from 'vitest';
import type { Region } from './model.ts';
import { isCrossProvincial, isDivisionCode, notPoolingReason, provinceOf } from './rules.ts';

const region = (r: Partial<Region> & { code: string }): Region => ({
  level: 2,
  parent: `${r.code.slice(0, 2)}0000`,
  name_zh: 'x',
  name_en: 'x',
  is_pooling: false,
  has_scheme: true,
  ...r,
});

describe('places', () => {
  it('provinceOf and isCrossProvincial read the first two digits', () => {
    expect(provinceOf('440106')).toBe('440000');
    expect(provinceOf('110000')).toBe('110000');
    expect(isCrossProvincial('440100', '110000')).toBe(true);
    expect(isCrossProvincial('440100', '440300')).toBe(false);
    expect(isCrossProvincial('440100', '440100')).toBe(false);
    expect(isDivisionCode('440100')).toBe(true);
    expect(isDivisionCode('44010')).toBe(false);
    expect(isDivisionCode('44010a')).toBe(false);
  });

  it('notPoolingReason says why and what to use instead', () => {
    const beijing = region({ code: '110000', level: 1, parent: null, name_zh: '北京市', is_pooling: true });
    expect(notPoolingReason('440100', region({ code: '440100', is_pooling: true }), undefined)).toBeNull();
    expect(notPoolingReason('110000', beijing, undefined)).toBeNull();
    expect(notPoolingReason('4401', undefined, undefined)).toBe('must be a 6-digit division code, got "4401"');
    expect(notPoolingReason('449900', undefined, undefined)).toBe('449900 is not a pooling area (there is no such division)');
    expect(notPoolingReason('110100', region({ code: '110100', name_zh: '北京市市辖区' }), beijing)).toBe(
      '110100 (北京市市辖区) is not a pooling area: 北京市 pools at province level, use 110000',
    );
    expect(notPoolingReason('440000', region({ code: '440000', level: 1, parent: null, name_zh: '广东省' }), undefined)).toMatch(
      /^440000 \(广东省\) is not a pooling area: it is a province/,
    );
    expect(notPoolingReason('810000', region({ code: '810000', level: 1, parent: null, name_zh: '香港特别行政区', has_scheme: false }), undefined)).toMatch(
      /outside the mainland insurance scheme/,
    );
  });
});
