export type InstitutionKind = 'hospital' | 'clinic' | 'pharmacy';
export type CrossRegionalService = 'inpatient' | 'outpatient' | 'pharmacy';

export interface Institution {
  code: string; // 'H' + 11 digits (hospitals, clinics) or 'P' + 11 digits (pharmacies)
  name: string;
  admdvs: string; // the pooling area it is in
  kind: InstitutionKind;
  level: 1 | 2 | 3;
  services: CrossRegionalService[];
  /** chronic/special disease codes settled directly here */
  chronic_diseases: string[];
  status: 'active' | 'suspended';
  address: string | null;
  phone: string | null;
}

export interface InstitutionItemMapping {
  institution_code: string;
  medins_list_codg: string;
  hilist_code: string;
}
