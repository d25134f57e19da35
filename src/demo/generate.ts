import type { CatalogItem, ItemClass } from '../catalog/model.ts';
import { certnoFor } from '../core/idcard.ts';
import { psnNo } from '../core/ids.ts';
import { divRoundHalfUp, type Fen } from '../core/money.ts';
import type { CrossRegionalService, Institution, InstitutionItemMapping, InstitutionKind } from '../institutions/model.ts';
import type { Enrolment, Gender, PersonRecord } from '../people/model.ts';
import {
  CONSUMABLES,
  ESSENTIAL_ITEMS,
  HERBAL_PIECES,
  IMAGING_MODALITIES,
  IMAGING_PARTS,
  PATENT_DRUGS,
  SERVICE_ITEMS,
  WESTERN_DRUGS,
} from './catalog-data.ts';
import type { NationalItem, Persona, PersonaFiling, PersonaKey, StaffSeed } from './model.ts';
import { areaAt, areaByCode, townOf, type Area, type County, type Nation } from './nation.ts';
import {
  CITY_HOSPITALS,
  CLINIC_SUFFIXES,
  DISTRICT_HOSPITALS,
  EMPLOYER_TRADES,
  EMPLOYER_WORDS,
  GIVEN_FEMALE,
  GIVEN_MALE,
  NEIGHBOURHOODS,
  PHARMACY_BRANDS,
  PUBLIC_EMPLOYERS,
  STREET_STEMS,
  STREET_SUFFIXES,
  SURNAMES,
} from './names.ts';
import { Rng } from './rng.ts';
import { hashLabel, mix32, permute32, permuteBelow } from './scramble.ts';

/**
 * The synthetic nation: institutions, catalogues, persons, personas and staff,
 * each a pure function of the seed (and the geography). Each part draws from its
 * own forked generator, so asking for more persons leaves the institutions and
 * catalogues as they were, and person i is the same whatever the batch size.
 */

export const DEFAULT_INSTITUTIONS = 2000;
export const DEFAULT_CATALOG_ITEMS = 1200;
export const DEFAULT_PERSONS = 10_000;
export const DEFAULT_YEAR = 2026;

// ---------------------------------------------------------------- dates

const DAY_MS = 86_400_000;
const pad = (n: number, width: number) => String(n).padStart(width, '0');

function dayNumber(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return dateOf(dayNumber(date) + days);
}

/** The same day `months` later, or the month's last day when it has no such day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: string, months: number): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) - 1 + months;
  const d = Number(date.slice(8, 10));
  const year = y + Math.floor(m / 12);
  const month = ((m % 12) + 12) % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return `${pad(year, 4)}-${pad(month + 1, 2)}-${pad(Math.min(d, last), 2)}`;
}

/** A day drawn uniformly from [from, to]. */
function dateBetween(rng: Rng, from: string, to: string): string {
  const a = dayNumber(from);
  const b = dayNumber(to);
  return dateOf(b <= a ? a : rng.int(a, b));
}

const maxDate = (a: string, b: string) => (a > b ? a : b);
const minDate = (a: string, b: string) => (a < b ? a : b);

// ---------------------------------------------------------------- small helpers

/** An early-biased pick: list order is commonness. */
function pickCommon<T>(rng: Rng, items: readonly T[]): T {
  const u = rng.next();
  return items[Math.floor(u * u * items.length)]!;
}

function digits(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(rng.int(0, 9));
  return s;
}

function hex(rng: Rng, n: number): string {
  let s = '';
  while (s.length < n) s += rng.nextU32().toString(16).padStart(8, '0');
  return s.slice(0, n);
}

const NUMERALS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const PLACES = ['', '十', '百', '千'];
/** A positive integer in Chinese numerals (5 → 五, 12 → 十二, 105 → 一百零五); Arabic digits from 10 000. */
function numeral(n: number): string {
  if (n >= 10_000) return String(n);
  if (n >= 10 && n < 20) return `十${n % 10 === 0 ? '' : NUMERALS[n % 10]}`;
  const ds = String(n).split('').map(Number);
  let out = '';
  let zero = false;
  ds.forEach((d, idx) => {
    if (d === 0) {
      zero = out !== '';
      return;
    }
    if (zero) out += '零';
    zero = false;
    out += NUMERALS[d]! + PLACES[ds.length - 1 - idx]!;
  });
  return out;
}

/** Splits `total` over `weights` by largest remainder (ties to the earlier), so the parts sum to the total. */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0; k++, left--) parts[order[k % order.length]!.i]!++;
  return parts;
}

function street(rng: Rng): string {
  return `${pickCommon(rng, STREET_STEMS)}${rng.pick(STREET_SUFFIXES)}${rng.int(1, 999)}号`;
}

/** 广东省深圳市福田区, 北京市朝阳区, 湖北省仙桃市. */
function placePrefix(area: Area, county: County): string {
  if (area.code.endsWith('0000')) return `${area.name}${county.name}`;
  if (area.code.slice(2, 4) === '90') return `${area.provinceName}${county.name}`;
  return `${area.provinceName}${area.name}${county.name}`;
}

function landline(rng: Rng, area: Area): string {
  return `${area.phoneCode}-${rng.int(2, 8)}${digits(rng, 7)}`;
}

const MOBILE_PREFIXES = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '155', '158', '159', '177', '180', '186', '187', '188', '189', '199'];
function mobile(rng: Rng): string {
  return `${rng.pick(MOBILE_PREFIXES)}${digits(rng, 8)}`;
}

// ---------------------------------------------------------------- institutions

interface AreaState {
  area: Area;
  rng: Rng;
  names: Set<string>;
  serial: { H: number; P: number };
  cityHospitals: number;
  fallback: number;
}

function institutionCode(s: AreaState, kind: InstitutionKind): string {
  const letter = kind === 'pharmacy' ? 'P' : 'H';
  s.serial[letter]++;
  if (s.serial[letter] > 99_999) throw new RangeError(`more than 99 999 ${kind} codes in ${s.area.code}`);
  return `${letter}${s.area.code}${pad(s.serial[letter], 5)}`;
}

/** A name not yet used in the area: a few draws from the pattern, then a numbered form that cannot clash. */
function uniqueName(s: AreaState, draw: () => string, numbered: (n: number) => string): string {
  for (let attempt = 0; attempt < 8; attempt++) {
    const name = draw();
    if (!s.names.has(name)) {
      s.names.add(name);
      return name;
    }
  }
  for (;;) {
    const name = numbered(++s.fallback);
    if (!s.names.has(name)) {
      s.names.add(name);
      return name;
    }
  }
}

type Tier = 'city' | 'district' | 'community' | 'clinic' | 'pharmacy';

function nameFor(s: AreaState, tier: Tier, county: County): string {
  const { rng, area } = s;
  const town = townOf(area, county);
  switch (tier) {
    case 'city':
      return uniqueName(
        s,
        () => `${town}${CITY_HOSPITALS[Math.min(s.cityHospitals++, CITY_HOSPITALS.length - 1)]}`,
        (n) => `${town}第${numeral(4 + n)}人民医院`,
      );
    case 'district':
      return uniqueName(
        s,
        () => `${rng.pick(area.counties).name}${pickCommon(rng, DISTRICT_HOSPITALS)}`,
        (n) => `${county.name}第${numeral(1 + n)}医院`,
      );
    case 'community': {
      const kind = /(区|街道)$/.test(county.name) ? '社区卫生服务中心' : '镇卫生院';
      return uniqueName(
        s,
        () => `${county.name}${rng.pick(NEIGHBOURHOODS)}${kind}`,
        (n) => `${county.name}第${numeral(n)}社区卫生服务中心`,
      );
    }
    case 'clinic':
      return uniqueName(
        s,
        () =>
          rng.chance(0.5)
            ? `${pickCommon(rng, SURNAMES)}${rng.pick(GIVEN_MALE)}${rng.pick(GIVEN_MALE)}${rng.pick(CLINIC_SUFFIXES.slice(0, 3))}`
            : `${county.name}${rng.pick(NEIGHBOURHOODS)}${rng.pick(CLINIC_SUFFIXES.slice(1))}`,
        (n) => `${county.name}第${numeral(n)}门诊部`,
      );
    case 'pharmacy':
      return uniqueName(
        s,
        () => `${rng.pick(PHARMACY_BRANDS)}大药房(${county.name}${rng.pick(NEIGHBOURHOODS)}店)`,
        (n) => `${rng.pick(PHARMACY_BRANDS)}大药房(${county.name}${n}号店)`,
      );
  }
}

function someDiseases(rng: Rng, nation: Nation, p: number): string[] {
  return nation.crossProvinceDiseases.filter(() => rng.chance(p));
}

function makeInstitution(s: AreaState, nation: Nation, tier: Tier, core: boolean): Institution {
  const { rng, area } = s;
  const county = rng.pick(area.counties);
  const kind: InstitutionKind = tier === 'pharmacy' ? 'pharmacy' : tier === 'clinic' ? 'clinic' : 'hospital';
  const code = institutionCode(s, kind);
  const name = nameFor(s, tier, county);
  let level: 1 | 2 | 3 = 1;
  let services: CrossRegionalService[] = [];
  let chronic: string[] = [];
  switch (tier) {
    case 'city':
      level = core || rng.chance(0.6) ? 3 : 2;
      services = ['inpatient', 'outpatient'];
      chronic = core ? [...nation.crossProvinceDiseases] : someDiseases(rng, nation, level === 3 ? 0.75 : 0.45);
      break;
    case 'district':
      level = 2;
      if (rng.chance(0.92)) {
        services = rng.chance(0.85) ? ['inpatient', 'outpatient'] : ['outpatient'];
        chronic = someDiseases(rng, nation, 0.4);
      }
      break;
    case 'community':
      if (rng.chance(0.8)) {
        services = rng.chance(0.25) ? ['inpatient', 'outpatient'] : ['outpatient'];
        chronic = someDiseases(rng, nation, 0.2);
      }
      break;
    case 'clinic':
      if (rng.chance(0.55)) services = ['outpatient'];
      break;
    case 'pharmacy':
      if (core || rng.chance(0.85)) services = ['pharmacy'];
      break;
  }
  return {
    code,
    name,
    admdvs: area.code,
    kind,
    level,
    services,
    chronic_diseases: chronic,
    status: !core && rng.chance(0.03) ? 'suspended' : 'active',
    address: `${placePrefix(area, county)}${street(rng)}`,
    phone: landline(rng, area),
  };
}

function drawTier(rng: Rng): Tier {
  const u = rng.next();
  if (u < 0.08) return 'city';
  if (u < 0.24) return 'district';
  if (u < 0.4) return 'community';
  if (u < 0.6) return 'clinic';
  return 'pharmacy';
}

/**
 * `count` designated institutions (at least two per pooling area): every area
 * gets a level-3 general hospital open for inpatient and outpatient care and
 * all cross-province chronic diseases, and a networked pharmacy; the rest are
 * spread by population.
 */
export function generateInstitutions(seed: number, nation: Nation, count = DEFAULT_INSTITUTIONS): Institution[] {
  const root = new Rng(seed).fork('institutions');
  const extra = Math.max(0, count - 2 * nation.areas.length);
  const perArea = apportion(
    extra,
    nation.areas.map((a) => a.weight),
  );
  const out: Institution[] = [];
  nation.areas.forEach((area, i) => {
    const s: AreaState = { area, rng: root.fork(area.code), names: new Set(), serial: { H: 0, P: 0 }, cityHospitals: 0, fallback: 0 };
    out.push(makeInstitution(s, nation, 'city', true), makeInstitution(s, nation, 'pharmacy', true));
    for (let k = 0; k < perArea[i]!; k++) out.push(makeInstitution(s, nation, drawTier(s.rng), false));
  });
  return out;
}

// ---------------------------------------------------------------- catalogue

interface Candidate {
  name: string;
  list_type: string;
  med_chrgitm_type: string;
  code: (rng: Rng) => string;
}

/** Every item the word lists can make, in a fixed order; codes depend on position, so they never clash. */
function candidates(): Candidate[] {
  const out: Candidate[] = [];
  const forms: string[] = [];
  let stem = 0;
  for (const [atc, spec] of WESTERN_DRUGS) {
    for (const entry of spec.split(';')) {
      const [generic, formList] = entry.split(':') as [string, string];
      const stemId = `${String.fromCharCode(65 + Math.floor(stem / 1000))}${pad(stem % 1000, 3)}`;
      stem++;
      for (const form of formList.split(',')) {
        let f = forms.indexOf(form);
        if (f < 0) f = forms.push(form) - 1;
        const name = form === '' ? generic : form === '注射用' ? `注射用${generic}` : `${generic}${form}`;
        out.push({ name, list_type: '101', med_chrgitm_type: '09', code: (rng) => `X${atc}${stemId}A${pad(f, 3)}0101${digits(rng, 5)}` });
      }
    }
  }
  PATENT_DRUGS.forEach((name, i) => {
    out.push({
      name,
      list_type: '102',
      med_chrgitm_type: '11',
      code: (rng) => `ZA${pad(1 + (i % 16), 2)}AAL${pad(i, 3)}B0010101${digits(rng, 5)}`,
    });
  });
  HERBAL_PIECES.forEach((name, i) => {
    out.push({ name, list_type: '103', med_chrgitm_type: '10', code: (rng) => `T${pad(i + 1, 6)}${digits(rng, 3)}` });
  });
  // Chapters of the national service-item code by charge type: 11 general services, 12 nursing, 21 imaging, 25 laboratory, 31 treatment, 33 surgery.
  const chapter: Record<string, string> = { '01': '11', '02': '11', '13': '11', '12': '11', '07': '12', '03': '21', '04': '25', '05': '31', '06': '33' };
  let service = 0;
  const addService = (name: string, type: string) => {
    const n = service++;
    out.push({ name, list_type: '201', med_chrgitm_type: type, code: () => `0${chapter[type]}${pad(1 + (n % 10), 2)}${pad(100_000 + n, 6)}0000` });
  };
  for (const [type, names] of SERVICE_ITEMS) for (const name of names) addService(name, type);
  for (const modality of IMAGING_MODALITIES) for (const part of IMAGING_PARTS) addService(`${modality}(${part})`, '03');
  let consumable = 0;
  for (const entry of CONSUMABLES) {
    const [base, sizes] = entry.split('|') as [string, string | undefined];
    for (const size of sizes ? sizes.split(',') : ['']) {
      const n = consumable++;
      out.push({
        name: size ? `${base}(${size})` : base,
        list_type: '301',
        med_chrgitm_type: '08',
        code: (rng) => `C${pad(1 + (n % 14), 2)}${pad(1 + (n % 7), 2)}${pad(n, 6)}${digits(rng, 9)}`,
      });
    }
  }
  return out;
}

const CANDIDATES = candidates();
export const CATALOG_CAPACITY = CANDIDATES.length;

const CLASS_SHARES: Record<string, [a: number, b: number]> = {
  '101': [0.5, 0.92],
  '102': [0.3, 0.9],
  '103': [0.1, 0.9],
  '201': [0.7, 0.95],
  '301': [0.3, 0.85],
};
const CAPPED_SHARE: Record<string, number> = { '101': 0.3, '102': 0.2, '103': 0.1, '201': 1, '301': 0.4 };
const B_SHARES = [500, 800, 1000, 1000, 1500, 2000];

function drawClass(rng: Rng, listType: string): ItemClass {
  const [a, b] = CLASS_SHARES[listType]!;
  const u = rng.next();
  return u < a ? '01' : u < b ? '02' : '03';
}

/** A typical unit price in fen by kind of item: tablets cost yuan, joints and stents tens of thousands. */
function drawPrice(rng: Rng, c: Candidate): number {
  const span = (lo: number, hi: number) => rng.int(lo, hi);
  switch (c.med_chrgitm_type) {
    case '01':
      return span(2_500, 30_000);
    case '02':
    case '13':
    case '12':
      return span(300, 5_000);
    case '07':
      return span(1_000, 20_000);
    case '04':
      return span(500, 12_000);
    case '03':
      return span(3_000, 150_000);
    case '05':
      return span(500, 60_000);
    case '06':
      return span(50_000, 2_500_000);
    case '08':
      return rng.chance(0.8) ? span(50, 20_000) : span(100_000, 5_000_000);
    case '10':
      return span(5, 2_000);
    default:
      return rng.chance(0.85) ? span(20, 10_000) : span(10_000, 800_000);
  }
}

/**
 * The national list of `count` items: those the demo stories need, then a
 * seeded choice of the rest. Most provinces list the same codes; each province
 * then makes its own choices (`provinceCatalog`).
 */
export function nationalCatalog(seed: number, count = DEFAULT_CATALOG_ITEMS): NationalItem[] {
  if (count > CANDIDATES.length) throw new RangeError(`the word lists make ${CANDIDATES.length} catalogue items, ${count} asked`);
  const rng = new Rng(seed).fork('catalog');
  const all: NationalItem[] = CANDIDATES.map((c) => {
    const lv = drawClass(rng, c.list_type);
    return {
      hilist_code: c.code(rng),
      hilist_name: c.name,
      list_type: c.list_type,
      med_chrgitm_type: c.med_chrgitm_type,
      chrgitm_lv: lv,
      selfpay_prop_bp: lv === '02' ? rng.pick(B_SHARES) : 0,
      price_fen: drawPrice(rng, c),
      capped: rng.chance(CAPPED_SHARE[c.list_type]!),
    };
  });
  const essential = all.filter((i) => ESSENTIAL_ITEMS.has(i.hilist_name));
  const rest = all.filter((i) => !ESSENTIAL_ITEMS.has(i.hilist_name));
  // A seeded Fisher–Yates shuffle, then back to list order so a catalogue reads grouped.
  const pick = rng.fork('selection');
  for (let i = rest.length - 1; i > 0; i--) {
    const j = pick.int(0, i);
    [rest[i], rest[j]] = [rest[j]!, rest[i]!];
  }
  const chosen = new Set([...essential, ...rest.slice(0, Math.max(0, count - essential.length))].slice(0, count));
  return all.filter((i) => chosen.has(i));
}

const scaled = (fen: number, percent: number) => Math.max(1, Number(divRoundHalfUp(BigInt(fen) * BigInt(percent), 100n)));

/**
 * One province's catalogue from the national list: mostly the national class,
 * sometimes its own; its own price caps; and a few items whose cap was cut in
 * the middle of `year` (two versions, the old one ending the day before).
 */
export function provinceCatalog(seed: number, national: readonly NationalItem[], province: string, year = DEFAULT_YEAR): CatalogItem[] {
  const rng = new Rng(seed).fork(`catalog:${province}`);
  const since = `${year - 1}-01-01`;
  const cut = `${year}-07-01`;
  const out: CatalogItem[] = [];
  for (const n of national) {
    let lv = n.chrgitm_lv;
    if (rng.chance(0.08)) lv = lv === '01' ? '02' : lv === '02' ? (rng.chance(0.5) ? '01' : '03') : '02';
    const share = lv !== '02' ? 0 : n.chrgitm_lv === '02' && rng.chance(0.7) ? n.selfpay_prop_bp : rng.pick(B_SHARES);
    const cap = n.capped ? scaled(n.price_fen, rng.int(85, 115)) : null;
    const base = {
      province,
      hilist_code: n.hilist_code,
      hilist_name: n.hilist_name,
      list_type: n.list_type,
      med_chrgitm_type: n.med_chrgitm_type,
      chrgitm_lv: lv,
      selfpay_prop_bp: share as CatalogItem['selfpay_prop_bp'],
    };
    if (cap !== null && rng.chance(0.015)) {
      out.push({ ...base, pric_uplmt_fen: cap as Fen, begndate: since, enddate: addDays(cut, -1) });
      out.push({ ...base, pric_uplmt_fen: scaled(cap, rng.int(80, 95)) as Fen, begndate: cut, enddate: null });
    } else {
      out.push({ ...base, pric_uplmt_fen: cap as Fen | null, begndate: since, enddate: null });
    }
  }
  return out;
}

/** Every province's catalogue. */
export function generateCatalog(seed: number, nation: Nation, count = DEFAULT_CATALOG_ITEMS, year = DEFAULT_YEAR): CatalogItem[] {
  const national = nationalCatalog(seed, count);
  return nation.provinces.flatMap((p) => provinceCatalog(seed, national, p, year));
}

const MAPPED_SHARE: Record<InstitutionKind, Record<string, number>> = {
  hospital: { '101': 0.9, '102': 0.8, '103': 0.6, '201': 0.95, '301': 0.9 },
  clinic: { '101': 0.6, '102': 0.6, '103': 0.3, '201': 0.3, '301': 0.4 },
  pharmacy: { '101': 0.8, '102': 0.8, '103': 0.5 },
};

/**
 * An institution's own item codes and the national codes they map to: a
 * hospital maps most of the list, a pharmacy only drugs; the items the stories
 * need are always mapped.
 */
export function generateItemMappings(seed: number, institution: Institution, national: readonly NationalItem[]): InstitutionItemMapping[] {
  const rng = new Rng(seed).fork(`mappings:${institution.code}`);
  const shares = MAPPED_SHARE[institution.kind];
  let local = rng.int(1, 9) * 100_000;
  const out: InstitutionItemMapping[] = [];
  for (const item of national) {
    const share = shares[item.list_type];
    if (share === undefined) continue;
    if (!ESSENTIAL_ITEMS.has(item.hilist_name) && !rng.chance(share)) continue;
    local += rng.int(1, 7);
    out.push({ institution_code: institution.code, medins_list_codg: `L${pad(local, 7)}`, hilist_code: item.hilist_code });
  }
  return out;
}

// ---------------------------------------------------------------- persons

const BIRTH_FROM = '1940-01-01';
const BIRTH_TO = '2020-12-31';
const BIRTH_DAYS = dayNumber(BIRTH_TO) - dayNumber(BIRTH_FROM) + 1;
/** ID sequence codes 000–979 go to generated persons; 980–999 are the personas'. */
const STREAM_SEQUENCES = 980;
const IDENTITY_SPACE = BIRTH_DAYS * STREAM_SEQUENCES;
/** Social security card numbers: a letter A–Y and 8 digits for generated persons; Z is the personas'. */
const CARD_SPACE = 25n * 100_000_000n;
const CARD_MULTIPLIER = 1_640_531_527n; // odd and not a multiple of 5: coprime to the card space
const PERSONA_SERIAL_BASE = 10_000_000_000_000;

export const MAX_PERSONS = IDENTITY_SPACE;

/** The keys of one seed's identifier permutations. */
interface Keys {
  identity: number;
  card: bigint;
  token: number;
}

function keysOf(seed: number): Keys {
  return {
    identity: hashLabel(seed, 'identity'),
    card: BigInt(hashLabel(seed, 'card')) % CARD_SPACE,
    token: hashLabel(seed, 'evoucher'),
  };
}

function personName(rng: Rng, gender: Gender): string {
  const given = gender === '1' ? GIVEN_MALE : GIVEN_FEMALE;
  const first = pickCommon(rng, given);
  return `${pickCommon(rng, SURNAMES)}${first}${rng.chance(0.7) ? rng.pick(given) : ''}`;
}

function employer(rng: Rng, area: Area): string {
  const town = area.code.slice(2, 4) === '90' ? area.counties[0]!.name : area.name;
  return `${town.replace(/市$/, '')}${rng.pick(EMPLOYER_WORDS)}${rng.pick(EMPLOYER_TRADES)}`;
}

/** Children's resident types by age: 1401 pre-school … 1404 upper secondary; 1405 students in higher education. */
function childType(age: number): string {
  if (age <= 6) return '1401';
  if (age <= 12) return '1402';
  if (age <= 15) return '1403';
  return '1404';
}

/** Who is ill with what, and from when: the chances grow with age, as they do. */
const CONDITIONS: { code: string; minAge: number; p: number; years: number | null }[] = [
  { code: 'M03900', minAge: 40, p: 0.12, years: null }, // hypertension
  { code: 'M01600', minAge: 40, p: 0.06, years: null }, // diabetes
  { code: 'M04600', minAge: 50, p: 0.03, years: null }, // coronary heart disease (insured place only)
  { code: 'M05300', minAge: 50, p: 0.02, years: null }, // COPD (insured place only)
  { code: 'M00500', minAge: 35, p: 0.006, years: 2 }, // malignant tumour therapy: granted for two years at a time
  { code: 'M07800', minAge: 30, p: 0.0015, years: null }, // dialysis
  { code: 'M08300', minAge: 25, p: 0.0005, years: null }, // anti-rejection therapy
];

/**
 * Person `i` (0-based) of the nation generated from `seed`: a pure function of
 * its arguments. Its ID number, card number and e-voucher come from keyed
 * permutations of `i`, so no two persons of one seed share any of them.
 */
export function personAt(seed: number, nation: Nation, i: number, year = DEFAULT_YEAR): PersonRecord {
  const keys = keysOf(seed);
  const rng = new Rng(mix32((i ^ keys.identity) >>> 0) ^ seed);
  const identity = permuteBelow(i, IDENTITY_SPACE, keys.identity);
  const sequence = identity % STREAM_SEQUENCES;
  const birth = dateOf(dayNumber(BIRTH_FROM) + Math.floor(identity / STREAM_SEQUENCES));
  const gender: Gender = sequence % 2 === 1 ? '1' : '2';
  const area = areaAt(nation, rng.next());
  const county = rng.pick(area.counties);
  const certno = certnoFor(county.code, birth, sequence);

  const card = (BigInt(i) * CARD_MULTIPLIER + keys.card) % CARD_SPACE;
  const ssCardNo = `${String.fromCharCode(65 + Number(card / 100_000_000n))}${pad(Number(card % 100_000_000n), 8)}`;
  const token = `${permute32(i, keys.token).toString(16).padStart(8, '0')}${hex(rng, 32)}`;

  const lastYearEnd = `${year - 1}-12-31`;
  const age = year - Number(birth.slice(0, 4));
  const retirementAge = gender === '1' ? 60 : 55;
  const adult = addMonths(birth, 18 * 12);

  let enrolment: Omit<Enrolment, 'psn_no'>;
  let balance: number | undefined;
  // Only those of age before this year began have had a job to enrol through.
  const employee = adult <= lastYearEnd && rng.chance(age >= retirementAge ? 0.55 : 0.62);
  if (employee) {
    const retired = age >= retirementAge;
    const u = rng.next();
    const psnType = retired ? '1201' : u < 0.08 ? '1102' : u < 0.15 ? '1103' : '1101';
    enrolment = {
      insutype: '310',
      psn_type: psnType,
      insuplc_admdvs: area.code,
      status: 'active',
      begin_date: dateBetween(rng, maxDate(adult, '1998-12-01'), minDate(addMonths(birth, retirementAge * 12), lastYearEnd)),
      suspended_date: null,
      cvlserv_flag: psnType === '1102' ? '1' : '0',
      emp_name: psnType === '1103' ? null : psnType === '1102' ? `${area.name}${rng.pick(PUBLIC_EMPLOYERS)}` : employer(rng, area),
    };
    balance = retired ? rng.int(0, 3_000_000) : rng.int(0, 800_000);
  } else {
    const student = age >= 18 && age <= 22 && rng.chance(0.5);
    enrolment = {
      insutype: '390',
      psn_type: age < 18 ? childType(age) : student ? '1405' : '1501',
      insuplc_admdvs: area.code,
      status: 'active',
      begin_date: dateBetween(rng, maxDate(birth, '2008-01-01'), maxDate(birth, lastYearEnd)),
      suspended_date: null,
      cvlserv_flag: '0',
      emp_name: null,
    };
  }
  if (rng.chance(0.02)) {
    enrolment.status = 'suspended';
    enrolment.suspended_date = dateBetween(rng, enrolment.begin_date, maxDate(enrolment.begin_date, lastYearEnd));
  }

  const qualifications: NonNullable<PersonRecord['qualifications']> = [];
  for (const c of CONDITIONS) {
    if (age < c.minAge || !nation.diseases.has(c.code) || !rng.chance(c.p)) continue;
    const begin = dateBetween(rng, maxDate(addMonths(birth, c.minAge * 12), `${year - 6}-01-01`), lastYearEnd);
    qualifications.push({
      insuplc_admdvs: area.code,
      disease_code: c.code,
      begin_date: begin,
      end_date: c.years === null ? null : addDays(addMonths(begin, c.years * 12), -1),
    });
  }

  const record: PersonRecord = {
    psn_no: psnNo(area.code, i + 1),
    psn_cert_type: '01',
    certno,
    ss_card_no: ssCardNo,
    ss_card_sn: hex(rng, 16).toUpperCase(),
    evoucher_token: token,
    name: personName(rng, gender),
    gender,
    naty: rng.chance(0.92) ? '01' : pad(rng.int(2, 56), 2),
    birth_date: birth,
    phone: age >= 18 || rng.chance(0.9) ? mobile(rng) : null,
    insuplc_admdvs: area.code,
    enrolments: [enrolment],
    qualifications,
  };
  if (balance !== undefined) record.account_balance_fen = balance as Fen;
  return record;
}

/**
 * The persons of the nation in batches of `batchSize`: only one batch is in
 * memory at a time, so a million persons stream straight into the database.
 */
export function* generatePersons(
  seed: number,
  nation: Nation,
  count = DEFAULT_PERSONS,
  batchSize = 10_000,
  year = DEFAULT_YEAR,
): Generator<PersonRecord[]> {
  if (!Number.isInteger(count) || count < 0 || count > MAX_PERSONS) throw new RangeError(`persons must be 0..${MAX_PERSONS}, got ${count}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(count, start + batchSize);
    const batch: PersonRecord[] = new Array(end - start);
    for (let i = start; i < end; i++) batch[i - start] = personAt(seed, nation, i, year);
    yield batch;
  }
}

// ---------------------------------------------------------------- personas

const PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A readable password like `Yidi-k7pq-2026`. */
function password(rng: Rng, year: number): string {
  let s = '';
  for (let i = 0; i < 4; i++) s += PASSWORD_ALPHABET[rng.int(0, PASSWORD_ALPHABET.length - 1)];
  return `Yidi-${s}-${year}`;
}

function countyNamed(area: Area, name: string): County {
  return area.counties.find((c) => c.name === name) ?? area.counties[0]!;
}

interface PersonaSpec {
  key: PersonaKey;
  name: string;
  gender: Gender;
  birth: string;
  insured: string;
  county: string;
  insutype: '310' | '390';
  psnType: string;
  begin: string;
  empName: string | null;
  balanceFen?: number;
  qualifications: { code: string; begin: string; end: string | null }[];
  treatmentArea: string;
  filings: PersonaFiling[];
  needs: Persona['needs'];
  notes_zh: string;
  notes_en: string;
}

/** Pooling areas of the stories (GB/T 2260): the municipalities pool at province level. */
const HARBIN = '230100';
const SHENZHEN = '440300';
const CHENGDU = '510100';
const SHANGHAI = '310000';
const HANGZHOU = '330100';
const SANYA = '460200';
const ZHENGZHOU = '410100';
const BEIJING = '110000';
const CHANGSHA = '430100';
const GUANGZHOU = '440100';
const WUHAN = '420100';

const HYPERTENSION = 'M03900';
const TUMOUR_THERAPY = 'M00500';
const DIALYSIS = 'M07800';

function personaSpecs(year: number, today: string): PersonaSpec[] {
  const temporary = (begin: string) => addDays(addMonths(begin, 6), -1);
  const travelBegin = addDays(today, -12);
  const lastTrip = addMonths(today, -14);
  const referralBegin = addDays(today, -20);
  return [
    {
      key: 'resettled_retiree',
      name: '王秀英',
      gender: '2',
      birth: '1956-03-18',
      insured: HARBIN,
      county: '南岗区',
      insutype: '310',
      psnType: '1201',
      begin: '1998-12-01',
      empName: '哈尔滨市第三纺织厂',
      balanceFen: 863_250,
      qualifications: [{ code: HYPERTENSION, begin: `${year - 4}-05-08`, end: null }],
      treatmentArea: SHENZHEN,
      filings: [{ kind: 'resettled_retiree', area: SHENZHEN, begin: addMonths(today, -30), end: null, channel: 'national_app' }],
      needs: { services: ['inpatient', 'outpatient'], chronic_diseases: [HYPERTENSION] },
      notes_zh:
        '哈尔滨纺织厂退休职工，随女儿在深圳长期居住，已通过国家医保服务平台APP办理异地安置退休人员备案。在哈尔滨认定了高血压门诊慢特病，在深圳的联网医院直接结算。',
      notes_en:
        'Retired from a Harbin textile mill; lives with her daughter in Shenzhen and filed as a resettled retiree on the national app. Her hypertension qualification (granted in Harbin) is settled directly at networked Shenzhen hospitals.',
    },
    {
      key: 'stationed_worker',
      name: '李建军',
      gender: '1',
      birth: '1988-11-05',
      insured: CHENGDU,
      county: '武侯区',
      insutype: '310',
      psnType: '1101',
      begin: '2011-07-01',
      empName: '成都天府云数科技有限公司',
      balanceFen: 356_700,
      qualifications: [],
      treatmentArea: SHANGHAI,
      filings: [{ kind: 'stationed_worker', area: SHANGHAI, begin: addMonths(today, -8), end: null, channel: 'mini_program' }],
      needs: { services: ['outpatient', 'inpatient'], chronic_diseases: [] },
      notes_zh: '成都一家软件公司的在职职工，被单位派驻上海分公司工作，凭单位派驻证明通过小程序办理常驻异地工作人员备案。',
      notes_en: 'Employee of a Chengdu software company posted to its Shanghai office; filed as a stationed worker through the mini program with the posting certificate.',
    },
    {
      key: 'traveller',
      name: '陈静',
      gender: '2',
      birth: '1961-07-22',
      insured: HANGZHOU,
      county: '西湖区',
      insutype: '390',
      psnType: '1501',
      begin: '2009-01-01',
      empName: null,
      qualifications: [],
      treatmentArea: SANYA,
      filings: [
        { kind: 'other_temporary', area: SANYA, begin: travelBegin, end: temporary(travelBegin), channel: 'mini_program' },
        { kind: 'other_temporary', area: SANYA, begin: lastTrip, end: temporary(lastTrip), channel: 'mini_program' },
      ],
      needs: { services: ['outpatient'], chronic_diseases: [] },
      notes_zh: '杭州城乡居民医保参保人，每年冬天去三亚度假。本次已办理其他临时外出就医备案；去年的备案已过期。',
      notes_en: 'Hangzhou resident-scheme member who winters in Sanya. Filed as other temporary for this trip; last year\'s filing has expired.',
    },
    {
      key: 'referral',
      name: '张国强',
      gender: '1',
      birth: '1967-01-30',
      insured: ZHENGZHOU,
      county: '金水区',
      insutype: '310',
      psnType: '1101',
      begin: '1999-03-01',
      empName: '郑州中原重型机械制造有限公司',
      balanceFen: 512_040,
      qualifications: [{ code: TUMOUR_THERAPY, begin: addMonths(today, -3), end: addDays(addMonths(today, 21), -1) }],
      treatmentArea: BEIJING,
      filings: [
        {
          kind: 'referral',
          area: BEIJING,
          begin: referralBegin,
          end: temporary(referralBegin),
          channel: 'local_platform',
          referred_by: `H${ZHENGZHOU}00001`,
        },
      ],
      needs: { services: ['inpatient', 'outpatient'], chronic_diseases: [TUMOUR_THERAPY] },
      notes_zh: '郑州职工，确诊肺癌，持恶性肿瘤门诊治疗资格，经郑州市第一人民医院开具转诊证明后在参保地经办机构办理异地转诊备案，到北京住院手术及门诊放化疗。',
      notes_en:
        'Zhengzhou employee with lung cancer and the malignant-tumour outpatient qualification; referred by a Zhengzhou hospital and filed at the insured-place counter for surgery and outpatient chemo/radiotherapy in Beijing.',
    },
    {
      key: 'dialysis',
      name: '刘建国',
      gender: '1',
      birth: '1957-09-09',
      insured: CHANGSHA,
      county: '岳麓区',
      insutype: '390',
      psnType: '1501',
      begin: '2008-06-01',
      empName: null,
      qualifications: [{ code: DIALYSIS, begin: `${year - 4}-02-10`, end: null }],
      treatmentArea: GUANGZHOU,
      filings: [
        {
          kind: 'long_term_resident',
          area: GUANGZHOU,
          begin: addMonths(today, -40),
          end: null,
          channel: 'local_platform',
          agent: { name: '刘芳', certno: certnoFor(`${GUANGZHOU.slice(0, 4)}06`, '1984-03-18', 996), relation: '子女' },
        },
      ],
      needs: { services: ['outpatient'], chronic_diseases: [DIALYSIS] },
      notes_zh: '长沙城乡居民医保参保人，尿毒症每周透析三次，住在广州女儿家。女儿三年前在长沙的线上平台替他办了异地长期居住备案，他本人并不知道——再次备案时系统会告诉他已有备案及其办理渠道。',
      notes_en:
        'Changsha resident-scheme member on dialysis three times a week, living with his daughter in Guangzhou. She filed a long-term residence for him on the local platform three years ago without telling him; filing again shows him that record and its channel.',
    },
    {
      key: 'unfiled',
      name: '赵磊',
      gender: '1',
      birth: '1993-04-16',
      insured: WUHAN,
      county: '洪山区',
      insutype: '310',
      psnType: '1101',
      begin: '2016-08-01',
      empName: '武汉长江通达物流有限公司',
      balanceFen: 128_800,
      qualifications: [],
      treatmentArea: SHENZHEN,
      filings: [],
      needs: { services: ['outpatient'], chronic_diseases: [] },
      notes_zh: '武汉职工，到深圳出差，未办理异地就医备案：急诊可按急诊抢救处理，否则需先行垫付、回参保地手工报销，或现场补办备案。',
      notes_en:
        'Wuhan employee on a business trip to Shenzhen without a filing: an emergency counts as filed; otherwise he pays and claims at home, or files on the spot.',
    },
  ];
}

/**
 * The six story persons. `today` (yyyy-MM-dd) anchors their filings, so a
 * temporary filing is current on the day the demo is made; `year` is the
 * policy year. Their identifiers come from ranges the generated persons never
 * use (ID sequence codes 980–999, card letter Z, psn_no serials from 10^13).
 */
export function generatePersonas(seed: number, nation: Nation, year = DEFAULT_YEAR, today = `${year}-03-01`): Persona[] {
  const rng = new Rng(seed).fork('personas');
  const keys = keysOf(seed);
  return personaSpecs(year, today).map((spec, k) => {
    const area = areaByCode(nation, spec.insured);
    areaByCode(nation, spec.treatmentArea);
    const county = countyNamed(area, spec.county);
    const sequence = STREAM_SEQUENCES + 2 * k + (spec.gender === '1' ? 1 : 0);
    const record: PersonRecord = {
      psn_no: psnNo(area.code, PERSONA_SERIAL_BASE + k + 1),
      psn_cert_type: '01',
      certno: certnoFor(county.code, spec.birth, sequence),
      ss_card_no: `Z${pad(permuteBelow(k, 100_000_000, keys.identity), 8)}`,
      ss_card_sn: hex(rng, 16).toUpperCase(),
      evoucher_token: `${permute32(0xffffffff - k, keys.token).toString(16).padStart(8, '0')}${hex(rng, 32)}`,
      name: spec.name,
      gender: spec.gender,
      naty: '01',
      birth_date: spec.birth,
      phone: mobile(rng),
      insuplc_admdvs: area.code,
      enrolments: [
        {
          insutype: spec.insutype,
          psn_type: spec.psnType,
          insuplc_admdvs: area.code,
          status: 'active',
          begin_date: spec.begin,
          suspended_date: null,
          cvlserv_flag: '0',
          emp_name: spec.empName,
        },
      ],
      qualifications: spec.qualifications.map((q) => ({ insuplc_admdvs: area.code, disease_code: q.code, begin_date: q.begin, end_date: q.end })),
    };
    if (spec.balanceFen !== undefined) record.account_balance_fen = spec.balanceFen as Fen;
    return {
      key: spec.key,
      record,
      password: password(rng, year),
      filings: spec.filings,
      treatmentArea: spec.treatmentArea,
      needs: spec.needs,
      notes_zh: spec.notes_zh,
      notes_en: spec.notes_en,
    };
  });
}

// ---------------------------------------------------------------- staff

/** A province-level insured agency, to show a province scope covering its cities. */
const PROVINCE_AGENCY = '440000';

/**
 * The national operator; an insured-place agency user for each persona's
 * insured area and one at province level; a treatment-place agency user for
 * each area where a persona is treated.
 */
export function generateStaff(seed: number, nation: Nation, personas: readonly Persona[], year = DEFAULT_YEAR): StaffSeed[] {
  const rng = new Rng(seed).fork('staff');
  const nameOf = (code: string) => (code === PROVINCE_AGENCY ? nation.areas.find((a) => a.province === code)!.provinceName : areaByCode(nation, code).name);
  const staff: StaffSeed[] = [
    { username: 'national', password: password(rng, year), role: 'national', region: null, display_name: '国家医保异地就医结算中心' },
  ];
  const insured = [...new Set(personas.map((p) => p.record.insuplc_admdvs)), PROVINCE_AGENCY];
  for (const region of insured) {
    staff.push({
      username: `insured-${region}`,
      password: password(rng, year),
      role: 'insured_agency',
      region,
      display_name: `${nameOf(region)}医疗保障事务中心(参保地)`,
    });
  }
  for (const region of new Set(personas.map((p) => p.treatmentArea))) {
    staff.push({
      username: `treatment-${region}`,
      password: password(rng, year),
      role: 'treatment_agency',
      region,
      display_name: `${nameOf(region)}医疗保障事务中心(就医地)`,
    });
  }
  return staff;
}

// ---------------------------------------------------------------- credentials

const MAX_CREDENTIAL_INSTITUTIONS = 20;

function networked(i: Institution): boolean {
  return i.status === 'active' && i.services.length > 0;
}

function serves(i: Institution, needs: Persona['needs']): boolean {
  return needs.services.every((s) => i.services.includes(s)) && needs.chronic_diseases.every((d) => i.chronic_diseases.includes(d));
}

/**
 * The institutions the credentials file lists, with a gateway key each: in every
 * persona's treatment area, the best hospital for their story (level 3 first),
 * another networked hospital or clinic, and a networked pharmacy.
 */
export function credentialInstitutions(personas: readonly Persona[], institutions: readonly Institution[]): Institution[] {
  const chosen = new Map<string, Institution>();
  const add = (i: Institution | undefined) => {
    if (i && chosen.size < MAX_CREDENTIAL_INSTITUTIONS) chosen.set(i.code, i);
  };
  const byLevel = (a: Institution, b: Institution) => b.level - a.level || (a.code < b.code ? -1 : 1);
  for (const p of personas) {
    const here = institutions.filter((i) => i.admdvs === p.treatmentArea && networked(i)).sort(byLevel);
    const best = here.find((i) => i.kind === 'hospital' && serves(i, p.needs));
    if (!best) throw new Error(`no networked hospital in ${p.treatmentArea} serves the ${p.key} persona`);
    add(best);
  }
  for (const p of personas) {
    const here = institutions.filter((i) => i.admdvs === p.treatmentArea && networked(i) && !chosen.has(i.code)).sort(byLevel);
    add(here.find((i) => i.kind !== 'pharmacy' && i.services.includes('outpatient')));
    add(here.find((i) => i.kind === 'pharmacy'));
  }
  return [...chosen.values()];
}
