import { describe, expect, it } from 'vitest';
import { DomainError } from '../core/errors.ts';
import type { Benefit, PersonClass, PolicyDoc } from './model.ts';
import {
  isCalendarDate,
  medKindOf,
  personClassOf,
  policyFileIssues,
  policyIssues,
  reductionFor,
  resolveBenefit,
} from './rules.ts';

const pooled = { cap_group: 'pooled', annual_cap_fen: 40_000_000 };
const outpatientCap = { cap_group: 'outpatient', annual_cap_fen: 500_000 };

function classRules(personClass: PersonClass): Benefit[] {
  return [
    {
      person_class: personClass,
      med_kind: 'inpatient',
      levels: [1, 2, 3],
      deductible: { per: 'admission', first_fen: 120_000, later_fen: 60_000 },
      bands: [
        { up_to_fen: 3_000_000, ratio_bp: 8500 },
        { up_to_fen: null, ratio_bp: 9000 },
      ],
      ...pooled,
    },
    {
      person_class: personClass,
      med_kind: 'outpatient',
      levels: [1, 2, 3],
      deductible: { per: 'year', amount_fen: 20_000 },
      bands: [{ up_to_fen: null, ratio_bp: 6000 }],
      ...outpatientCap,
    },
  ];
}

/** A small valid employee policy: benefits[0..1] in service, [2..3] retired, [4] chronic dialysis, [5] pharmacy. */
function employeeDoc(): PolicyDoc {
  return {
    pooling_area: '110100',
    insutype: '310',
    begndate: '2025-01-01',
    settings: {
      long_term_min_months: 6,
      temporary_validity_months: 6,
      review_filing_kinds: [],
      whole_province_filing: false,
      claim_submit_months: 6,
      claim_process_working_days: 30,
      medical_assistance_joined: false,
    },
    reductions: { referral_bp: 500, emergency_bp: 0, other_temporary_bp: 1500, unfiled_manual_bp: 2000 },
    benefits: [
      ...classRules('in_service'),
      ...classRules('retired'),
      {
        person_class: 'in_service',
        med_kind: 'chronic',
        disease_code: 'M07800',
        levels: [2, 3],
        deductible: { per: 'none' },
        bands: [{ up_to_fen: null, ratio_bp: 8800 }],
        monthly_quota_fen: 600_000,
        ...pooled,
      },
      {
        person_class: 'in_service',
        med_kind: 'pharmacy',
        levels: [1, 2, 3],
        deductible: { per: 'year', amount_fen: 20_000 },
        bands: [{ up_to_fen: null, ratio_bp: 5000 }],
        ...outpatientCap,
      },
    ],
    topups: [{ fund: 'hifob', threshold_fen: 0, bands: [{ up_to_fen: null, ratio_bp: 9000 }], annual_cap_fen: 40_000_000 }],
  };
}

function residentDoc(): PolicyDoc {
  return {
    ...employeeDoc(),
    insutype: '390',
    benefits: classRules('resident'),
    topups: [
      {
        fund: 'hifmi',
        threshold_fen: 1_500_000,
        bands: [
          { up_to_fen: 10_000_000, ratio_bp: 6000 },
          { up_to_fen: null, ratio_bp: 7000 },
        ],
        annual_cap_fen: 40_000_000,
      },
    ],
  };
}

const paths = (doc: unknown, root?: string) => policyIssues(doc, root).map((i) => i.path);

describe('policyIssues', () => {
  it('accepts valid employee and resident documents', () => {
    expect(policyIssues(employeeDoc())).toEqual([]);
    expect(policyIssues(residentDoc())).toEqual([]);
  });

  it('reports schema problems with their path, under a root', () => {
    const doc = employeeDoc();
    doc.benefits[1]!.bands[0]!.ratio_bp = 12_000;
    expect(paths(doc, 'policies[3]')).toEqual(['policies[3].benefits[1].bands[0].ratio_bp']);
    expect(paths({ ...employeeDoc(), settings: undefined })).toEqual(['settings']);
  });

  it('still reports local problems of well-formed benefits when another part breaks the schema', () => {
    const doc = employeeDoc();
    doc.benefits[1]!.bands[0]!.ratio_bp = -1;
    doc.benefits[0]!.bands = [{ up_to_fen: null, ratio_bp: 8000 }, { up_to_fen: null, ratio_bp: 9000 }];
    expect(paths(doc)).toEqual(['benefits[1].bands[0].ratio_bp', 'benefits[0].bands[0].up_to_fen']);
  });

  describe('bands', () => {
    it('must ascend strictly', () => {
      const doc = employeeDoc();
      doc.benefits[0]!.bands = [
        { up_to_fen: 3_000_000, ratio_bp: 8000 },
        { up_to_fen: 3_000_000, ratio_bp: 8500 },
        { up_to_fen: null, ratio_bp: 9000 },
      ];
      expect(policyIssues(doc)).toEqual([
        { path: 'benefits[0].bands[1].up_to_fen', message: expect.stringContaining('greater than the previous band') },
      ]);
    });

    it('start above zero', () => {
      const doc = employeeDoc();
      doc.benefits[0]!.bands[0]!.up_to_fen = 0;
      expect(paths(doc)).toEqual(['benefits[0].bands[0].up_to_fen']);
    });

    it('have exactly the last one open-ended', () => {
      const open = employeeDoc();
      open.benefits[0]!.bands = [{ up_to_fen: null, ratio_bp: 8000 }, { up_to_fen: null, ratio_bp: 9000 }];
      expect(paths(open)).toEqual(['benefits[0].bands[0].up_to_fen']);
      const closed = employeeDoc();
      closed.benefits[0]!.bands = [{ up_to_fen: 3_000_000, ratio_bp: 8000 }];
      expect(policyIssues(closed)).toEqual([{ path: 'benefits[0].bands[0].up_to_fen', message: expect.stringContaining('last band must be open-ended') }]);
    });

    it('are checked in top-ups too', () => {
      const doc = residentDoc();
      doc.topups[0]!.bands.reverse();
      expect(paths(doc)).toEqual(['topups[0].bands[0].up_to_fen', 'topups[0].bands[1].up_to_fen']);
    });
  });

  it('wants disease_code on chronic rules and only there', () => {
    const doc = employeeDoc();
    delete doc.benefits[4]!.disease_code;
    doc.benefits[0]!.disease_code = 'M07800';
    expect(paths(doc)).toEqual(['benefits[0].disease_code', 'benefits[4].disease_code']);
  });

  it('refuses a later-admission deductible above the first', () => {
    const doc = employeeDoc();
    doc.benefits[2]!.deductible = { per: 'admission', first_fen: 100_000, later_fen: 100_001 };
    expect(paths(doc)).toEqual(['benefits[2].deductible.later_fen']);
  });

  it('refuses two rules for the same case, at the level that repeats', () => {
    const doc = employeeDoc();
    doc.benefits.push({ ...doc.benefits[0]!, levels: [3] });
    doc.benefits.push({ ...doc.benefits[4]!, levels: [1, 3] });
    expect(policyIssues(doc)).toEqual([
      { path: 'benefits[6].levels[0]', message: expect.stringContaining('already covered by benefits[0]') },
      { path: 'benefits[7].levels[1]', message: expect.stringContaining('already covered by benefits[4]') },
    ]);
  });

  it('wants inpatient and outpatient rules for every class of the scheme at every level', () => {
    const doc = employeeDoc();
    doc.benefits[3]!.levels = [1, 3];
    doc.benefits.splice(2, 1);
    expect(policyIssues(doc)).toEqual([
      { path: 'benefits', message: 'has no inpatient rule for retired persons at level 1 institutions' },
      { path: 'benefits', message: 'has no inpatient rule for retired persons at level 2 institutions' },
      { path: 'benefits', message: 'has no inpatient rule for retired persons at level 3 institutions' },
      { path: 'benefits', message: 'has no outpatient rule for retired persons at level 2 institutions' },
    ]);
  });

  it('refuses person classes the scheme does not cover, and unknown schemes', () => {
    const doc = residentDoc();
    doc.benefits.push({ ...doc.benefits[0]!, person_class: 'retired' });
    expect(paths(doc)).toEqual(['benefits[2].person_class']);
    expect(paths({ ...employeeDoc(), insutype: '320' })).toEqual(['insutype']);
  });

  it('wants one annual cap per cap group, naming the benefit that disagrees', () => {
    const doc = employeeDoc();
    doc.benefits[4]!.annual_cap_fen = 30_000_000;
    expect(policyIssues(doc)).toEqual([{ path: 'benefits[4].annual_cap_fen', message: expect.stringContaining('benefits[0]') }]);
  });

  it('keys cap groups by person class', () => {
    const doc = employeeDoc();
    doc.benefits[2]!.annual_cap_fen = 50_000_000;
    expect(policyIssues(doc)).toEqual([]);
  });

  describe('top-ups', () => {
    it('one per fund', () => {
      const doc = employeeDoc();
      doc.topups.push({ ...doc.topups[0]! });
      expect(paths(doc)).toEqual(['topups[1].fund']);
    });

    it('employee funds only for employees, hifmi only for residents', () => {
      const employee = employeeDoc();
      employee.topups.push({ ...residentDoc().topups[0]! });
      expect(paths(employee)).toEqual(['topups[1].fund']);
      const resident = residentDoc();
      resident.topups.push({ ...employeeDoc().topups[0]! }, { ...employeeDoc().topups[0]!, fund: 'cvlserv' });
      expect(paths(resident)).toEqual(['topups[1].fund', 'topups[2].fund']);
    });

    it('maf only where the province joined medical assistance', () => {
      const doc = residentDoc();
      doc.topups.push({ fund: 'maf', threshold_fen: 0, bands: [{ up_to_fen: null, ratio_bp: 6000 }], annual_cap_fen: 3_000_000 });
      expect(paths(doc)).toEqual(['topups[1].fund']);
      doc.settings.medical_assistance_joined = true;
      expect(paths(doc)).toEqual([]);
    });
  });

  it('wants a real begndate', () => {
    expect(paths({ ...employeeDoc(), begndate: '2025-02-29' })).toEqual(['begndate']);
    expect(paths({ ...employeeDoc(), begndate: '2025-1-01' })).toEqual(['begndate']);
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('0000-01-01')).toBe(false);
  });
});

describe('policyFileIssues', () => {
  it('wants a policies array', () => {
    expect(policyFileIssues(null).map((i) => i.path)).toEqual(['(root)']);
    expect(policyFileIssues({}).map((i) => i.path)).toEqual(['policies']);
    expect(policyFileIssues({ policies: {} }).map((i) => i.path)).toEqual(['policies']);
  });

  it('roots every document at policies[i] and reports repeated versions', () => {
    const bad = employeeDoc();
    bad.benefits[0]!.bands[1]!.ratio_bp = 10_001;
    const file = { policies: [employeeDoc(), residentDoc(), bad, 'nonsense'] };
    expect(policyFileIssues(file).map((i) => i.path)).toEqual([
      'policies[2].benefits[0].bands[1].ratio_bp',
      'policies[2].begndate',
      'policies[3]',
    ]);
    expect(policyFileIssues(file)[1]!.message).toContain('repeats policies[0]');
  });
});

describe('personClassOf', () => {
  it.each([
    ['1101', 'in_service'],
    ['1102', 'in_service'],
    ['1201', 'retired'],
    ['1300', 'retired'],
    ['1401', 'resident'],
    ['1501', 'resident'],
  ] as const)('%s is %s', (code, cls) => expect(personClassOf(code)).toBe(cls));

  it('takes every insured person of the resident scheme as a resident, whatever the local code', () => {
    expect(personClassOf('9901', '390')).toBe('resident');
    expect(personClassOf('1101', '390')).toBe('resident');
  });

  it('refuses an unknown code elsewhere rather than guess in service or retired', () => {
    expect(() => personClassOf('9901', '310')).toThrow(DomainError);
    expect(() => personClassOf('11')).toThrow(/psn_type/);
  });
});

describe('medKindOf', () => {
  it.each([
    ['11', 'outpatient'],
    ['12', 'outpatient'],
    ['13', 'outpatient'],
    ['14', 'chronic'],
    ['21', 'inpatient'],
    ['23', 'inpatient'],
    ['24', 'inpatient'],
    ['41', 'pharmacy'],
  ] as const)('%s is %s', (code, kind) => expect(medKindOf(code)).toBe(kind));

  it('says maternity is not covered', () => {
    for (const code of ['51', '52']) {
      try {
        medKindOf(code);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(DomainError);
        expect((e as DomainError).code).toBe('business_rule');
        expect((e as DomainError).message).toContain('maternity');
      }
    }
  });

  it('refuses unknown codes', () => {
    expect(() => medKindOf('99')).toThrow(expect.objectContaining({ code: 'validation', issues: [expect.objectContaining({ path: 'med_type' })] }));
  });
});

describe('resolveBenefit', () => {
  const doc = employeeDoc();

  it('finds the rule of the class, kind and level', () => {
    expect(resolveBenefit(doc, { personClass: 'retired', medKind: 'inpatient', level: 2 })).toBe(doc.benefits[2]);
    expect(resolveBenefit(doc, { personClass: 'in_service', medKind: 'outpatient', level: 1 })).toBe(doc.benefits[1]);
  });

  it('matches chronic rules by disease', () => {
    expect(resolveBenefit(doc, { personClass: 'in_service', medKind: 'chronic', level: 3, diseaseCode: 'M07800' })).toBe(doc.benefits[4]);
    expect(() => resolveBenefit(doc, { personClass: 'in_service', medKind: 'chronic', level: 3, diseaseCode: 'M01600' })).toThrow(
      expect.objectContaining({ code: 'business_rule', message: expect.stringContaining('no rule for in_service chronic M01600 at level 3') }),
    );
    expect(() => resolveBenefit(doc, { personClass: 'in_service', medKind: 'chronic', level: 3 })).toThrow(
      expect.objectContaining({ code: 'validation' }),
    );
  });

  it('says the insured place has no rule when none applies', () => {
    expect(() => resolveBenefit(doc, { personClass: 'in_service', medKind: 'chronic', level: 1, diseaseCode: 'M07800' })).toThrow(
      /insured place 110100 has no rule/,
    );
    expect(() => resolveBenefit(doc, { personClass: 'retired', medKind: 'pharmacy', level: 1 })).toThrow(
      expect.objectContaining({ code: 'business_rule' }),
    );
  });
});

describe('reductionFor', () => {
  const doc = employeeDoc();
  it.each([
    ['resettled_retiree', 0],
    ['long_term_resident', 0],
    ['stationed_worker', 0],
    ['referral', 500],
    ['emergency', 0],
    ['other_temporary', 1500],
    ['unfiled_manual', 2000],
  ] as const)('%s → %i bp', (kind, expected) => expect(reductionFor(doc, kind)).toBe(expected));
});

