-- The person's running totals for a year under their insured place's policy:
-- what the deductible, the pooled fund (per cap group) and each top-up fund
-- have already done. Settlements lock and update them in their transaction;
-- estimates read them.

CREATE TABLE year_total (
  psn_no               text NOT NULL REFERENCES person(psn_no),
  insutype             text NOT NULL,
  year                 smallint NOT NULL,
  cap_group            text NOT NULL,
  insuplc_admdvs       char(6) NOT NULL REFERENCES region(code),
  admissions           integer NOT NULL DEFAULT 0 CHECK (admissions >= 0),
  deductible_paid_fen  bigint NOT NULL DEFAULT 0 CHECK (deductible_paid_fen >= 0),
  pooled_paid_fen      bigint NOT NULL DEFAULT 0 CHECK (pooled_paid_fen >= 0),
  PRIMARY KEY (psn_no, insutype, year, cap_group)
);

CREATE TABLE year_topup_total (
  psn_no     text NOT NULL REFERENCES person(psn_no),
  insutype   text NOT NULL,
  year       smallint NOT NULL,
  fund       text NOT NULL CHECK (fund IN ('hifob', 'hifmi', 'cvlserv', 'maf')),
  paid_fen   bigint NOT NULL DEFAULT 0 CHECK (paid_fen >= 0),
  base_fen   bigint NOT NULL DEFAULT 0 CHECK (base_fen >= 0),
  PRIMARY KEY (psn_no, insutype, year, fund)
);
