-- Settlements (src/settlement/): what the funds and the person paid for a
-- visit, as the engine computed it at the desk. Append-only: a cancellation is
-- a new row with every amount negated that `reverses` the settlement it
-- cancels; a reversal of that cancellation (HIS 2601 of a 2305/2208) is a
-- third row, `reinstate`, that reverses the cancellation with the original
-- amounts. Each row is reversed at most once, so the rows of one visit's
-- settlement form a chain from its `origin_setl_id`, and the one row of the
-- chain that nothing reverses says whether the settlement is live (settle,
-- reinstate) or cancelled (cancel). Money is integer fen.

CREATE TABLE settlement (
  -- 'A' + the institution's pooling area + YYMMDD + serial (setl_serial)
  setl_id              text PRIMARY KEY CHECK (setl_id ~ '^A[0-9]{22}$'),
  kind                 text NOT NULL CHECK (kind IN ('settle', 'cancel', 'reinstate')),
  -- the settlement this one cancels (kind cancel) or the cancellation it undoes (kind reinstate)
  reverses             text UNIQUE REFERENCES settlement(setl_id),
  -- the first settlement of the chain (itself for kind settle)
  origin_setl_id       text NOT NULL REFERENCES settlement(setl_id),
  mdtrt_id             text NOT NULL REFERENCES encounter(mdtrt_id),
  psn_no               text NOT NULL REFERENCES person(psn_no),
  fixmedins_code       char(12) NOT NULL REFERENCES institution(code),
  insuplc_admdvs       char(6) NOT NULL REFERENCES region(code),
  mdtrtarea_admvs      char(6) NOT NULL REFERENCES region(code),
  -- the provinces of the two places: the monthly clearing is between them
  insuplc_province     char(6) GENERATED ALWAYS AS (substr(insuplc_admdvs, 1, 2) || '0000') STORED,
  mdtrtarea_province   char(6) GENERATED ALWAYS AS (substr(mdtrtarea_admvs, 1, 2) || '0000') STORED,
  insutype             text NOT NULL,
  psn_type             text NOT NULL,
  med_type             text NOT NULL,
  clr_type             text NOT NULL,
  setl_time            timestamptz NOT NULL,
  -- the business date and month in Asia/Shanghai: the month decides the clearing
  setl_date            date NOT NULL,
  setl_month           char(7) NOT NULL CHECK (setl_month ~ '^[0-9]{4}-[0-9]{2}$' AND setl_month = to_char(setl_date, 'YYYY-MM')),
  -- the HIS message that made it (answered back as medins_setl_id); null when made otherwise
  msgid                text,
  invono               text,
  acct_used_flag       char(1) NOT NULL CHECK (acct_used_flag IN ('0', '1')),
  mid_setl_flag        char(1) NOT NULL DEFAULT '0' CHECK (mid_setl_flag IN ('0', '1')),

  -- the person as the slip shows them, on the day
  psn_name             text NOT NULL,
  psn_cert_type        text NOT NULL,
  certno               text NOT NULL,
  gend                 char(1) NOT NULL,
  naty                 text NOT NULL,
  brdy                 date NOT NULL,
  age                  smallint NOT NULL,
  cvlserv_flag         char(1) NOT NULL,
  mdtrt_cert_type      text,

  -- the terms the engine applied
  level                smallint NOT NULL CHECK (level BETWEEN 1 AND 3),
  med_kind             text NOT NULL,
  filing_no            text,
  filing_kind          text,
  emergency            boolean NOT NULL,
  reduction_bp         integer NOT NULL CHECK (reduction_bp BETWEEN 0 AND 10000),
  policy_version_id    bigint NOT NULL REFERENCES policy_version(id),
  year                 smallint NOT NULL,
  cap_group            text NOT NULL,
  admission_ordinal    integer,

  medfee_sumamt_fen      bigint NOT NULL,
  fulamt_ownpay_amt_fen  bigint NOT NULL,
  overlmt_selfpay_fen    bigint NOT NULL,
  preselfpay_amt_fen     bigint NOT NULL,
  inscp_scp_amt_fen      bigint NOT NULL,
  act_pay_dedc_fen       bigint NOT NULL,
  hifp_pay_fen           bigint NOT NULL,
  pool_prop_selfpay_fen  bigint NOT NULL,
  cvlserv_pay_fen        bigint NOT NULL,
  hifes_pay_fen          bigint NOT NULL,
  hifmi_pay_fen          bigint NOT NULL,
  hifob_pay_fen          bigint NOT NULL,
  maf_pay_fen            bigint NOT NULL,
  oth_pay_fen            bigint NOT NULL,
  fund_pay_sumamt_fen    bigint NOT NULL,
  psn_part_amt_fen       bigint NOT NULL,
  acct_pay_fen           bigint NOT NULL,
  psn_cash_pay_fen       bigint NOT NULL,
  hosp_part_amt_fen      bigint NOT NULL,
  -- the personal account balance after this row (a balance, not a flow: never negated)
  balc_fen               bigint NOT NULL CHECK (balc_fen >= 0),
  acct_mulaid_pay_fen    bigint NOT NULL DEFAULT 0,

  -- setldetail[] in fen, the engine's explanation lines, the person's year totals around it
  setldetail           jsonb NOT NULL,
  explanation          jsonb NOT NULL,
  year_totals_before   jsonb NOT NULL,
  year_totals_after    jsonb NOT NULL,
  -- the fee lines it settled
  line_ids             bigint[] NOT NULL,
  created_at           timestamptz NOT NULL,

  -- policy.md's identities, on every row
  CHECK (medfee_sumamt_fen = fulamt_ownpay_amt_fen + overlmt_selfpay_fen + preselfpay_amt_fen + inscp_scp_amt_fen),
  CHECK (medfee_sumamt_fen = fund_pay_sumamt_fen + psn_part_amt_fen + hosp_part_amt_fen),
  CHECK (psn_part_amt_fen = acct_pay_fen + psn_cash_pay_fen),
  CHECK (fund_pay_sumamt_fen = hifp_pay_fen + cvlserv_pay_fen + hifes_pay_fen + hifmi_pay_fen + hifob_pay_fen + maf_pay_fen + oth_pay_fen),
  CHECK ((kind = 'settle') = (reverses IS NULL)),
  CHECK ((kind = 'settle') = (origin_setl_id = setl_id)),
  -- a cancellation moves money back; the others move it forward
  CHECK (CASE WHEN kind = 'cancel'
              THEN medfee_sumamt_fen <= 0 AND fund_pay_sumamt_fen <= 0 AND acct_pay_fen <= 0 AND psn_cash_pay_fen <= 0 AND act_pay_dedc_fen <= 0
              ELSE medfee_sumamt_fen >= 0 AND fund_pay_sumamt_fen >= 0 AND acct_pay_fen >= 0 AND psn_cash_pay_fen >= 0 AND act_pay_dedc_fen >= 0 END),
  CHECK (acct_used_flag = '1' OR acct_pay_fen = 0)
);
-- The monthly clearing reads a month of one province pair.
CREATE INDEX settlement_clearing ON settlement (setl_month, insuplc_province, mdtrtarea_province);
CREATE INDEX settlement_visit ON settlement (mdtrt_id, created_at);
CREATE INDEX settlement_origin ON settlement (origin_setl_id);
CREATE INDEX settlement_person ON settlement (psn_no, setl_time);
CREATE INDEX settlement_institution ON settlement (fixmedins_code, setl_date);
CREATE INDEX settlement_insured_area ON settlement (insuplc_admdvs, setl_time);
CREATE INDEX settlement_treatment_area ON settlement (mdtrtarea_admvs, setl_time);

CREATE FUNCTION settlement_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'settlement is append-only: cancel a settlement with a new, negative one';
END $$;
CREATE TRIGGER settlement_no_change BEFORE UPDATE OR DELETE ON settlement
  FOR EACH ROW EXECUTE FUNCTION settlement_append_only();
CREATE TRIGGER settlement_no_truncate BEFORE TRUNCATE ON settlement
  FOR EACH STATEMENT EXECUTE FUNCTION settlement_append_only();
