-- Hospital reconciliation (src/reconciliation/): files exchanged with 9101/9102,
-- the totals (3201) and detail (3202) reconciliations a hospital ran and what
-- they found, and the hospital's confirmations of its cross-provincial clearing
-- detail (3260–3262). Nothing here is edited or deleted: a rollback is an event.

-- A file an institution uploaded (9101) or the platform produced for it (the
-- 3202 result). Only that institution may reference or download it, until
-- dld_endtime.
CREATE SEQUENCE recon_file_serial;
CREATE TABLE recon_file (
  file_qury_no    text PRIMARY KEY,
  fixmedins_code  char(12) NOT NULL REFERENCES institution(code),
  origin          text NOT NULL CHECK (origin IN ('upload', 'result')),
  filename        text NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),
  content         bytea NOT NULL,
  file_size       integer NOT NULL CHECK (file_size = octet_length(content)),
  sha256          char(64) NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  -- the HIS message that uploaded it or whose reconciliation produced it
  msgid           text NOT NULL,
  created_at      timestamptz NOT NULL,
  dld_endtime     timestamptz NOT NULL CHECK (dld_endtime > created_at)
);
CREATE INDEX recon_file_institution ON recon_file (fixmedins_code, created_at);

-- One reconciliation a hospital asked for: what it declared, what the platform
-- found, and the verdict. A detail reconciliation names its source file and
-- the result file, with the count of lines per stmt_rslt.
CREATE TABLE recon_run (
  id                      bigserial PRIMARY KEY,
  kind                    text NOT NULL CHECK (kind IN ('totals', 'detail')),
  fixmedins_code          char(12) NOT NULL REFERENCES institution(code),
  msgid                   text NOT NULL,
  insutype                text,
  clr_type                text,
  setl_optins             char(6) NOT NULL,
  stmt_begndate           date NOT NULL,
  stmt_enddate            date NOT NULL CHECK (stmt_enddate >= stmt_begndate),
  refd_setl_flag          char(1) NOT NULL CHECK (refd_setl_flag IN ('0', '1')),
  declared_medfee_fen     bigint NOT NULL,
  declared_fund_pay_fen   bigint NOT NULL,
  declared_acct_pay_fen   bigint NOT NULL,
  declared_setl_cnt       integer NOT NULL CHECK (declared_setl_cnt >= 0),
  platform_medfee_fen     bigint NOT NULL,
  platform_fund_pay_fen   bigint NOT NULL,
  platform_acct_pay_fen   bigint NOT NULL,
  platform_setl_cnt       integer NOT NULL CHECK (platform_setl_cnt >= 0),
  stmt_rslt               char(1) NOT NULL CHECK (stmt_rslt IN ('0', '1')),
  stmt_rslt_dscr          text NOT NULL,
  source_file             text REFERENCES recon_file(file_qury_no),
  result_file             text REFERENCES recon_file(file_qury_no),
  -- lines of the result by stmt_rslt: 0 match, 1 differ, 2 only in the hospital file, 3 only at the platform
  match_cnt               integer,
  differ_cnt              integer,
  hosp_only_cnt           integer,
  platform_only_cnt       integer,
  created_at              timestamptz NOT NULL,
  UNIQUE (fixmedins_code, msgid),
  CHECK ((kind = 'detail') = (source_file IS NOT NULL AND result_file IS NOT NULL AND match_cnt IS NOT NULL
                              AND differ_cnt IS NOT NULL AND hosp_only_cnt IS NOT NULL AND platform_only_cnt IS NOT NULL))
);
CREATE INDEX recon_run_institution ON recon_run (fixmedins_code, created_at);

-- The month of an institution's clearing detail: its row is locked while a
-- confirmation or rollback is recorded, so events of one month are ordered by id.
CREATE TABLE hospital_clearing_month (
  fixmedins_code  char(12) NOT NULL REFERENCES institution(code),
  clr_month       char(7) NOT NULL CHECK (clr_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  PRIMARY KEY (fixmedins_code, clr_month)
);

-- Confirmations (3261: cnfm_flag 1 include, 0 exclude with a reason) and
-- rollbacks (3262) of a month. What is in force for a settlement is its latest
-- confirmation after the month's latest rollback.
CREATE TABLE hospital_clearing_event (
  id              bigserial PRIMARY KEY,
  fixmedins_code  char(12) NOT NULL,
  clr_month       char(7) NOT NULL,
  action          text NOT NULL CHECK (action IN ('confirm', 'rollback')),
  setl_id         text REFERENCES settlement(setl_id),
  cnfm_flag       char(1) CHECK (cnfm_flag IN ('0', '1')),
  memo            text,
  msgid           text NOT NULL,
  created_at      timestamptz NOT NULL,
  FOREIGN KEY (fixmedins_code, clr_month) REFERENCES hospital_clearing_month (fixmedins_code, clr_month),
  CHECK ((action = 'confirm') = (setl_id IS NOT NULL AND cnfm_flag IS NOT NULL)),
  CHECK (cnfm_flag IS DISTINCT FROM '0' OR memo IS NOT NULL)
);
CREATE INDEX hospital_clearing_event_month ON hospital_clearing_event (clr_month, fixmedins_code, id);

CREATE FUNCTION reconciliation_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER recon_file_no_change BEFORE UPDATE OR DELETE ON recon_file
  FOR EACH ROW EXECUTE FUNCTION reconciliation_append_only();
CREATE TRIGGER recon_run_no_change BEFORE UPDATE OR DELETE ON recon_run
  FOR EACH ROW EXECUTE FUNCTION reconciliation_append_only();
CREATE TRIGGER hospital_clearing_event_no_change BEFORE UPDATE OR DELETE ON hospital_clearing_event
  FOR EACH ROW EXECUTE FUNCTION reconciliation_append_only();
