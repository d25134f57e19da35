import type { FilingKind } from '../policy/model.ts';
import type { CodeEntry, FilingChannel, FilingClass } from './model.ts';

/**
 * The code tables of the HIS interface (NHSA 医疗保障信息平台 dictionaries) and
 * of filing. Codes are open strings: a region may send codes not listed here,
 * so lookups answer `undefined` rather than fail, and the tables grow by data.
 */

type Row = [code: string, name_zh: string, name_en: string];
const table = (rows: Row[]): readonly CodeEntry[] =>
  Object.freeze(rows.map(([code, name_zh, name_en]) => Object.freeze({ code, name_zh, name_en })));

const filingKinds: Record<FilingKind, { name_zh: string; name_en: string; class: FilingClass }> = {
  resettled_retiree: { name_zh: '异地安置退休人员', name_en: 'Resettled retiree', class: 'long_term' },
  long_term_resident: { name_zh: '异地长期居住人员', name_en: 'Long-term resident elsewhere', class: 'long_term' },
  stationed_worker: { name_zh: '常驻异地工作人员', name_en: 'Worker stationed elsewhere', class: 'long_term' },
  referral: { name_zh: '异地转诊就医人员', name_en: 'Referred for treatment elsewhere', class: 'temporary' },
  emergency: { name_zh: '异地急诊抢救人员', name_en: 'Emergency treatment elsewhere', class: 'temporary' },
  other_temporary: { name_zh: '其他临时外出就医人员', name_en: 'Other temporary treatment elsewhere', class: 'temporary' },
};

const filingChannels: Record<FilingChannel, [string, string]> = {
  national_app: ['国家医保服务平台APP', 'National Healthcare Security Service app'],
  mini_program: ['微信/支付宝小程序', 'WeChat or Alipay mini program'],
  national_self_service: ['国家异地就医备案小程序/自助', 'National cross-regional filing mini program (self-service)'],
  local_platform: ['参保地经办机构/线上平台', 'Insured-place agency counter or online platform'],
  hospital: ['定点医疗机构（转诊备案）', 'Designated hospital (referral filing)'],
};

export const codeTables = {
  insutype: table([
    ['310', '职工基本医疗保险', 'Employee basic medical insurance'],
    ['320', '公务员医疗补助', 'Civil servant medical subsidy'],
    ['330', '大额医疗费用补助', 'Large-amount medical expense subsidy'],
    ['340', '离休人员医疗保障', 'Medical security for retired cadres'],
    ['390', '城乡居民基本医疗保险', 'Urban and rural resident basic medical insurance'],
    ['392', '城乡居民大病医疗保险', 'Resident serious illness insurance'],
    ['510', '生育保险', 'Maternity insurance'],
  ]),
  med_type: table([
    ['11', '普通门诊', 'General outpatient'],
    ['12', '门诊挂号', 'Outpatient registration'],
    ['13', '急诊', 'Emergency'],
    ['14', '门诊慢特病', 'Outpatient chronic or special disease'],
    ['21', '普通住院', 'General inpatient'],
    ['23', '转外诊治住院', 'Referred inpatient'],
    ['24', '急诊转住院', 'Emergency to inpatient'],
    ['41', '定点药店购药', 'Designated pharmacy purchase'],
    ['51', '生育门诊', 'Maternity outpatient'],
    ['52', '生育住院', 'Maternity inpatient'],
  ]),
  // Local dictionaries extend these; the 14xx names follow common usage.
  psn_type: table([
    ['1101', '在职职工', 'Employee in service'],
    ['1102', '在职公务员', 'Civil servant in service'],
    ['1103', '灵活就业人员', 'Flexible employment'],
    ['1201', '退休职工', 'Retired employee'],
    ['1300', '离休人员', 'Retired cadre'],
    ['1401', '学龄前儿童', 'Pre-school child'],
    ['1402', '中小学生', 'Primary or secondary school student'],
    ['1403', '大学生', 'University student'],
    ['1404', '其他未成年人', 'Other minor'],
    ['1405', '新生儿', 'Newborn'],
    ['1501', '成年居民', 'Adult resident'],
  ]),
  mdtrt_cert_type: table([
    ['01', '医保电子凭证', 'Medical insurance e-voucher'],
    ['02', '居民身份证', 'Resident ID card'],
    ['03', '社会保障卡', 'Social security card'],
  ]),
  psn_cert_type: table([
    ['01', '居民身份证（户口簿）', 'Resident ID card (household register)'],
    ['02', '中国人民解放军军官证', 'PLA officer card'],
    ['03', '中国人民武装警察警官证', 'People’s Armed Police officer card'],
    ['04', '香港特区护照/港澳居民来往内地通行证', 'Hong Kong passport or Mainland travel permit'],
    ['05', '澳门特区护照/港澳居民来往内地通行证', 'Macao passport or Mainland travel permit'],
    ['06', '台湾居民来往大陆通行证', 'Mainland travel permit for Taiwan residents'],
    ['07', '外国人永久居留证', 'Foreign permanent resident ID card'],
    ['08', '外国人护照', 'Foreign passport'],
    ['99', '其他身份证件', 'Other identity document'],
  ]),
  fund_pay_type: table([
    ['310100', '职工基本医疗保险统筹基金', 'Employee basic insurance pooled fund'],
    ['310200', '职工基本医疗保险个人账户基金', 'Employee personal account'],
    ['320100', '公务员医疗补助资金', 'Civil servant medical subsidy'],
    ['330100', '职工大额医疗费用补助基金', 'Employee large-amount subsidy'],
    ['390100', '城乡居民基本医疗保险基金', 'Resident basic insurance pooled fund'],
    ['390200', '城乡居民大病医疗保险资金', 'Resident serious illness insurance'],
    ['610100', '医疗救助基金', 'Medical assistance fund'],
    ['999996', '医药机构负担', 'Borne by the institution'],
  ]),
  chrgitm_lv: table([
    ['01', '甲类', 'Class A'],
    ['02', '乙类', 'Class B'],
    ['03', '丙类', 'Class C (self-paid)'],
  ]),
  list_type: table([
    ['101', '西药', 'Western drug'],
    ['102', '中成药', 'Chinese patent drug'],
    ['103', '中药饮片', 'Herbal pieces'],
    ['201', '医疗服务项目', 'Medical service item'],
    ['301', '医用耗材', 'Medical consumable'],
  ]),
  med_chrgitm_type: table([
    ['01', '床位费', 'Bed'],
    ['02', '诊察费', 'Consultation'],
    ['03', '检查费', 'Examination'],
    ['04', '化验费', 'Laboratory'],
    ['05', '治疗费', 'Treatment'],
    ['06', '手术费', 'Surgery'],
    ['07', '护理费', 'Nursing'],
    ['08', '卫生材料费', 'Materials'],
    ['09', '西药费', 'Western drugs'],
    ['10', '中药饮片费', 'Herbal pieces'],
    ['11', '中成药费', 'Chinese patent drugs'],
    ['12', '一般诊疗费', 'General treatment'],
    ['13', '挂号费', 'Registration'],
    ['14', '其他费', 'Other'],
  ]),
  clr_type: table([
    ['11', '门诊', 'Outpatient'],
    ['21', '住院', 'Inpatient'],
    ['41', '定点药店', 'Pharmacy'],
    ['99', '其他', 'Other'],
  ]),
  psn_setlway: table([
    ['01', '按项目结算', 'By item'],
    ['02', '按定额结算', 'Fixed quota'],
  ]),
  dscg_way: table([
    ['1', '医嘱离院', 'Discharged on medical advice'],
    ['2', '医嘱转院', 'Transferred on medical advice'],
    ['3', '医嘱转社区卫生服务机构/乡镇卫生院', 'Transferred to a community or township health centre'],
    ['4', '非医嘱离院', 'Left against medical advice'],
    ['5', '死亡', 'Died'],
    ['9', '其他', 'Other'],
  ]),
  filing_channel: table(Object.entries(filingChannels).map(([code, [zh, en]]) => [code, zh, en])),
  filing_kind: table(Object.entries(filingKinds).map(([code, k]) => [code, k.name_zh, k.name_en])),
} satisfies Record<string, readonly CodeEntry[]>;

export type CodeTableName = keyof typeof codeTables;

export const codeTableNames = Object.freeze(Object.keys(codeTables) as CodeTableName[]);

export function isCodeTableName(s: string): s is CodeTableName {
  return Object.hasOwn(codeTables, s);
}

/** The name of `code` in `table`, or undefined for a code this platform does not list. */
export function codeName(table: CodeTableName, code: string, lang: 'zh' | 'en' = 'zh'): string | undefined {
  const entry = codeTables[table].find((e) => e.code === code);
  return entry && (lang === 'zh' ? entry.name_zh : entry.name_en);
}

export function isKnownCode(table: CodeTableName, code: string): boolean {
  return codeTables[table].some((e) => e.code === code);
}

export function filingClass(kind: FilingKind): FilingClass {
  return filingKinds[kind].class;
}
