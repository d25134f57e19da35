import { describe, expect, it } from 'vitest';
import { areaList } from '@vant/area-data';
import { cityNameEn, regions } from './regions.ts';

const byCode = new Map(regions.map((r) => [r.code, r]));
const get = (code: string) => {
  const r = byCode.get(code);
  if (!r) throw new Error(`no region ${code}`);
  return r;
};

describe('regions', () => {
  it('has exactly the 34 provincial divisions, each with an English name', () => {
    const provinces = regions.filter((r) => r.level === 1);
    expect(provinces).toHaveLength(34);
    expect(provinces.map((p) => p.code).sort()).toEqual(Object.keys(areaList.province_list).sort());
    for (const p of provinces) {
      expect(p.parent).toBeNull();
      expect(p.name_en).toMatch(/^[A-Z][A-Za-z ]+$/);
    }
    expect(get('150000').name_en).toBe('Inner Mongolia');
    expect(get('810000').name_en).toBe('Hong Kong');
    expect(get('440000')).toMatchObject({ name_zh: '广东省', name_en: 'Guangdong' });
  });

  it('takes every code and name from the package', () => {
    for (const r of regions) {
      expect(r.code).toMatch(/^\d{6}$/);
      const source = r.level === 1 ? areaList.province_list : areaList.city_list;
      expect(source[r.code], r.code).toBeDefined();
    }
    expect(new Set(regions.map((r) => r.code)).size).toBe(regions.length);
  });

  it('hangs each prefecture-level division under the province of its code', () => {
    for (const r of regions.filter((x) => x.level === 2)) {
      expect(r.parent).toBe(`${r.code.slice(0, 2)}0000`);
      expect(byCode.has(r.parent!)).toBe(true);
    }
  });

  it('pools the four municipalities at province level, not their city-level rows', () => {
    for (const code of ['110000', '120000', '310000', '500000']) expect(get(code).is_pooling).toBe(true);
    for (const code of ['110100', '120100', '310100', '500100', '500200']) expect(get(code).is_pooling).toBe(false);
    expect(get('500200')).toMatchObject({ name_zh: '重庆市县', name_en: 'Chongqing counties' });
    expect(get('110100')).toMatchObject({ name_zh: '北京市市辖区', name_en: 'Beijing districts' });
  });

  it('pools every prefecture city of the provinces, and not the provinces', () => {
    expect(get('440000').is_pooling).toBe(false);
    expect(get('440100')).toMatchObject({ level: 2, parent: '440000', name_zh: '广州市', name_en: 'Guangzhou', is_pooling: true });
    expect(get('441900').is_pooling).toBe(true); // 东莞, a city without districts
  });

  it('makes the county-level cities under a province one pooling area', () => {
    expect(get('429000')).toMatchObject({ name_zh: '湖北省省直辖县级行政区划', is_pooling: true, parent: '420000' });
    expect(get('469000')).toMatchObject({ name_zh: '海南省省直辖县级行政区划', is_pooling: true });
    expect(get('419000').is_pooling).toBe(true);
    expect(get('659000')).toMatchObject({ name_en: 'Xinjiang county-level divisions under the region', is_pooling: true });
  });

  it('keeps Taiwan, Hong Kong and Macao outside the scheme, with no pooling areas', () => {
    for (const code of ['710000', '810000', '820000']) {
      expect(get(code)).toMatchObject({ has_scheme: false, is_pooling: false });
      expect(regions.filter((r) => r.parent === code)).toEqual([]);
    }
    expect(regions.filter((r) => !r.has_scheme)).toHaveLength(3);
  });

  it("parents every pooling area in a province that has the scheme", () => {
    const pooling = regions.filter((r) => r.is_pooling);
    for (const r of pooling) {
      const province = r.level === 1 ? r : get(r.parent!);
      expect(province.level).toBe(1);
      expect(province.has_scheme).toBe(true);
    }
    // Each mainland province pools either itself or its cities, never both.
    for (const p of regions.filter((r) => r.level === 1 && r.has_scheme)) {
      const cities = pooling.filter((r) => r.parent === p.code).length;
      expect(p.is_pooling ? cities === 0 : cities > 0, p.code).toBe(true);
    }
    console.log(`${regions.length} divisions, ${pooling.length} pooling areas`);
    expect(pooling.length).toBeGreaterThan(330);
    expect(pooling.length).toBeLessThan(350);
  });

  it('gives every prefecture-level division a clean English name', () => {
    for (const r of regions.filter((x) => x.level === 2)) expect(r.name_en, r.code).toMatch(/^[A-Z][A-Za-zü' -]+$/);
  });
});

describe('cityNameEn', () => {
  it.each([
    ['广州市', 'Guangzhou'],
    ['西安市', "Xi'an"],
    ['马鞍山市', "Ma'anshan"],
    ['吕梁市', 'Lüliang'],
    ['长沙市', 'Changsha'],
    ['重庆市', 'Chongqing'],
    ['蚌埠市', 'Bengbu'],
    ['恩施土家族苗族自治州', 'Enshi Tujia and Miao Autonomous Prefecture'],
    ['延边朝鲜族自治州', 'Yanbian Korean Autonomous Prefecture'],
    ['海西蒙古族藏族自治州', 'Haixi Mongol and Tibetan Autonomous Prefecture'],
    ['博尔塔拉蒙古自治州', 'Bortala Mongol Autonomous Prefecture'],
    ['克孜勒苏柯尔克孜自治州', 'Kizilsu Kirgiz Autonomous Prefecture'],
    ['伊犁哈萨克自治州', 'Ili Kazak Autonomous Prefecture'],
    ['喀什地区', 'Kashgar Prefecture'],
    ['锡林郭勒盟', 'Xilingol League'],
    ['乌鲁木齐市', 'Urumqi'],
  ])('%s → %s', (zh, en) => {
    expect(cityNameEn(zh)).toBe(en);
  });
});
