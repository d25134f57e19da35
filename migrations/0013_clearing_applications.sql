-- Clearing applications (src/reconciliation/): a designated institution asks
-- its treatment-place agency to be paid the funds' share of a month for a
-- clearing type (HIS 3203), with the figures the platform found equal to its
-- own; it may cancel the application (3204) until the agency has paid it for
-- the month. Append-only: a cancellation is a row of its own.

CREATE SEQUENCE hospital_clearing_application_serial;
CREATE TABLE hospital_clearing_application (
  clr_appy_evt_id    text PRIMARY KEY,
  fixmedins_code     char(12) NOT NULL,
  -- the institution's area: its treatment-place agency reads the application
  admdvs             char(6) NOT NULL,
  setlym             char(7) NOT NULL,
  clr_type           text NOT NULL,
  clr_way            text NOT NULL,
  begndate           date NOT NULL,
  enddate            date NOT NULL CHECK (enddate >= begndate),
  -- the month's settlement rows of the clearing type, net of cancellations,
  -- less those the institution excluded from the month (3261)
  psntime            integer NOT NULL,
  medfee_sumamt_fen  bigint NOT NULL,
  -- as the institution declared it; not compared
  med_sumfee_fen     bigint NOT NULL,
  fund_appy_sum_fen  bigint NOT NULL,
  cash_payamt_fen    bigint NOT NULL,
  acct_pay_fen       bigint NOT NULL,
  excluded_cnt       integer NOT NULL CHECK (excluded_cnt >= 0),
  msgid              text NOT NULL,
  created_at         timestamptz NOT NULL,
  UNIQUE (fixmedins_code, msgid),
  -- the institution's month row is locked while an application is recorded or
  -- cancelled, so one month's applications are decided one at a time
  FOREIGN KEY (fixmedins_code, setlym) REFERENCES hospital_clearing_month (fixmedins_code, clr_month)
);
CREATE INDEX hospital_clearing_application_month ON hospital_clearing_application (fixmedins_code, setlym, clr_type);
CREATE INDEX hospital_clearing_application_area ON hospital_clearing_application (admdvs, setlym);

CREATE TABLE hospital_clearing_application_cancel (
  clr_appy_evt_id  text PRIMARY KEY REFERENCES hospital_clearing_application (clr_appy_evt_id),
  msgid            text NOT NULL,
  created_at       timestamptz NOT NULL
);

CREATE TRIGGER hospital_clearing_application_no_change BEFORE UPDATE OR DELETE ON hospital_clearing_application
  FOR EACH ROW EXECUTE FUNCTION reconciliation_append_only();
CREATE TRIGGER hospital_clearing_application_cancel_no_change BEFORE UPDATE OR DELETE ON hospital_clearing_application_cancel
  FOR EACH ROW EXECUTE FUNCTION reconciliation_append_only();
