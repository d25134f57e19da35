import type { Bp, Fen } from '../core/money.ts';

/** chrgitm_lv: 01 class A (fully in scope), 02 class B (first a self-paid share), 03 class C (self-paid). */
export type ItemClass = '01' | '02' | '03';

/** One version of a treatment-place catalogue item, in force from begndate to enddate (inclusive, open if null). */
export interface CatalogItem {
  province: string; // PP0000
  hilist_code: string;
  hilist_name: string;
  list_type: string; // 101 western drug, 102 patent drug, 103 herbal pieces, 201 service item, 301 consumable
  med_chrgitm_type: string;
  chrgitm_lv: ItemClass;
  selfpay_prop_bp: Bp; // class B share; 0 for A and C
  pric_uplmt_fen: Fen | null;
  begndate: string;
  enddate: string | null;
}
