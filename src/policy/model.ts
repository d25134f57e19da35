import Type from 'typebox';

/**
 * Insured-place policy as data. One document per pooling area × scheme
 * (insutype) × version (begndate); inside it, one benefit rule per person class
 * × medical type × institution levels. The TypeBox schema below is the JSON
 * Schema published at /api/policies/schema and used to validate imports;
 * `rules.ts` adds the checks a schema cannot express (ordering, overlaps).
 */

const Fen = (description: string) => Type.Integer({ minimum: 0, maximum: 1_000_000_000_00, description: `${description} (fen)` });
const Bp = (description: string, maximum = 10000) =>
  Type.Integer({ minimum: 0, maximum, description: `${description} (basis points, 10000 = 100 %)` });
const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'yyyy-MM-dd' });

export const PersonClassSchema = Type.Union([Type.Literal('in_service'), Type.Literal('retired'), Type.Literal('resident')]);
export const MedKindSchema = Type.Union([
  Type.Literal('inpatient'),
  Type.Literal('outpatient'),
  Type.Literal('chronic'),
  Type.Literal('pharmacy'),
]);
export const FilingKindSchema = Type.Union([
  Type.Literal('resettled_retiree'),
  Type.Literal('long_term_resident'),
  Type.Literal('stationed_worker'),
  Type.Literal('referral'),
  Type.Literal('emergency'),
  Type.Literal('other_temporary'),
]);

/** A ratio that applies to the part of the eligible amount up to `up_to_fen` (null: no upper end). */
export const BandSchema = Type.Object({
  up_to_fen: Type.Union([Fen('upper end of this band'), Type.Null()]),
  ratio_bp: Bp('share the fund pays in this band'),
});

export const DeductibleSchema = Type.Union([
  Type.Object({
    per: Type.Literal('admission'),
    first_fen: Fen('deductible of the first admission of the year'),
    later_fen: Fen('deductible of the second and later admissions'),
  }),
  Type.Object({ per: Type.Literal('year'), amount_fen: Fen('annual deductible') }),
  Type.Object({ per: Type.Literal('none') }),
]);

export const BenefitSchema = Type.Object({
  person_class: PersonClassSchema,
  med_kind: MedKindSchema,
  /** for med_kind chronic: the disease this rule is for */
  disease_code: Type.Optional(Type.String({ minLength: 1 })),
  levels: Type.Array(Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)]), { minItems: 1, uniqueItems: true }),
  deductible: DeductibleSchema,
  bands: Type.Array(BandSchema, { minItems: 1 }),
  /** benefits that share one annual cap name the same group (e.g. inpatient and chronic share "pooled") */
  cap_group: Type.String({ minLength: 1, maxLength: 40 }),
  annual_cap_fen: Fen('annual cap of the pooled fund for this cap group'),
  monthly_quota_fen: Type.Optional(Fen('monthly limit of eligible expense, e.g. dialysis')),
});

export const FundSchema = Type.Union([
  Type.Literal('hifob'), // employees' large-amount subsidy
  Type.Literal('hifmi'), // residents' serious illness insurance
  Type.Literal('cvlserv'), // civil servant subsidy
  Type.Literal('maf'), // medical assistance
]);

/**
 * A top-up fund. Its bands apply to the fund's base above `threshold_fen`, and
 * their `up_to_fen` count from the threshold (the first band of a fund with a
 * 15 000 yuan threshold and a 100 000 yuan band covers 15 000–115 000 of base).
 */
export const TopUpSchema = Type.Object({
  fund: FundSchema,
  threshold_fen: Fen('annual amount of the base above which the fund starts paying'),
  bands: Type.Array(BandSchema, { minItems: 1 }),
  annual_cap_fen: Fen('annual cap of this fund'),
});

export const SettingsSchema = Type.Object({
  long_term_min_months: Type.Integer({ minimum: 0, maximum: 6, description: 'months before a long-term filing may change or be cancelled' }),
  temporary_validity_months: Type.Integer({ minimum: 6, maximum: 24, description: 'validity of a temporary filing' }),
  review_filing_kinds: Type.Array(FilingKindSchema, { uniqueItems: true, description: 'filing kinds sent to agency review' }),
  whole_province_filing: Type.Boolean({ description: 'whether filings may name a whole province as the area' }),
  claim_submit_months: Type.Integer({ minimum: 1, maximum: 12, description: 'months after discharge to submit a manual claim' }),
  claim_process_working_days: Type.Integer({ minimum: 1, maximum: 90 }),
  medical_assistance_joined: Type.Boolean(),
});

export const ReductionsSchema = Type.Object({
  referral_bp: Bp('reduction for referrals', 1000),
  emergency_bp: Bp('reduction for emergencies', 1000),
  other_temporary_bp: Bp('reduction for other temporary', 2000),
  unfiled_manual_bp: Bp('reduction for unfiled manual claims'),
});

/** Why a treatment was not settled directly and is claimed by hand (手工报销). */
export const ClaimReasonSchema = Type.Union([
  Type.Literal('non_networked'), // a designated institution without cross-regional settlement
  Type.Literal('not_filed'), // not filed at the time (and not an emergency)
  Type.Literal('emergency_non_networked'), // an emergency at a non-networked hospital
  Type.Literal('chronic_outside_list'), // an outpatient chronic disease outside the directly settled list
  Type.Literal('system_failure'), // the desk could not settle (a system failure)
]);

/** The papers a manual claim may need. */
export const ClaimDocumentTypeSchema = Type.Union([
  Type.Literal('invoice'),
  Type.Literal('fee_list'), // itemised fee list
  Type.Literal('discharge_summary'), // discharge summary or medical record; asked for inpatient claims only
  Type.Literal('diagnosis_certificate'),
  Type.Literal('emergency_certificate'),
  Type.Literal('referral_certificate'),
  Type.Literal('residence_proof'),
  Type.Literal('bank_account'),
  Type.Literal('agent_id'), // asked whenever an agent files, never otherwise
  Type.Literal('other'),
]);

const ClaimDocumentList = (reason: string) =>
  Type.Optional(Type.Array(ClaimDocumentTypeSchema, { uniqueItems: true, description: `documents a ${reason} claim needs` }));

/**
 * The insured place's manual-claim rules beyond `settings.claim_submit_months`,
 * `settings.claim_process_working_days` and `reductions.unfiled_manual_bp`.
 * Optional: a policy without them gets the defaults of src/claims/rules.ts.
 */
export const ClaimRulesSchema = Type.Object({
  documents: Type.Optional(
    Type.Object(
      {
        non_networked: ClaimDocumentList('non-networked institution'),
        not_filed: ClaimDocumentList('not-filed'),
        emergency_non_networked: ClaimDocumentList('non-networked emergency'),
        chronic_outside_list: ClaimDocumentList('chronic disease'),
        system_failure: ClaimDocumentList('system failure'),
      },
      {
        description:
          'the documents each reason needs, replacing the default list of that reason; an agent ID is added whenever an agent files, a referral certificate for a referral filing, an emergency certificate for an emergency, and a discharge summary is asked of inpatient claims only',
      },
    ),
  ),
  catalogue: Type.Optional(
    Type.Union([Type.Literal('treatment_place'), Type.Literal('insured_place')], {
      description: "which province's catalogue classifies a claim's fee lines: the treatment place's (default, as at the desk) or the insured place's own",
    }),
  ),
});

export const PolicyDocSchema = Type.Object({
  pooling_area: Type.String({ pattern: '^\\d{6}$' }),
  insutype: Type.String({ pattern: '^\\d{3}$' }),
  begndate: DateString,
  name: Type.Optional(Type.String({ maxLength: 200 })),
  settings: SettingsSchema,
  reductions: ReductionsSchema,
  benefits: Type.Array(BenefitSchema, { minItems: 1 }),
  topups: Type.Array(TopUpSchema),
  claims: Type.Optional(ClaimRulesSchema),
});

export const PolicyFileSchema = Type.Object({ policies: Type.Array(PolicyDocSchema) });

export type PersonClass = Type.Static<typeof PersonClassSchema>;
export type MedKind = Type.Static<typeof MedKindSchema>;
export type FilingKind = Type.Static<typeof FilingKindSchema>;
export type Band = Type.Static<typeof BandSchema>;
export type Deductible = Type.Static<typeof DeductibleSchema>;
export type Benefit = Type.Static<typeof BenefitSchema>;
export type Fund = Type.Static<typeof FundSchema>;
export type TopUp = Type.Static<typeof TopUpSchema>;
export type PolicySettings = Type.Static<typeof SettingsSchema>;
export type Reductions = Type.Static<typeof ReductionsSchema>;
export type PolicyDoc = Type.Static<typeof PolicyDocSchema>;
export type ClaimReason = Type.Static<typeof ClaimReasonSchema>;
export type ClaimDocumentType = Type.Static<typeof ClaimDocumentTypeSchema>;
export type ClaimRules = Type.Static<typeof ClaimRulesSchema>;

export interface PolicyVersion {
  id: number;
  pooling_area: string;
  insutype: string;
  begndate: string;
  /** the day before the next version's begndate, or null while current */
  enddate: string | null;
  doc: PolicyDoc;
}

/** A version without its document, as listings show it. */
export interface PolicyVersionSummary {
  id: number;
  pooling_area: string;
  insutype: string;
  begndate: string;
  enddate: string | null;
  name: string | null;
}
