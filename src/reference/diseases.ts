import type { ChronicDisease, CodeEntry } from './model.ts';

/**
 * Outpatient chronic and special diseases (门诊慢特病) with the national disease
 * codes as commonly published in the NHSA dictionary; local dictionaries
 * subdivide some (e.g. haemodialysis and peritoneal dialysis). This list is
 * data: the diseases settled directly across provinces grow by setting
 * `cross_province`, not by code.
 */
export const chronicDiseases: readonly ChronicDisease[] = Object.freeze(
  (
    [
      // the five settled directly across provinces
      ['M03900', '高血压', 'Hypertension', true],
      ['M01600', '糖尿病', 'Diabetes mellitus', true],
      ['M00500', '恶性肿瘤门诊治疗', 'Malignant tumour: outpatient chemotherapy and radiotherapy', true],
      ['M07800', '尿毒症透析', 'Uraemia: dialysis', true],
      ['M08300', '器官移植抗排异治疗', 'Anti-rejection therapy after organ transplant', true],
      // settled at the insured place only: treated elsewhere, the person pays and claims
      ['M05300', '慢性阻塞性肺疾病', 'Chronic obstructive pulmonary disease', false],
      ['M04600', '冠心病', 'Coronary heart disease', false],
      ['M02300', '帕金森病', 'Parkinson disease', false],
      ['M06900', '类风湿性关节炎', 'Rheumatoid arthritis', false],
      ['M02101', '精神分裂症', 'Schizophrenia', false],
      ['M02500', '癫痫', 'Epilepsy', false],
      ['M05400', '支气管哮喘', 'Bronchial asthma', false],
    ] as const
  ).map(([code, name_zh, name_en, cross_province]) => Object.freeze({ code, name_zh, name_en, cross_province })),
);

/** ICD-10 diagnoses the demo and the examples use; no ICD-10 package is in reach, so these few ship as data. */
export const diagnoses: readonly CodeEntry[] = Object.freeze(
  (
    [
      ['I10', '原发性高血压', 'Essential (primary) hypertension'],
      ['E11.9', '2型糖尿病不伴有并发症', 'Type 2 diabetes mellitus without complications'],
      ['E78.5', '高脂血症', 'Hyperlipidaemia, unspecified'],
      ['C16.9', '胃恶性肿瘤', 'Malignant neoplasm of stomach, unspecified'],
      ['C18.9', '结肠恶性肿瘤', 'Malignant neoplasm of colon, unspecified'],
      ['C22.0', '肝细胞癌', 'Liver cell carcinoma'],
      ['C34.9', '支气管或肺恶性肿瘤', 'Malignant neoplasm of bronchus or lung, unspecified'],
      ['C50.9', '乳房恶性肿瘤', 'Malignant neoplasm of breast, unspecified'],
      ['N18.5', '慢性肾脏病5期', 'Chronic kidney disease, stage 5'],
      ['Z49.1', '体外透析', 'Extracorporeal dialysis'],
      ['Z51.1', '肿瘤化学治疗疗程', 'Chemotherapy session for neoplasm'],
      ['Z94.0', '肾移植状态', 'Kidney transplant status'],
      ['I21.9', '急性心肌梗死', 'Acute myocardial infarction, unspecified'],
      ['I25.1', '动脉粥样硬化性心脏病', 'Atherosclerotic heart disease'],
      ['I50.9', '心力衰竭', 'Heart failure, unspecified'],
      ['I63.9', '脑梗死', 'Cerebral infarction, unspecified'],
      ['J06.9', '急性上呼吸道感染', 'Acute upper respiratory infection, unspecified'],
      ['J18.9', '肺炎', 'Pneumonia, unspecified'],
      ['J20.9', '急性支气管炎', 'Acute bronchitis, unspecified'],
      ['J44.1', '慢性阻塞性肺病伴有急性加重', 'Chronic obstructive pulmonary disease with acute exacerbation'],
      ['J45.9', '哮喘', 'Asthma, unspecified'],
      ['K29.7', '胃炎', 'Gastritis, unspecified'],
      ['K35.8', '急性阑尾炎', 'Acute appendicitis, other and unspecified'],
      ['K40.9', '单侧腹股沟疝', 'Unilateral inguinal hernia, without obstruction or gangrene'],
      ['K80.2', '胆囊结石不伴有胆囊炎', 'Calculus of gallbladder without cholecystitis'],
      ['M17.9', '膝关节病', 'Gonarthrosis, unspecified'],
      ['M51.2', '腰椎间盘突出', 'Other specified intervertebral disc displacement'],
      ['S72.0', '股骨颈骨折', 'Fracture of neck of femur'],
      ['S82.2', '胫骨骨干骨折', 'Fracture of shaft of tibia'],
      ['H25.9', '老年性白内障', 'Senile cataract, unspecified'],
      ['N39.0', '泌尿道感染', 'Urinary tract infection, site not specified'],
      ['O80.0', '单胎顺产', 'Spontaneous vertex delivery'],
      ['O82.0', '选择性剖宫产', 'Delivery by elective caesarean section'],
      ['G20', '帕金森病', 'Parkinson disease'],
      ['F20.9', '精神分裂症', 'Schizophrenia, unspecified'],
      ['M06.9', '类风湿性关节炎', 'Rheumatoid arthritis, unspecified'],
    ] as const
  ).map(([code, name_zh, name_en]) => Object.freeze({ code, name_zh, name_en })),
);
