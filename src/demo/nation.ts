import { areaList } from '@vant/area-data';
import type { ChronicDisease, Region } from '../reference/model.ts';
import { BIG_CITIES, PHONE_AREA_CODES } from './names.ts';

/**
 * The geography the generators draw from: every pooling area with its
 * province, its counties (for ID-number address codes and district names) and a
 * population weight. Built from region rows, so the demo generates for exactly
 * the pooling areas the database knows.
 */

export interface County {
  code: string;
  name: string;
}

export interface Area {
  code: string;
  /** the name used in institution names and addresses: 深圳市, 北京市 … */
  name: string;
  province: string;
  provinceName: string;
  counties: County[];
  /** relative population, for spreading persons and institutions */
  weight: number;
  phoneCode: string;
}

export interface Nation {
  /** pooling areas with the scheme, by code */
  areas: Area[];
  /** province codes with the scheme, sorted */
  provinces: string[];
  /** outpatient chronic diseases settled directly across provinces */
  crossProvinceDiseases: string[];
  /** every known chronic disease code */
  diseases: Set<string>;
  /** cumulative weights of `areas`, for weighted picks */
  cumulative: Float64Array;
}

const MUNICIPALITIES = new Set(['11', '12', '31', '50']);
/** The sparsely populated west, where a prefecture's many counties hold few people. */
const SPARSE = new Set(['54', '63', '65']);
/** Entries of the package's county list that are development zones or colleges, not places to name things after. */
const PLACE_SUFFIX = /(区|县|市|旗|镇|街道|乡)$/;

const countiesByPrefix = (() => {
  const out = new Map<string, County[]>();
  for (const [code, name] of Object.entries(areaList.county_list)) {
    if (!PLACE_SUFFIX.test(name) || name.endsWith('开发区') || name.endsWith('市辖区')) continue;
    for (const prefix of [code.slice(0, 2), code.slice(0, 4)]) {
      const list = out.get(prefix);
      if (list) list.push({ code, name });
      else out.set(prefix, [{ code, name }]);
    }
  }
  for (const list of out.values()) list.sort((a, b) => (a.code < b.code ? -1 : 1));
  return out;
})();

function syntheticPhoneCode(code: string): string {
  // Three digits from the division code, kept clear of the two-digit big-city codes (010, 020 …).
  return `0${(300 + (Number(code.slice(0, 4)) % 700)).toString()}`;
}

export function buildNation(rows: readonly Region[], diseases: readonly ChronicDisease[]): Nation {
  // A municipality is both a province and a pooling area, so it may come twice.
  const regions = [...new Map(rows.map((r) => [r.code, r])).values()];
  const provinceNames = new Map(regions.filter((r) => r.level === 1).map((r) => [r.code, r.name_zh]));
  const pooling = regions.filter((r) => r.is_pooling && r.has_scheme).sort((a, b) => (a.code < b.code ? -1 : 1));
  const areas: Area[] = pooling.map((r) => {
    const pp = r.code.slice(0, 2);
    const province = `${pp}0000`;
    const municipality = MUNICIPALITIES.has(pp);
    const counties = countiesByPrefix.get(municipality || r.level === 1 ? pp : r.code.slice(0, 4)) ?? [];
    if (counties.length === 0) throw new Error(`no counties known for pooling area ${r.code} ${r.name_zh}`);
    // Population proxy: counties, scaled up for municipalities, capitals and known big cities.
    let weight = 1 + counties.length / 8;
    if (municipality) weight *= 6;
    else if (r.code.slice(2, 4) === '01') weight *= 3;
    else if (BIG_CITIES.has(r.code)) weight *= 2.5;
    else if (SPARSE.has(pp)) weight *= 0.4;
    return {
      code: r.code,
      name: r.name_zh,
      province,
      provinceName: provinceNames.get(province) ?? '',
      counties,
      weight,
      phoneCode: PHONE_AREA_CODES[r.code] ?? syntheticPhoneCode(r.code),
    };
  });
  const cumulative = new Float64Array(areas.length);
  let sum = 0;
  areas.forEach((a, i) => {
    sum += a.weight;
    cumulative[i] = sum;
  });
  return {
    areas,
    provinces: [...new Set(areas.map((a) => a.province))].sort(),
    crossProvinceDiseases: diseases.filter((d) => d.cross_province).map((d) => d.code),
    diseases: new Set(diseases.map((d) => d.code)),
    cumulative,
  };
}

/** The area at `u` ∈ [0, 1) of the cumulative weight. */
export function areaAt(nation: Nation, u: number): Area {
  const c = nation.cumulative;
  const target = u * c[c.length - 1]!;
  let lo = 0;
  let hi = c.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (c[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return nation.areas[lo]!;
}

export function areaByCode(nation: Nation, code: string): Area {
  const a = nation.areas.find((x) => x.code === code);
  if (!a) throw new Error(`${code} is not a pooling area of this nation`);
  return a;
}

/**
 * The name an area goes by in a hospital's name. Province-administered county
 * groups (省直辖县级行政区划) are no city: there the county itself names it.
 */
export function townOf(area: Area, county: County): string {
  return area.code.slice(2, 4) === '90' ? county.name : area.name;
}
