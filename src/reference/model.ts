/** A row of the `region` table: a GB/T 2260 division. */
export interface Region {
  code: string;
  /** 1 province-level division, 2 prefecture-level division */
  level: 1 | 2;
  parent: string | null;
  name_zh: string;
  name_en: string;
  /** a pooling area (统筹区): where policy is set and insurance is held */
  is_pooling: boolean;
  /** false for Taiwan, Hong Kong and Macao, which are outside the mainland scheme */
  has_scheme: boolean;
}

export interface RegionFilter {
  level?: 1 | 2;
  parent?: string;
  pooling?: boolean;
}

/** A row of the `chronic_disease` table: an outpatient chronic or special disease (门诊慢特病). */
export interface ChronicDisease {
  code: string;
  name_zh: string;
  name_en: string;
  /** settled directly across provinces */
  cross_province: boolean;
}

/** One entry of a code table, or an ICD-10 diagnosis. */
export interface CodeEntry {
  code: string;
  name_zh: string;
  name_en: string;
}

/** Where a filing was made; a person searching for an old filing is told which one. */
export type FilingChannel = 'national_app' | 'mini_program' | 'national_self_service' | 'local_platform' | 'hospital';

/** Long-term filings hold until changed; temporary ones for a set period. */
export type FilingClass = 'long_term' | 'temporary';
