import crypto from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCertno } from '../core/idcard.ts';
import { isPsnNo } from '../core/ids.ts';
import { chronicDiseases, regions } from '../reference/service.ts';
import { ESSENTIAL_ITEMS } from './catalog-data.ts';
import {
  addDays,
  addMonths,
  CATALOG_CAPACITY,
  credentialInstitutions,
  generateCatalog,
  generateInstitutions,
  generateItemMappings,
  generatePersonas,
  generatePersons,
  generateStaff,
  nationalCatalog,
  personAt,
} from './generate.ts';
import { buildNation } from './nation.ts';
import { permute32, permuteBelow } from './scramble.ts';

const nation = buildNation(regions, chronicDiseases);
const hash = (v: unknown) => crypto.createHash('sha256').update(JSON.stringify(v)).digest('hex');
const persons = (seed: number, count: number, batch = 1000) => [...generatePersons(seed, nation, count, batch)].flat();

describe('determinism', () => {
  it('gives the same nation for the same seed and another for another seed', () => {
    const nationOf = (seed: number) => ({
      institutions: hash(generateInstitutions(seed, nation)),
      catalogue: hash(generateCatalog(seed, nation)),
      persons: hash(persons(seed, 2000)),
      personas: hash(generatePersonas(seed, nation, 2026, '2026-04-01')),
    });
    const a = nationOf(7);
    expect(nationOf(7)).toEqual(a);
    const b = nationOf(8);
    for (const part of Object.keys(a) as (keyof typeof a)[]) expect(b[part], part).not.toBe(a[part]);
  });

  it('makes person i the same whatever the count and batch size', () => {
    const small = persons(3, 500, 500);
    const large = persons(3, 1200, 77);
    expect(hash(large.slice(0, 500))).toBe(hash(small));
    expect(personAt(3, nation, 321)).toEqual(small[321]);
  });

  it('keeps institutions and the catalogue apart from the person count', () => {
    // Each part draws from its own generator: generating persons in between changes nothing.
    const before = hash([generateInstitutions(5, nation), nationalCatalog(5)]);
    persons(5, 3000);
    expect(hash([generateInstitutions(5, nation), nationalCatalog(5)])).toBe(before);
  });
});

describe('persons', () => {
  const many = persons(11, 50_000, 10_000);

  it('are unique by psn_no, ID number, card number and e-voucher token across 50 000', () => {
    for (const field of ['psn_no', 'certno', 'ss_card_no', 'evoucher_token'] as const) {
      expect(new Set(many.map((p) => p[field])).size, field).toBe(many.length);
    }
  });

  it('carry valid ID numbers that agree with birth date, gender and insured city', () => {
    for (const p of many) {
      const id = parseCertno(p.certno, '2026-01-01');
      if (!id.ok || id.birthDate !== p.birth_date || id.gender !== p.gender) throw new Error(`${p.psn_no}: ${JSON.stringify(id)}`);
      const city = nation.areas.find((a) => a.code === p.insuplc_admdvs)!;
      expect(city.counties.some((c) => c.code === id.area)).toBe(true);
    }
  });

  it('are enrolled plausibly for their age', () => {
    const byType = new Map<string, number>();
    for (const p of many) {
      expect(isPsnNo(p.psn_no) && p.psn_no.startsWith(p.insuplc_admdvs)).toBe(true);
      const e = p.enrolments[0]!;
      byType.set(e.psn_type, (byType.get(e.psn_type) ?? 0) + 1);
      expect(e.begin_date >= p.birth_date && e.begin_date < '2026-01-01').toBe(true);
      if (e.status === 'suspended') expect(e.suspended_date! >= e.begin_date).toBe(true);
      expect(p.account_balance_fen !== undefined).toBe(e.insutype === '310');
      expect(e.cvlserv_flag === '1').toBe(e.psn_type === '1102');
      const age = 2026 - Number(p.birth_date.slice(0, 4));
      if (e.psn_type === '1201') expect(age).toBeGreaterThanOrEqual(55);
      if (/^140[1-4]$/.test(e.psn_type)) expect(age).toBeLessThan(18);
      if (e.psn_type === '1405') expect(age >= 18 && age <= 22).toBe(true);
      for (const q of p.qualifications ?? []) {
        expect(nation.diseases.has(q.disease_code)).toBe(true);
        expect(q.begin_date >= p.birth_date && (q.end_date === null || q.end_date >= q.begin_date)).toBe(true);
      }
    }
    for (const t of ['1101', '1102', '1103', '1201', '1401', '1402', '1403', '1404', '1405', '1501']) expect(byType.get(t), t).toBeGreaterThan(100);
    const suspended = many.filter((p) => p.enrolments[0]!.status === 'suspended').length;
    expect(suspended).toBeGreaterThan(500);
    expect(many.filter((p) => p.qualifications!.some((q) => nation.crossProvinceDiseases.includes(q.disease_code))).length).toBeGreaterThan(2000);
  });

  it('live in every pooling area, more in the big ones', () => {
    const count = new Map<string, number>();
    for (const p of many) count.set(p.insuplc_admdvs, (count.get(p.insuplc_admdvs) ?? 0) + 1);
    expect(count.size).toBe(nation.areas.length);
    expect(count.get('310000')!).toBeGreaterThan(3 * count.get('230700')!);
  });

  it('never share an identifier with a persona', () => {
    const personas = generatePersonas(11, nation).map((p) => p.record);
    for (const field of ['psn_no', 'certno', 'ss_card_no', 'evoucher_token'] as const) {
      const taken = new Set(many.map((p) => p[field]));
      for (const p of personas) expect(taken.has(p[field]!), `${p.name} ${field}`).toBe(false);
    }
  });
});

describe('identifier permutations', () => {
  it('permuteBelow is a bijection on [0, n)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (n, key) => {
        const seen = new Set<number>();
        for (let x = 0; x < n; x++) seen.add(permuteBelow(x, n, key));
        return seen.size === n && [...seen].every((y) => y >= 0 && y < n);
      }),
      { numRuns: 40 },
    );
  });

  it('permute32 does not repeat', () => {
    const seen = new Set<number>();
    for (let x = 0; x < 100_000; x++) seen.add(permute32(x * 40_503, 99));
    expect(seen.size).toBe(100_000);
  });
});

describe('institutions', () => {
  const all = generateInstitutions(1, nation);

  it('number as asked, with well-formed unique codes and names unique per area', () => {
    expect(all.length).toBe(2000);
    expect(new Set(all.map((i) => i.code)).size).toBe(all.length);
    expect(new Set(all.map((i) => `${i.admdvs}|${i.name}`)).size).toBe(all.length);
    for (const i of all) {
      expect(i.code).toMatch(i.kind === 'pharmacy' ? /^P\d{11}$/ : /^H\d{11}$/);
      expect(i.code.slice(1, 7)).toBe(i.admdvs);
      if (i.level === 3) expect(i.kind).toBe('hospital');
    }
    for (const kind of ['hospital', 'clinic', 'pharmacy']) expect(all.some((i) => i.kind === kind)).toBe(true);
    for (const level of [1, 2, 3]) expect(all.some((i) => i.level === level)).toBe(true);
    expect(all.some((i) => i.status === 'suspended')).toBe(true);
    expect(all.some((i) => i.services.length === 0)).toBe(true);
  });

  it('give every pooling area networked inpatient, outpatient, each cross-province disease and a pharmacy', () => {
    for (const few of [all, generateInstitutions(1, nation, 0)]) {
      for (const area of nation.areas) {
        const open = few.filter((i) => i.admdvs === area.code && i.status === 'active');
        const hospitals = open.filter((i) => i.kind === 'hospital');
        expect(hospitals.some((i) => i.services.includes('inpatient')), area.code).toBe(true);
        expect(hospitals.some((i) => i.services.includes('outpatient')), area.code).toBe(true);
        for (const d of nation.crossProvinceDiseases) expect(hospitals.some((i) => i.chronic_diseases.includes(d)), `${area.code} ${d}`).toBe(true);
        expect(open.some((i) => i.kind === 'pharmacy' && i.services.includes('pharmacy')), area.code).toBe(true);
      }
    }
  });

  it('put more institutions in the big cities', () => {
    const inArea = (code: string) => all.filter((i) => i.admdvs === code).length;
    expect(inArea('110000')).toBeGreaterThan(3 * inArea('230700'));
  });

  it('stay unique by name when an area holds very many', () => {
    const dense = generateInstitutions(2, nation, 60_000).filter((i) => i.admdvs === '500000');
    expect(dense.length).toBeGreaterThan(1000);
    expect(new Set(dense.map((i) => i.name)).size).toBe(dense.length);
  });
});

describe('catalogue', () => {
  const national = nationalCatalog(1);
  const rows = generateCatalog(1, nation);

  it('lists over a thousand distinct items of every list type and class', () => {
    expect(national.length).toBeGreaterThanOrEqual(1000);
    expect(new Set(national.map((i) => i.hilist_name)).size).toBe(national.length);
    expect(new Set(national.map((i) => i.hilist_code)).size).toBe(national.length);
    for (const t of ['101', '102', '103', '201', '301']) expect(national.filter((i) => i.list_type === t).length, t).toBeGreaterThan(50);
    for (const lv of ['01', '02', '03']) expect(national.some((i) => i.chrgitm_lv === lv)).toBe(true);
  });

  it('writes national-style codes', () => {
    const shapes: Record<string, RegExp> = {
      '101': /^X[A-Z]\d{2}[A-Z]{2}[A-Z]\d{3}A\d{3}\d{4}\d{5}$/,
      '102': /^Z[A-Z0-9]{5}L\d{3}B\d{3}\d{4}\d{5}$/,
      '103': /^T\d{9}$/,
      '201': /^\d{15}$/,
      '301': /^C\d{19}$/,
    };
    for (const i of national) expect(i.hilist_code, i.hilist_name).toMatch(shapes[i.list_type]!);
  });

  it('holds every item the stories need, however small', () => {
    const names = new Set(nationalCatalog(1, CATALOG_CAPACITY).map((i) => i.hilist_name));
    for (const name of ESSENTIAL_ITEMS) expect(names.has(name), name).toBe(true);
    const small = nationalCatalog(1, 80).map((i) => i.hilist_name);
    expect(small.length).toBe(80);
    expect(small.filter((n) => ESSENTIAL_ITEMS.has(n)).length).toBe(Math.min(80, ESSENTIAL_ITEMS.size));
  });

  it('gives each province the national codes with its own choices and valid versions', () => {
    expect(new Set(rows.map((r) => r.province)).size).toBe(31);
    const byProvince = new Map<string, Set<string>>();
    for (const r of rows) {
      if (r.chrgitm_lv === '02') expect(r.selfpay_prop_bp >= 500 && r.selfpay_prop_bp <= 2000).toBe(true);
      else expect(r.selfpay_prop_bp).toBe(0);
      (byProvince.get(r.province) ?? byProvince.set(r.province, new Set()).get(r.province)!).add(r.hilist_code);
    }
    for (const codes of byProvince.values()) expect(codes.size).toBe(national.length);
    const classes = new Map(rows.map((r) => [`${r.province}|${r.hilist_code}`, r.chrgitm_lv]));
    expect(national.some((n) => classes.get(`110000|${n.hilist_code}`) !== classes.get(`440000|${n.hilist_code}`))).toBe(true);
    expect(rows.some((r) => r.pric_uplmt_fen !== null) && rows.some((r) => r.pric_uplmt_fen === null)).toBe(true);

    const versions = rows.filter((r) => r.enddate !== null);
    expect(versions.length).toBeGreaterThan(31);
    const successor = new Map(rows.filter((r) => r.begndate !== '2025-01-01').map((r) => [`${r.province}|${r.hilist_code}`, r]));
    for (const old of versions) {
      const next = successor.get(`${old.province}|${old.hilist_code}`)!;
      const dayAfter = new Date(Date.parse(`${old.enddate}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      expect(next.begndate).toBe(dayAfter);
      expect(next.pric_uplmt_fen!).toBeLessThan(old.pric_uplmt_fen!);
    }
  });
});

describe('personas, staff and credentials', () => {
  const institutions = generateInstitutions(1, nation);
  const personas = generatePersonas(1, nation, 2026, '2026-05-10');
  const keyed = credentialInstitutions(personas, institutions);

  it('tell the six stories', () => {
    expect(personas.map((p) => p.key)).toEqual(['resettled_retiree', 'stationed_worker', 'traveller', 'referral', 'dialysis', 'unfiled']);
    for (const p of personas) {
      const id = parseCertno(p.record.certno);
      expect(id.ok && id.birthDate === p.record.birth_date && id.gender === p.record.gender).toBe(true);
      expect(p.password).toMatch(/^Yidi-[a-z2-9]{4}-2026$/);
      for (const q of p.record.qualifications ?? []) expect(nation.diseases.has(q.disease_code)).toBe(true);
    }
    const persona = (key: string) => personas.find((p) => p.key === key)!;
    const [retiree, traveller, referral, dialysis, unfiled] = ['resettled_retiree', 'traveller', 'referral', 'dialysis', 'unfiled'].map(persona) as [
      (typeof personas)[number],
      (typeof personas)[number],
      (typeof personas)[number],
      (typeof personas)[number],
      (typeof personas)[number],
    ];
    expect(retiree.record.name).toBe('王秀英');
    expect(retiree.record.enrolments[0]!.psn_type).toBe('1201');
    const current = traveller.filings.filter((f) => f.begin <= '2026-05-10' && (f.end === null || f.end >= '2026-05-10'));
    expect(current.length).toBe(1);
    expect(traveller.filings.some((f) => f.end !== null && f.end < '2026-05-10')).toBe(true);
    expect(current[0]!.end).toBe(addDays(addMonths(current[0]!.begin, 6), -1));
    expect(referral.record.qualifications!.some((q) => q.disease_code === 'M00500')).toBe(true);
    expect(dialysis.filings[0]!.agent).toBeDefined();
    expect(unfiled.filings).toEqual([]);
  });

  it('list an institution serving each persona in the area they are treated in', () => {
    expect(keyed.length).toBeLessThanOrEqual(20);
    for (const p of personas) {
      const areas = p.filings.length > 0 ? p.filings.map((f) => f.area) : [p.treatmentArea];
      for (const area of areas) {
        const ok = keyed.some(
          (i) =>
            i.admdvs === area &&
            i.status === 'active' &&
            p.needs.services.every((s) => i.services.includes(s)) &&
            p.needs.chronic_diseases.every((d) => i.chronic_diseases.includes(d)),
        );
        expect(ok, `${p.key} in ${area}`).toBe(true);
      }
    }
  });

  it('map local codes of the keyed institutions to national codes, pharmacies only drugs', () => {
    const national = nationalCatalog(1);
    const listed = new Map(national.map((i) => [i.hilist_code, i]));
    for (const inst of keyed) {
      const maps = generateItemMappings(1, inst, national);
      expect(maps.length).toBeGreaterThan(100);
      expect(new Set(maps.map((m) => m.medins_list_codg)).size).toBe(maps.length);
      for (const m of maps) {
        expect(m.medins_list_codg).toMatch(/^L\d{7}$/);
        const item = listed.get(m.hilist_code)!;
        if (inst.kind === 'pharmacy') expect(['101', '102', '103']).toContain(item.list_type);
      }
    }
  });

  it('give staff for every insured and treatment place of the stories', () => {
    const staff = generateStaff(1, nation, personas);
    expect(new Set(staff.map((s) => s.username)).size).toBe(staff.length);
    expect(staff.filter((s) => s.role === 'national').length).toBe(1);
    for (const p of personas) {
      expect(staff.some((s) => s.role === 'insured_agency' && s.region === p.record.insuplc_admdvs)).toBe(true);
      expect(staff.some((s) => s.role === 'treatment_agency' && s.region === p.treatmentArea)).toBe(true);
    }
    expect(staff.some((s) => s.role === 'insured_agency' && s.region === '440000')).toBe(true);
    for (const s of staff) expect(s.password).toMatch(/^Yidi-[a-z2-9]{4}-2026$/);
  });
});

describe('dates', () => {
  it('addMonths keeps the day or takes the month end', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2026-11-15', 3)).toBe('2027-02-15');
    expect(addMonths('2026-03-01', -14)).toBe('2025-01-01');
  });
});
