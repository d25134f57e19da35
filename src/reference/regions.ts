import { areaList } from '@vant/area-data';
import { pinyin } from 'pinyin-pro';
import type { Region } from './model.ts';

/**
 * The provincial and prefecture-level divisions, built from the GB/T 2260 codes
 * and names shipped in `@vant/area-data`: no code is typed by hand here. What
 * the package does not say (English names, which divisions pool insurance) is
 * added by the rules below.
 */

/** English names of the 34 provincial divisions, in the forms used by the State Council. */
const PROVINCE_EN: Record<string, string> = {
  '110000': 'Beijing',
  '120000': 'Tianjin',
  '130000': 'Hebei',
  '140000': 'Shanxi',
  '150000': 'Inner Mongolia',
  '210000': 'Liaoning',
  '220000': 'Jilin',
  '230000': 'Heilongjiang',
  '310000': 'Shanghai',
  '320000': 'Jiangsu',
  '330000': 'Zhejiang',
  '340000': 'Anhui',
  '350000': 'Fujian',
  '360000': 'Jiangxi',
  '370000': 'Shandong',
  '410000': 'Henan',
  '420000': 'Hubei',
  '430000': 'Hunan',
  '440000': 'Guangdong',
  '450000': 'Guangxi',
  '460000': 'Hainan',
  '500000': 'Chongqing',
  '510000': 'Sichuan',
  '520000': 'Guizhou',
  '530000': 'Yunnan',
  '540000': 'Tibet',
  '610000': 'Shaanxi',
  '620000': 'Gansu',
  '630000': 'Qinghai',
  '640000': 'Ningxia',
  '650000': 'Xinjiang',
  '710000': 'Taiwan',
  '810000': 'Hong Kong',
  '820000': 'Macao',
};

/** The municipalities pool at province level; their city-level rows are only groupings of districts. */
const MUNICIPALITIES = new Set(['11', '12', '31', '50']);

/**
 * Divisions outside the mainland scheme. GB/T 2260 lists them only at the
 * provincial level (the package's sub-codes for them are its own), so they have
 * no prefecture rows here.
 */
const OUTSIDE_SCHEME = new Set(['71', '81', '82']);

/** Place names from minority languages whose established English form is not their pinyin. */
const PLACE_EN: Record<string, string> = {
  哈尔滨: 'Harbin',
  齐齐哈尔: 'Qiqihar',
  呼和浩特: 'Hohhot',
  鄂尔多斯: 'Ordos',
  呼伦贝尔: 'Hulunbuir',
  巴彦淖尔: 'Bayannur',
  乌兰察布: 'Ulanqab',
  兴安: 'Hinggan',
  锡林郭勒: 'Xilingol',
  阿拉善: 'Alxa',
  大兴安岭: 'Da Hinggan Ling',
  乌鲁木齐: 'Urumqi',
  克拉玛依: 'Karamay',
  吐鲁番: 'Turpan',
  博尔塔拉: 'Bortala',
  巴音郭楞: 'Bayingolin',
  阿克苏: 'Aksu',
  克孜勒苏: 'Kizilsu',
  喀什: 'Kashgar',
  和田: 'Hotan',
  伊犁: 'Ili',
  阿勒泰: 'Altay',
  拉萨: 'Lhasa',
  日喀则: 'Xigaze',
  昌都: 'Qamdo',
  林芝: 'Nyingchi',
  那曲: 'Nagqu',
  阿里: 'Ngari',
  阿坝: 'Ngawa',
  甘孜: 'Garze',
  果洛: 'Golog',
};

/** Peoples named in autonomous prefectures, longest names first so 蒙古族 wins over 蒙古. */
const PEOPLES: [string, string][] = [
  ['柯尔克孜', 'Kirgiz'],
  ['土家族', 'Tujia'],
  ['朝鲜族', 'Korean'],
  ['布依族', 'Bouyei'],
  ['哈尼族', 'Hani'],
  ['景颇族', 'Jingpo'],
  ['傈僳族', 'Lisu'],
  ['蒙古族', 'Mongol'],
  ['哈萨克', 'Kazak'],
  ['苗族', 'Miao'],
  ['藏族', 'Tibetan'],
  ['羌族', 'Qiang'],
  ['彝族', 'Yi'],
  ['侗族', 'Dong'],
  ['壮族', 'Zhuang'],
  ['傣族', 'Dai'],
  ['白族', 'Bai'],
  ['回族', 'Hui'],
  ['蒙古', 'Mongol'],
];

/** Hanyu pinyin as a place name: one word, syllables run together, an apostrophe before a, o, e (Xi'an). */
function placeName(zh: string): string {
  const known = PLACE_EN[zh];
  if (known) return known;
  const syllables = pinyin(zh, { toneType: 'none', type: 'array' });
  const word = syllables.map((s, i) => (i > 0 && /^[aoe]/.test(s) ? `'${s}` : s)).join('');
  return word.charAt(0).toUpperCase() + word.slice(1);
}

export function cityNameEn(zh: string): string {
  if (zh.endsWith('自治州')) {
    let rest = zh.slice(0, -3);
    const peoples: string[] = [];
    for (let hit = true; hit; ) {
      hit = false;
      for (const [p, en] of PEOPLES) {
        if (rest.endsWith(p) && rest.length > p.length) {
          peoples.unshift(en);
          rest = rest.slice(0, -p.length);
          hit = true;
          break;
        }
      }
    }
    return [placeName(rest), ...(peoples.length ? [peoples.join(' and ')] : []), 'Autonomous Prefecture'].join(' ');
  }
  if (zh.endsWith('地区')) return `${placeName(zh.slice(0, -2))} Prefecture`;
  if (zh.endsWith('盟')) return `${placeName(zh.slice(0, -1))} League`;
  return placeName(zh.endsWith('市') ? zh.slice(0, -1) : zh);
}

function buildRegions(): Region[] {
  const out: Region[] = [];
  for (const [code, name_zh] of Object.entries(areaList.province_list)) {
    const pp = code.slice(0, 2);
    const name_en = PROVINCE_EN[code];
    if (!name_en) throw new Error(`no English name for province ${code} ${name_zh}`);
    const has_scheme = !OUTSIDE_SCHEME.has(pp);
    out.push({ code, level: 1, parent: null, name_zh, name_en, is_pooling: MUNICIPALITIES.has(pp), has_scheme });
  }
  const provinces = new Map(out.map((r) => [r.code.slice(0, 2), r]));
  for (const [code, vantName] of Object.entries(areaList.city_list)) {
    const pp = code.slice(0, 2);
    const cc = code.slice(2, 4);
    if (OUTSIDE_SCHEME.has(pp)) continue;
    const province = provinces.get(pp);
    if (!province) throw new Error(`city ${code} has no province`);
    let name_zh = vantName;
    let name_en: string;
    if (MUNICIPALITIES.has(pp)) {
      // GB/T 2260 names these 市辖区 (01) and 县 (02); the package repeats the municipality's name.
      const districts = cc === '01';
      name_zh = `${province.name_zh}${districts ? '市辖区' : '县'}`;
      name_en = `${province.name_en} ${districts ? 'districts' : 'counties'}`;
    } else if (cc === '90') {
      // County-level cities governed directly by the province (仙桃, 五指山, 石河子 …) form one pooling area.
      const autonomous = province.name_zh.endsWith('自治区');
      name_zh = `${province.name_zh}${autonomous ? '自治区' : '省'}直辖县级行政区划`;
      name_en = `${province.name_en} county-level divisions under the ${autonomous ? 'region' : 'province'}`;
    } else {
      name_en = cityNameEn(vantName);
    }
    out.push({ code, level: 2, parent: province.code, name_zh, name_en, is_pooling: !MUNICIPALITIES.has(pp), has_scheme: true });
  }
  return out.sort((a, b) => (a.code < b.code ? -1 : 1));
}

/** Every division, provinces first within each province's block, sorted by code. */
export const regions: readonly Region[] = Object.freeze(buildRegions());
