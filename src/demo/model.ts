import type { StaffRole } from '../auth/model.ts';
import type { CatalogItem } from '../catalog/model.ts';
import type { CrossRegionalService, InstitutionKind } from '../institutions/model.ts';
import type { PersonRecord } from '../people/model.ts';
import type { FilingKind } from '../policy/model.ts';
import type { FilingChannel } from '../reference/model.ts';

/** A filing in a persona's story. Kept as data until filings can be written through their own module. */
export interface PersonaFiling {
  kind: FilingKind;
  /** the treatment area the filing covers */
  area: string;
  begin: string;
  /** inclusive; null for an open long-term filing */
  end: string | null;
  channel: FilingChannel;
  /** someone who filed on the person's behalf */
  agent?: { name: string; certno: string; relation: string };
  /** for a referral: the insured-place hospital that referred the person */
  referred_by?: string;
}

export type PersonaKey = 'resettled_retiree' | 'stationed_worker' | 'traveller' | 'referral' | 'dialysis' | 'unfiled';

/** A person with a story, for demonstrations and hand testing. */
export interface Persona {
  key: PersonaKey;
  record: PersonRecord;
  password: string;
  filings: PersonaFiling[];
  /** where the story takes place (the filed area; for the unfiled person, where they happen to be) */
  treatmentArea: string;
  /** what the person needs from an institution there */
  needs: { services: CrossRegionalService[]; chronic_diseases: string[] };
  /** staff-visible notes */
  notes_zh: string;
  notes_en: string;
}

export interface StaffSeed {
  username: string;
  password: string;
  role: StaffRole;
  region: string | null;
  display_name: string;
}

/** One treatment-place catalogue item as the nation lists it, before the province's own choices. */
export interface NationalItem extends Pick<CatalogItem, 'hilist_code' | 'hilist_name' | 'list_type' | 'med_chrgitm_type' | 'chrgitm_lv'> {
  selfpay_prop_bp: number;
  /** typical unit price, fen */
  price_fen: number;
  /** whether provinces cap its price */
  capped: boolean;
}

export interface CredentialInstitution {
  code: string;
  name: string;
  admdvs: string;
  kind: InstitutionKind;
  level: 1 | 2 | 3;
  services: CrossRegionalService[];
  chronic_diseases: string[];
  appId: string;
  secret: string;
}

export interface CredentialPerson {
  persona: PersonaKey;
  certno: string;
  psn_no: string;
  name: string;
  insutype: string;
  insuplc_admdvs: string;
  ss_card_no: string | null;
  evoucher_token: string | null;
  password: string;
  filings: PersonaFiling[];
  notes_zh: string;
  notes_en: string;
}

/** What `yidi demo` prints and writes to demo-credentials.json. */
export interface DemoCredentials {
  seed: number;
  institutions: CredentialInstitution[];
  persons: CredentialPerson[];
  staff: { username: string; password: string; role: StaffRole; region: string | null }[];
}
