-- Money between places (src/clearing/): the monthly inter-provincial clearing,
-- the insured provinces' prepaid funds and the treatment-place agencies'
-- payments to their institutions. The money itself moves in the ledger
-- (0006); these tables say why, for which month, and who agreed.

-- A month is closed when its row exists: from then on no settlement and no
-- ledger transfer may be dated in it or before it (triggers below). Months
-- close in order; the first clearing also takes every earlier month.
CREATE TABLE clearing_month (
  month          char(7) PRIMARY KEY CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  -- the month cleared before this one; null for the first clearing
  since_month    char(7) UNIQUE REFERENCES clearing_month (month),
  status         text NOT NULL CHECK (status IN ('closed', 'issued', 'cleared')),
  closed_at      timestamptz NOT NULL,
  closed_by      text NOT NULL,
  issued_at      timestamptz,
  -- the last day the provinces may confirm; afterwards the operator's run deems them confirmed
  confirm_by     date,
  cleared_at     timestamptz,
  CHECK (since_month IS NULL OR since_month < month),
  CHECK ((status = 'closed') = (issued_at IS NULL)),
  CHECK ((issued_at IS NULL) = (confirm_by IS NULL)),
  CHECK ((status = 'cleared') = (cleared_at IS NOT NULL))
);
-- Only one clearing may be the first.
CREATE UNIQUE INDEX clearing_month_first ON clearing_month ((since_month IS NULL)) WHERE since_month IS NULL;

-- What one insured province owes one treatment province for a month: the
-- month's own settlement rows (settlements, reversals, reinstatements: amounts
-- signed) plus the rows carried in after being excluded from an earlier
-- month; the exclusions made in this month are subtracted on read. The
-- figures are written once, by the reconciliation; confirmations and the
-- posting are the workflow around them.
CREATE TABLE clearing_statement (
  -- <month>-<insured province>-<treatment province>: a re-run finds the same statement
  id                      text PRIMARY KEY CHECK (id ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}0000-[0-9]{2}0000$'),
  month                   char(7) NOT NULL REFERENCES clearing_month (month),
  insured_province        char(6) NOT NULL,
  treatment_province      char(6) NOT NULL,
  settlements             integer NOT NULL,
  reversals               integer NOT NULL,
  medfee_fen              bigint NOT NULL,
  fund_fen                bigint NOT NULL,
  acct_fen                bigint NOT NULL,
  carried_rows            integer NOT NULL,
  carried_medfee_fen      bigint NOT NULL,
  carried_fund_fen        bigint NOT NULL,
  carried_acct_fen        bigint NOT NULL,
  insured_confirmed_at    timestamptz,
  insured_confirmed_by    text,
  insured_deemed          boolean NOT NULL DEFAULT false,
  treatment_confirmed_at  timestamptz,
  treatment_confirmed_by  text,
  treatment_deemed        boolean NOT NULL DEFAULT false,
  posted_at               timestamptz,
  UNIQUE (month, insured_province, treatment_province),
  CHECK (insured_province <> treatment_province),
  CHECK (id = month || '-' || insured_province || '-' || treatment_province),
  CHECK ((insured_confirmed_at IS NULL) = (insured_confirmed_by IS NULL)),
  CHECK ((treatment_confirmed_at IS NULL) = (treatment_confirmed_by IS NULL)),
  CHECK (posted_at IS NULL OR (insured_confirmed_at IS NOT NULL AND treatment_confirmed_at IS NOT NULL))
);
CREATE INDEX clearing_statement_insured ON clearing_statement (insured_province, month);
CREATE INDEX clearing_statement_treatment ON clearing_statement (treatment_province, month);

-- A settlement row the confirming side disputes: left out of the month's
-- statement and carried into the next month reconciled after it.
CREATE TABLE clearing_exclusion (
  setl_id        text NOT NULL REFERENCES settlement (setl_id),
  month          char(7) NOT NULL REFERENCES clearing_month (month),
  statement_id   text NOT NULL REFERENCES clearing_statement (id),
  side           text NOT NULL CHECK (side IN ('insured', 'treatment')),
  reason         text NOT NULL CHECK (length(btrim(reason)) > 0),
  medfee_fen     bigint NOT NULL,
  fund_fen       bigint NOT NULL,
  acct_fen       bigint NOT NULL,
  excluded_by    text NOT NULL,
  excluded_at    timestamptz NOT NULL,
  -- the later month whose statement took the row in again
  carried_to     char(7) REFERENCES clearing_month (month),
  PRIMARY KEY (setl_id, month),
  CHECK (carried_to IS NULL OR carried_to > month)
);
CREATE INDEX clearing_exclusion_statement ON clearing_exclusion (statement_id);
CREATE INDEX clearing_exclusion_carried ON clearing_exclusion (carried_to);

-- The prepaid funds an insured province should hold for a year: the previous
-- year's cross-provincial payments × months / 12.
CREATE TABLE prepaid_target (
  province     char(6) NOT NULL CHECK (province ~ '^[0-9]{2}0000$'),
  year         smallint NOT NULL,
  months       smallint NOT NULL CHECK (months BETWEEN 1 AND 12),
  base_fen     bigint NOT NULL CHECK (base_fen >= 0),
  target_fen   bigint NOT NULL CHECK (target_fen >= 0),
  sized_by     text NOT NULL,
  sized_at     timestamptz NOT NULL,
  PRIMARY KEY (province, year)
);

-- Every movement into or out of a province's prepaid funds other than the
-- clearing: the yearly sizing, top-ups, adjustments. One ledger transfer each.
CREATE SEQUENCE prepaid_movement_serial;
CREATE TABLE prepaid_movement (
  transfer_id    text PRIMARY KEY,
  -- recording order
  seq            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  province       char(6) NOT NULL CHECK (province ~ '^[0-9]{2}0000$'),
  kind           text NOT NULL CHECK (kind IN ('size', 'topup', 'adjust')),
  -- + into the prepaid funds, − back to the province's fund
  amount_fen     bigint NOT NULL CHECK (amount_fen <> 0),
  reason         text NOT NULL,
  business_date  date NOT NULL,
  actor          text NOT NULL,
  created_at     timestamptz NOT NULL
);
CREATE INDEX prepaid_movement_province ON prepaid_movement (province, seq);

-- What a treatment-place agency paid an institution against its payables.
CREATE SEQUENCE institution_payment_serial;
CREATE TABLE institution_payment (
  transfer_id    text PRIMARY KEY,
  admdvs         char(6) NOT NULL,
  institution    char(12) NOT NULL REFERENCES institution (code),
  -- the month of payables it pays
  month          char(7) NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  amount_fen     bigint NOT NULL CHECK (amount_fen > 0),
  business_date  date NOT NULL,
  note           text,
  paid_by        text NOT NULL,
  created_at     timestamptz NOT NULL
);
CREATE INDEX institution_payment_institution ON institution_payment (institution, month);

-- The clearing aggregates a month by province pair, and the dashboard a range
-- of days: both read this index alone (an index-only scan, no heap). It
-- covers what settlement_clearing (0008) served, which it replaces.
DROP INDEX IF EXISTS settlement_clearing;
CREATE INDEX settlement_clearing_cover ON settlement (setl_month, insuplc_province, mdtrtarea_province)
  INCLUDE (setl_date, kind, medfee_sumamt_fen, fund_pay_sumamt_fen, acct_pay_fen);

-- A closed month accepts nothing. Checked once per statement over the
-- inserted rows (a bulk load pays one query, not one per row). The closing
-- transaction takes a SHARE ROW EXCLUSIVE lock on settlement, so it waits for
-- settlements being written and they, after it, see the month closed: a
-- settlement is either in the month's statements or refused, never lost.
CREATE FUNCTION clearing_settlement_month_open() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  closed char(7);
  earliest char(7);
BEGIN
  SELECT max(month) INTO closed FROM clearing_month;
  IF closed IS NULL THEN RETURN NULL; END IF;
  SELECT min(setl_month) INTO earliest FROM new_rows;
  IF earliest <= closed THEN
    RAISE EXCEPTION 'settlement month % is closed for clearing (every month up to % is): settle with a date in an open month', earliest, closed
      USING ERRCODE = 'YC001';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER settlement_month_open AFTER INSERT ON settlement
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION clearing_settlement_month_open();

CREATE FUNCTION clearing_transfer_month_open() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  closed char(7);
  earliest date;
BEGIN
  SELECT max(month) INTO closed FROM clearing_month;
  IF closed IS NULL THEN RETURN NULL; END IF;
  SELECT min(business_date) INTO earliest FROM new_rows;
  IF to_char(earliest, 'YYYY-MM') <= closed THEN
    RAISE EXCEPTION 'ledger business date % is in a month closed for clearing (every month up to % is): post with a date in an open month', earliest, closed
      USING ERRCODE = 'YC001';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER ledger_transfer_month_open AFTER INSERT ON ledger_transfer
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION clearing_transfer_month_open();
