import { describe, expect, it } from 'vitest';
import { FilingKindSchema } from '../policy/model.ts';
import { codeName, codeTableNames, codeTables, filingClass, isCodeTableName, isKnownCode } from './codes.ts';
import { chronicDiseases, diagnoses } from './diseases.ts';

describe('code tables', () => {
  it('cover the tables of the HIS interface and of filing', () => {
    expect([...codeTableNames].sort()).toEqual(
      [
        'insutype',
        'med_type',
        'psn_type',
        'mdtrt_cert_type',
        'psn_cert_type',
        'fund_pay_type',
        'chrgitm_lv',
        'list_type',
        'med_chrgitm_type',
        'clr_type',
        'psn_setlway',
        'dscg_way',
        'filing_channel',
        'filing_kind',
      ].sort(),
    );
  });

  it('have unique codes and both names in every entry', () => {
    for (const name of codeTableNames) {
      const entries = codeTables[name];
      expect(entries.length, name).toBeGreaterThan(0);
      expect(new Set(entries.map((e) => e.code)).size, name).toBe(entries.length);
      for (const e of entries) {
        expect(e.name_zh, `${name} ${e.code}`).toMatch(/\p{Script=Han}/u);
        expect(e.name_en, `${name} ${e.code}`).toMatch(/^[A-Z]/);
      }
    }
  });

  it('name codes in either language; unknown codes are open, not errors', () => {
    expect(codeName('insutype', '310')).toBe('职工基本医疗保险');
    expect(codeName('insutype', '390', 'en')).toBe('Urban and rural resident basic medical insurance');
    expect(codeName('fund_pay_type', '310100')).toBe('职工基本医疗保险统筹基金');
    expect(codeName('med_type', '99')).toBeUndefined();
    expect(isKnownCode('med_type', '14')).toBe(true);
    expect(isKnownCode('med_type', '14 ')).toBe(false);
    expect(isCodeTableName('dscg_way')).toBe(true);
    expect(isCodeTableName('toString')).toBe(false);
  });

  it('list the six filing kinds of the policy schema, each in its class', () => {
    const kinds = FilingKindSchema.anyOf.map((s) => s.const);
    expect(codeTables.filing_kind.map((e) => e.code).sort()).toEqual([...kinds].sort());
    expect(codeName('filing_kind', 'resettled_retiree')).toBe('异地安置退休人员');
    expect(kinds.filter((k) => filingClass(k) === 'long_term').sort()).toEqual(['long_term_resident', 'resettled_retiree', 'stationed_worker']);
    expect(codeTables.filing_channel.map((e) => e.code)).toEqual(['national_app', 'mini_program', 'national_self_service', 'local_platform', 'hospital']);
  });
});

describe('diseases and diagnoses', () => {
  it('settle exactly the five national diseases across provinces', () => {
    expect(chronicDiseases.filter((d) => d.cross_province).map((d) => d.code).sort()).toEqual(['M00500', 'M01600', 'M03900', 'M07800', 'M08300']);
    expect(chronicDiseases.some((d) => !d.cross_province)).toBe(true);
    expect(new Set(chronicDiseases.map((d) => d.code)).size).toBe(chronicDiseases.length);
  });

  it('ship well-formed, unique ICD-10 codes', () => {
    expect(diagnoses.length).toBeGreaterThanOrEqual(30);
    expect(new Set(diagnoses.map((d) => d.code)).size).toBe(diagnoses.length);
    for (const d of diagnoses) expect(d.code).toMatch(/^[A-Z]\d{2}(\.\d)?$/);
    for (const code of ['I10', 'E11.9', 'C34.9', 'N18.5', 'J18.9', 'K35.8', 'S72.0', 'I63.9']) {
      expect(diagnoses.some((d) => d.code === code), code).toBe(true);
    }
  });
});
