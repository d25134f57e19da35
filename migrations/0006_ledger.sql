-- The double-entry ledger (src/ledger/). A transfer moves an amount from its
-- debit account to its credit account; an account's balance is its credits
-- minus its debits. Both tables are append-only.
--
-- Balances are not stored: they are sums over the transfers through the two
-- covering indexes below (index-only scans). A balance row per account updated
-- in each posting would serialise every settlement of a province on the few
-- accounts they all touch (its fund, its claim on another province, the
-- treatment agency): with 100 concurrent postings on PostgreSQL that cut the
-- rate by more than half and multiplied p99 by six (figures in
-- src/ledger/service.ts). Inserts of different ids never wait on each other.
--
-- Codes and ids compare in the C collation so that a prefix (LIKE 'claim:44%')
-- uses the btree indexes.

CREATE TABLE ledger_account (
  code          text COLLATE "C" PRIMARY KEY CHECK (code ~ '^[a-z]+(:[0-9A-Z]+)+$'),
  kind          text NOT NULL CHECK (kind IN ('fund', 'prepaid', 'claim', 'agency', 'payable', 'cash', 'personal', 'pocket')),
  -- the holder's division code; for a claim, the treatment place
  region        char(6) NOT NULL CHECK (region ~ '^[0-9]{6}$'),
  -- for a claim, the insured place that owes it
  counterparty  char(6) CHECK (counterparty ~ '^[0-9]{6}$'),
  -- the institution code or psn_no of a party's account
  party         text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (split_part(code, ':', 1) = kind),
  CHECK ((kind = 'claim') = (counterparty IS NOT NULL))
);
CREATE INDEX ledger_account_region ON ledger_account (region);
CREATE INDEX ledger_account_counterparty ON ledger_account (counterparty) WHERE counterparty IS NOT NULL;
CREATE INDEX ledger_account_party ON ledger_account (party) WHERE party IS NOT NULL;

CREATE TABLE ledger_transfer (
  -- the poster's idempotency key, e.g. setl:<setl_id>:fund
  id             text COLLATE "C" PRIMARY KEY CHECK (id ~ '^[!-~]{1,200}$'),
  -- posting order, for statements and paging
  seq            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  debit          text COLLATE "C" NOT NULL REFERENCES ledger_account (code),
  credit         text COLLATE "C" NOT NULL REFERENCES ledger_account (code),
  amount_fen     bigint NOT NULL CHECK (amount_fen > 0 AND amount_fen <= 9007199254740991),
  currency       char(3) NOT NULL DEFAULT 'CNY' CHECK (currency = 'CNY'),
  -- Asia/Shanghai business date: it decides the clearing month
  business_date  date NOT NULL,
  ref_kind       text NOT NULL,
  ref_id         text NOT NULL,
  reverses       text COLLATE "C" REFERENCES ledger_transfer (id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (debit <> credit)
);
-- An account's side of each transfer in statement order (business date, then
-- posting order), with the amount: balances, as-of balances and statement
-- pages read these alone.
CREATE INDEX ledger_transfer_debit ON ledger_transfer (debit, business_date, seq) INCLUDE (amount_fen);
CREATE INDEX ledger_transfer_credit ON ledger_transfer (credit, business_date, seq) INCLUDE (amount_fen);
-- A transfer is reversed at most once.
CREATE UNIQUE INDEX ledger_transfer_reversed_once ON ledger_transfer (reverses) WHERE reverses IS NOT NULL;

CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: post a correcting transfer instead', TG_TABLE_NAME;
END $$;
CREATE TRIGGER ledger_transfer_no_change BEFORE UPDATE OR DELETE ON ledger_transfer
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_transfer_no_truncate BEFORE TRUNCATE ON ledger_transfer
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_account_no_change BEFORE UPDATE OR DELETE ON ledger_account
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_account_no_truncate BEFORE TRUNCATE ON ledger_account
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

-- A reversal mirrors an original that is not itself a reversal. The service
-- checks the same first, to answer with the field at fault; this keeps any
-- other writer honest.
CREATE FUNCTION ledger_reversal_mirrors() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  o ledger_transfer;
BEGIN
  SELECT * INTO o FROM ledger_transfer WHERE id = NEW.reverses;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'transfer % reverses %, which does not exist', NEW.id, NEW.reverses;
  END IF;
  IF o.reverses IS NOT NULL THEN
    RAISE EXCEPTION 'transfer % is a reversal and cannot be reversed', o.id;
  END IF;
  IF NEW.debit <> o.credit OR NEW.credit <> o.debit OR NEW.amount_fen <> o.amount_fen OR NEW.currency <> o.currency THEN
    RAISE EXCEPTION 'transfer % does not mirror %', NEW.id, o.id;
  END IF;
  IF NEW.business_date < o.business_date THEN
    RAISE EXCEPTION 'transfer % is dated before %, which it reverses', NEW.id, o.id;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER ledger_transfer_reversal BEFORE INSERT ON ledger_transfer
  FOR EACH ROW WHEN (NEW.reverses IS NOT NULL) EXECUTE FUNCTION ledger_reversal_mirrors();
