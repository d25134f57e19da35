-- The hospital interface (NHSA-compatible): stored answers of write
-- transactions, for idempotency by (institution, msgid), and operator sign-ins.

-- A write's msgid is claimed, its business change made and its answer stored in
-- one transaction: a retry finds the committed answer, a concurrent retry waits
-- on the claim. `request` (infno and input) lets a reuse with another body be
-- refused naming what differs.
CREATE TABLE his_message (
  fixmedins_code  char(12) NOT NULL REFERENCES institution(code),
  msgid           text NOT NULL,
  infno           text NOT NULL,
  request_hash    text NOT NULL,
  request         jsonb NOT NULL,
  -- written in the transaction that claims the msgid, so never NULL once committed
  response        jsonb,
  created_at      timestamptz NOT NULL,
  PRIMARY KEY (fixmedins_code, msgid)
);
CREATE INDEX his_message_created ON his_message(created_at);

-- 9001 sign-in / 9002 sign-out of a desk operator.
CREATE SEQUENCE his_sign_serial;
CREATE TABLE his_sign_in (
  sign_no         text PRIMARY KEY,
  fixmedins_code  char(12) NOT NULL REFERENCES institution(code),
  opter_no        text NOT NULL,
  mac             text,
  ip              text,
  signed_in_at    timestamptz NOT NULL,
  signed_out_at   timestamptz,
  CHECK (signed_out_at IS NULL OR signed_out_at >= signed_in_at)
);
CREATE INDEX his_sign_in_institution ON his_sign_in(fixmedins_code, signed_in_at);

-- The serial inside inf_refmsgid (10 digits, then it starts over).
CREATE SEQUENCE his_refmsg_serial MAXVALUE 9999999999 CYCLE;
