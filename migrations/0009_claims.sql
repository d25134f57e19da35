-- Manual reimbursement (src/claims/, 手工报销): a person who paid in full claims
-- from their insured place with a guided document list; the insured place's
-- agency reviews, computes the payable amount with the settlement engine and
-- pays. The claim row carries its state and review clock; everything with money
-- in it (the bills entered, the decision, the payment) is an append-only row of
-- its own, and every state change is an event row. Money is integer fen.

CREATE TABLE claim (
  id                  bigserial PRIMARY KEY,
  psn_no              text NOT NULL REFERENCES person(psn_no),
  -- the name as on the day the claim was started, for the review queue
  psn_name            text NOT NULL,
  insutype            text NOT NULL,
  -- the insured place whose agency reviews and pays
  insuplc_admdvs      char(6) NOT NULL REFERENCES region(code),
  reason              text NOT NULL CHECK (reason IN ('non_networked', 'not_filed', 'emergency_non_networked', 'chronic_outside_list', 'system_failure')),
  med_kind            text NOT NULL CHECK (med_kind IN ('inpatient', 'outpatient', 'chronic', 'pharmacy')),
  disease_code        text CHECK ((med_kind = 'chronic') = (disease_code IS NOT NULL)),
  mdtrtarea_admvs     char(6) NOT NULL REFERENCES region(code),
  -- the institution's code when Yidi knows it (no foreign key: non-networked institutions are not listed)
  institution_code    text,
  institution_name    text NOT NULL,
  level               smallint NOT NULL CHECK (level BETWEEN 1 AND 3),
  begin_date          date NOT NULL,
  -- discharge (or the visit's day): the submit deadline counts from it
  end_date            date NOT NULL CHECK (end_date >= begin_date),
  -- normalised (trimmed, upper case, no spaces)
  invoice_no          text NOT NULL,
  -- how direct settlement would have treated the case: its ratio reduction follows from it
  basis               text NOT NULL CHECK (basis IN ('filing', 'emergency', 'home', 'unfiled')),
  filing_kind         text CHECK ((basis = 'filing') = (filing_kind IS NOT NULL)),
  filing_no           text,
  -- someone filing for the person: {name, certno, relation, psn_no?}
  agent               jsonb,
  agent_psn_no        text REFERENCES person(psn_no),
  status              text NOT NULL CHECK (status IN ('draft', 'submitted', 'more_documents_requested', 'approved', 'partly_approved', 'rejected', 'paid')),
  submit_deadline     date NOT NULL,
  -- the review clock: working days the agency has had the claim, its limit (fixed at the first
  -- submission) and, while the agency has it, the day the limit is reached
  process_limit_days  integer CHECK (process_limit_days > 0),
  clock_used_days     integer NOT NULL DEFAULT 0 CHECK (clock_used_days >= 0),
  clock_since         date,
  due_date            date,
  first_submitted_at  timestamptz,
  created_by          text NOT NULL,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  CHECK (agent_psn_no IS NULL OR agent IS NOT NULL),
  CHECK ((status = 'submitted') = (due_date IS NOT NULL AND clock_since IS NOT NULL))
);
-- One live claim per invoice: a rejected claim frees its invoice for a new one.
CREATE UNIQUE INDEX claim_invoice_live ON claim (invoice_no) WHERE status <> 'rejected';
CREATE INDEX claim_person ON claim (psn_no, created_at);
CREATE INDEX claim_agent ON claim (agent_psn_no) WHERE agent_psn_no IS NOT NULL;
CREATE INDEX claim_queue ON claim (insuplc_admdvs, status, due_date);

-- A claim's bill as entered: itemised lines classified by a catalogue, or totals by
-- class. A new entry is a new row; the claim's bill is its latest.
CREATE TABLE claim_bill (
  id                  bigserial PRIMARY KEY,
  claim_id            bigint NOT NULL REFERENCES claim(id),
  kind                text NOT NULL CHECK (kind IN ('lines', 'classes')),
  -- the lines (or class totals) as entered, with each line's classification
  entries             jsonb NOT NULL,
  catalogue_province  char(6) NOT NULL REFERENCES region(code),
  -- the class-B first share taken for totals by class
  class_b_share_bp    integer CHECK (class_b_share_bp BETWEEN 0 AND 10000),
  medfee_sumamt_fen      bigint NOT NULL CHECK (medfee_sumamt_fen > 0),
  fulamt_ownpay_amt_fen  bigint NOT NULL CHECK (fulamt_ownpay_amt_fen >= 0),
  overlmt_selfpay_fen    bigint NOT NULL CHECK (overlmt_selfpay_fen >= 0),
  preselfpay_amt_fen     bigint NOT NULL CHECK (preselfpay_amt_fen >= 0),
  inscp_scp_amt_fen      bigint NOT NULL CHECK (inscp_scp_amt_fen >= 0),
  -- an agency's adjusted bill of a partly approved claim (the person's are not)
  adjusted            boolean NOT NULL,
  entered_by          text NOT NULL,
  created_at          timestamptz NOT NULL,
  CHECK (medfee_sumamt_fen = fulamt_ownpay_amt_fen + overlmt_selfpay_fen + preselfpay_amt_fen + inscp_scp_amt_fen),
  CHECK ((kind = 'classes') = (class_b_share_bp IS NOT NULL))
);
CREATE INDEX claim_bill_claim ON claim_bill (claim_id, id);

-- The agency's decision, once per claim: approved on the claim's bill, partly
-- approved on an adjusted bill, or rejected with a reason. The amounts are the
-- engine's on the day of the decision; the payment computes them again under
-- the locked year totals.
CREATE TABLE claim_decision (
  id                    bigserial PRIMARY KEY,
  claim_id              bigint NOT NULL UNIQUE REFERENCES claim(id),
  decision              text NOT NULL CHECK (decision IN ('approved', 'partly_approved', 'rejected')),
  bill_id               bigint REFERENCES claim_bill(id),
  reason                text,
  amounts               jsonb,
  explanation           jsonb,
  medfee_sumamt_fen     bigint,
  fund_pay_sumamt_fen   bigint CHECK (fund_pay_sumamt_fen >= 0),
  psn_part_amt_fen      bigint,
  decided_by            text NOT NULL,
  decided_at            timestamptz NOT NULL,
  CHECK ((decision = 'rejected') = (bill_id IS NULL)),
  CHECK (decision = 'approved' OR reason IS NOT NULL),
  CHECK (decision = 'rejected' OR (amounts IS NOT NULL AND medfee_sumamt_fen = fund_pay_sumamt_fen + psn_part_amt_fen))
);

-- The payment: what the funds paid the person, as a settlement computes it, with
-- the year totals around it. Its ledger transfers are `claim:<id>:fund`.
CREATE TABLE claim_payment (
  claim_id              bigint PRIMARY KEY REFERENCES claim(id),
  decision_id           bigint NOT NULL UNIQUE REFERENCES claim_decision(id),
  policy_version_id     bigint NOT NULL REFERENCES policy_version(id),
  terms                 jsonb NOT NULL,
  amounts               jsonb NOT NULL,
  setldetail            jsonb NOT NULL,
  explanation           jsonb NOT NULL,
  year_totals_before    jsonb NOT NULL,
  year_totals_after     jsonb NOT NULL,
  medfee_sumamt_fen     bigint NOT NULL,
  fund_pay_sumamt_fen   bigint NOT NULL CHECK (fund_pay_sumamt_fen >= 0),
  psn_part_amt_fen      bigint NOT NULL,
  -- the bank's (or treasury's) reference of the transfer to the person
  payment_ref           text NOT NULL,
  business_date         date NOT NULL,
  paid_by               text NOT NULL,
  paid_at               timestamptz NOT NULL,
  CHECK (medfee_sumamt_fen = fund_pay_sumamt_fen + psn_part_amt_fen)
);

-- Documents: the content detected from its bytes, a SHA-256 checksum, and where
-- the bytes are: a directory (storage_key is the path under it) or the database.
CREATE TABLE claim_document (
  id            bigserial PRIMARY KEY,
  claim_id      bigint NOT NULL REFERENCES claim(id),
  doc_type      text NOT NULL,
  file_name     text NOT NULL,
  media_type    text NOT NULL CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png')),
  size_bytes    integer NOT NULL CHECK (size_bytes > 0),
  sha256        char(64) NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  storage       text NOT NULL CHECK (storage IN ('database', 'directory')),
  storage_key   text NOT NULL UNIQUE,
  uploaded_by   text NOT NULL,
  uploaded_at   timestamptz NOT NULL
);
CREATE INDEX claim_document_claim ON claim_document (claim_id, id);

CREATE TABLE claim_document_content (
  document_id  bigint PRIMARY KEY REFERENCES claim_document(id),
  content      bytea NOT NULL
);

-- Every state change, with who made it and the message that went with it.
CREATE TABLE claim_event (
  id           bigserial PRIMARY KEY,
  claim_id     bigint NOT NULL REFERENCES claim(id),
  at           timestamptz NOT NULL,
  actor        text NOT NULL,
  from_status  text,
  to_status    text NOT NULL,
  message      text,
  detail       jsonb
);
CREATE INDEX claim_event_claim ON claim_event (claim_id, id);

CREATE FUNCTION claim_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: record a new row instead', TG_TABLE_NAME;
END $$;
CREATE TRIGGER claim_bill_no_change BEFORE UPDATE OR DELETE ON claim_bill FOR EACH ROW EXECUTE FUNCTION claim_append_only();
CREATE TRIGGER claim_decision_no_change BEFORE UPDATE OR DELETE ON claim_decision FOR EACH ROW EXECUTE FUNCTION claim_append_only();
CREATE TRIGGER claim_payment_no_change BEFORE UPDATE OR DELETE ON claim_payment FOR EACH ROW EXECUTE FUNCTION claim_append_only();
CREATE TRIGGER claim_document_no_change BEFORE UPDATE OR DELETE ON claim_document FOR EACH ROW EXECUTE FUNCTION claim_append_only();
CREATE TRIGGER claim_document_content_no_change BEFORE UPDATE OR DELETE ON claim_document_content FOR EACH ROW EXECUTE FUNCTION claim_append_only();
CREATE TRIGGER claim_event_no_change BEFORE UPDATE OR DELETE ON claim_event FOR EACH ROW EXECUTE FUNCTION claim_append_only();

-- A claimed invoice must not have been settled directly: the claim looks it up.
-- (The claim's invoice is normalised the same way: no white space, upper case.)
CREATE INDEX settlement_invono ON settlement (upper(regexp_replace(invono, '\s', '', 'g'))) WHERE invono IS NOT NULL;
