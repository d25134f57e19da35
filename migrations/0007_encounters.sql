-- Visits (src/encounters/): outpatient registrations, admissions and pharmacy
-- purchases, their diagnoses, and the fee lines hospitals upload, each
-- classified by the treatment province's catalogue on its fee date.

CREATE TABLE encounter (
  -- 'S' + the institution's pooling area + YYMMDD + serial
  mdtrt_id         text PRIMARY KEY CHECK (mdtrt_id ~ '^S[0-9]{22}$'),
  fixmedins_code   char(12) NOT NULL REFERENCES institution(code),
  -- the treatment place: the institution's pooling area
  mdtrtarea_admvs  char(6) NOT NULL REFERENCES region(code),
  psn_no           text NOT NULL REFERENCES person(psn_no),
  insutype         text NOT NULL,
  insuplc_admdvs   char(6) NOT NULL REFERENCES region(code),
  med_type         text NOT NULL,
  visit_kind       text NOT NULL CHECK (visit_kind IN ('outpatient', 'inpatient', 'pharmacy')),
  begntime         timestamptz NOT NULL,
  endtime          timestamptz,
  mdtrt_cert_type  text,
  mdtrt_cert_no    text,
  ipt_otp_no       text,
  medrcdno         text,
  dept_code        text,
  dept_name        text,
  caty             text,
  adm_bed          text,
  atddr_no         text,
  dr_name          text,
  adm_diag_dscr    text,
  dise_codg        text,
  dise_name        text,
  main_cond_dscr   text,
  -- the chronic/special disease of an outpatient chronic disease visit (med_type 14)
  opsp_dise_code   text REFERENCES chronic_disease(code),
  dscg_way         text,
  -- what makes the visit directly settled: a covering filing, an emergency, or
  -- treatment in the insured place itself
  filing_no        text,
  filing_kind      text,
  emergency        boolean NOT NULL DEFAULT false,
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'discharged', 'cancelled')),
  -- the live settlement, set and cleared by the settlement service under a row lock
  settled_setl_id  text,
  created_msgid    text,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  CHECK (endtime IS NULL OR endtime >= begntime),
  CHECK (status <> 'discharged' OR endtime IS NOT NULL),
  CHECK (status <> 'cancelled' OR settled_setl_id IS NULL),
  CHECK ((med_type = '14') = (opsp_dise_code IS NOT NULL)),
  CHECK ((filing_no IS NULL) = (filing_kind IS NULL)),
  CHECK (filing_no IS NOT NULL OR emergency OR insuplc_admdvs = mdtrtarea_admvs)
);
CREATE INDEX encounter_institution ON encounter(fixmedins_code, begntime);
CREATE INDEX encounter_psn ON encounter(psn_no, insutype, visit_kind);
-- A person is in one hospital bed at a time.
CREATE UNIQUE INDEX encounter_one_admission ON encounter(psn_no) WHERE visit_kind = 'inpatient' AND status = 'open';

-- Diagnoses as the HIS sent them (diseinfo[]), in the order sent: those of the
-- visit or admission, and those of the discharge. Replaced whole on update.
CREATE TABLE encounter_diagnosis (
  mdtrt_id       text NOT NULL REFERENCES encounter(mdtrt_id),
  phase          text NOT NULL CHECK (phase IN ('visit', 'discharge')),
  position       smallint NOT NULL CHECK (position >= 0),
  diag_type      text NOT NULL,
  maindiag_flag  char(1) NOT NULL CHECK (maindiag_flag IN ('0', '1')),
  diag_srt_no    integer NOT NULL,
  diag_code      text NOT NULL,
  diag_name      text NOT NULL,
  adm_cond       text,
  diag_dept      text,
  dise_dor_no    text,
  dise_dor_name  text,
  diag_time      timestamptz,
  PRIMARY KEY (mdtrt_id, phase, position)
);

CREATE TABLE fee_line (
  id                       bigserial PRIMARY KEY,
  mdtrt_id                 text NOT NULL REFERENCES encounter(mdtrt_id),
  feedetl_sn               text NOT NULL,
  -- a refund line names the line it refunds, with a negative cnt and amount
  init_feedetl_sn          text,
  refunds_id               bigint REFERENCES fee_line(id),
  chrg_bchno               text,
  rxno                     text,
  drord_no                 text,
  -- the national code the line was classified by
  med_list_codg            text,
  medins_list_codg         text,
  fee_ocur_time            timestamptz NOT NULL,
  -- cnt × 10000
  qty_e4                   bigint NOT NULL CHECK (qty_e4 <> 0),
  pric_fen                 bigint NOT NULL CHECK (pric_fen >= 0),
  det_item_fee_sumamt_fen  bigint NOT NULL,
  listed                   boolean NOT NULL,
  chrgitm_lv               char(2) NOT NULL CHECK (chrgitm_lv IN ('01', '02', '03')),
  selfpay_prop_bp          integer NOT NULL CHECK (selfpay_prop_bp BETWEEN 0 AND 10000),
  pric_uplmt_fen           bigint CHECK (pric_uplmt_fen > 0),
  fulamt_ownpay_fen        bigint NOT NULL,
  overlmt_fen              bigint NOT NULL,
  preselfpay_fen           bigint NOT NULL,
  inscp_scp_fen            bigint NOT NULL,
  med_chrgitm_type         text NOT NULL,
  list_type                text,
  bilg_dept_codg           text,
  bilg_dept_name           text,
  bilg_dr_codg             text,
  bilg_dr_name             text,
  hosp_appr_flag           text,
  memo                     text,
  status                   text NOT NULL DEFAULT 'uploaded' CHECK (status IN ('uploaded', 'cancelled', 'settled')),
  setl_id                  text,
  created_at               timestamptz NOT NULL,
  cancelled_at             timestamptz,
  CHECK (fulamt_ownpay_fen + overlmt_fen + preselfpay_fen + inscp_scp_fen = det_item_fee_sumamt_fen),
  CHECK (sign(det_item_fee_sumamt_fen) * sign(qty_e4) >= 0),
  CHECK ((init_feedetl_sn IS NULL) = (refunds_id IS NULL)),
  CHECK ((refunds_id IS NULL) = (qty_e4 > 0)),
  CHECK ((status = 'settled') = (setl_id IS NOT NULL)),
  CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
-- A cancelled line frees its feedetl_sn: HIS resend a corrected line under the same number.
CREATE UNIQUE INDEX fee_line_sn ON fee_line(mdtrt_id, feedetl_sn) WHERE status <> 'cancelled';
CREATE INDEX fee_line_visit ON fee_line(mdtrt_id, status, id);
CREATE INDEX fee_line_refunds ON fee_line(refunds_id) WHERE refunds_id IS NOT NULL;
CREATE INDEX fee_line_setl ON fee_line(setl_id) WHERE setl_id IS NOT NULL;
