-- Foundation schema: reference data, people, institutions, catalogues, policies,
-- principals and the audit log. Runs on PostgreSQL 15 and on PGlite.

CREATE TABLE region (
  code        char(6) PRIMARY KEY CHECK (code ~ '^[0-9]{6}$'),
  level       smallint NOT NULL CHECK (level IN (1, 2)),           -- 1 province, 2 prefecture
  parent      char(6) REFERENCES region(code),
  name_zh     text NOT NULL,
  name_en     text NOT NULL,
  -- a pooling area (统筹区) is where policy is set and insurance is held
  is_pooling  boolean NOT NULL DEFAULT false,
  -- Hong Kong, Macao and Taiwan are divisions without the mainland scheme
  has_scheme  boolean NOT NULL DEFAULT true,
  CHECK ((level = 1) = (parent IS NULL))
);
CREATE INDEX region_parent ON region(parent);

CREATE TABLE chronic_disease (
  code               text PRIMARY KEY,
  name_zh            text NOT NULL,
  name_en            text NOT NULL,
  -- the diseases settled directly across provinces; the list grows by data
  cross_province     boolean NOT NULL DEFAULT false
);

CREATE TABLE person (
  psn_no          text PRIMARY KEY,
  psn_cert_type   text NOT NULL DEFAULT '01',
  certno          text NOT NULL UNIQUE,
  ss_card_no      text UNIQUE,
  ss_card_sn      text,
  evoucher_token  text UNIQUE,
  name            text NOT NULL,
  gender          char(1) NOT NULL CHECK (gender IN ('1', '2', '9')),
  naty            text NOT NULL DEFAULT '01',
  birth_date      date NOT NULL,
  phone           text,
  -- the insured pooling area of the person's main enrolment, for scoping by region
  insuplc_admdvs  char(6) NOT NULL REFERENCES region(code),
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX person_insuplc ON person(insuplc_admdvs);

CREATE TABLE enrolment (
  psn_no          text NOT NULL REFERENCES person(psn_no),
  insutype        text NOT NULL,
  psn_type        text NOT NULL,
  insuplc_admdvs  char(6) NOT NULL REFERENCES region(code),
  status          text NOT NULL CHECK (status IN ('active', 'suspended')),
  begin_date      date NOT NULL,
  suspended_date  date,
  cvlserv_flag    char(1) NOT NULL DEFAULT '0' CHECK (cvlserv_flag IN ('0', '1')),
  emp_name        text,
  PRIMARY KEY (psn_no, insutype),
  CHECK ((status = 'suspended') = (suspended_date IS NOT NULL)),
  CHECK (suspended_date IS NULL OR suspended_date >= begin_date)
);
CREATE INDEX enrolment_insuplc ON enrolment(insuplc_admdvs);

-- The personal account of employees. The balance is a projection of the
-- append-only movements, updated in the same transaction as each movement.
CREATE TABLE personal_account (
  psn_no       text PRIMARY KEY REFERENCES person(psn_no),
  balance_fen  bigint NOT NULL CHECK (balance_fen >= 0)
);
CREATE TABLE personal_account_movement (
  id           bigserial PRIMARY KEY,
  psn_no       text NOT NULL REFERENCES personal_account(psn_no),
  amount_fen   bigint NOT NULL,
  balance_fen  bigint NOT NULL CHECK (balance_fen >= 0),
  reason       text NOT NULL,
  ref          text,
  at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX personal_account_movement_psn ON personal_account_movement(psn_no, id);

CREATE TABLE disease_qualification (
  id              bigserial PRIMARY KEY,
  psn_no          text NOT NULL REFERENCES person(psn_no),
  insuplc_admdvs  char(6) NOT NULL REFERENCES region(code),
  disease_code    text NOT NULL REFERENCES chronic_disease(code),
  begin_date      date NOT NULL,
  end_date        date,
  CHECK (end_date IS NULL OR end_date >= begin_date)
);
CREATE INDEX disease_qualification_psn ON disease_qualification(psn_no);

CREATE TABLE institution (
  code              char(12) PRIMARY KEY CHECK (code ~ '^[HP][0-9]{11}$'),
  name              text NOT NULL,
  admdvs            char(6) NOT NULL REFERENCES region(code),
  kind              text NOT NULL CHECK (kind IN ('hospital', 'clinic', 'pharmacy')),
  level             smallint NOT NULL CHECK (level BETWEEN 1 AND 3),
  -- cross-regional services open here: inpatient, outpatient, pharmacy
  services          text[] NOT NULL DEFAULT '{}'
                    CHECK (services <@ ARRAY['inpatient', 'outpatient', 'pharmacy']::text[]),
  chronic_diseases  text[] NOT NULL DEFAULT '{}',
  status            text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  address           text,
  phone             text
);
CREATE INDEX institution_admdvs ON institution(admdvs);

-- Treatment-place catalogue: one row per version of an item in a province.
CREATE TABLE catalog_item (
  id                bigserial PRIMARY KEY,
  province          char(6) NOT NULL REFERENCES region(code),
  hilist_code       text NOT NULL,
  hilist_name       text NOT NULL,
  list_type         text NOT NULL,
  med_chrgitm_type  text NOT NULL,
  chrgitm_lv        text NOT NULL CHECK (chrgitm_lv IN ('01', '02', '03')),
  selfpay_prop_bp   integer NOT NULL DEFAULT 0 CHECK (selfpay_prop_bp BETWEEN 0 AND 10000),
  pric_uplmt_fen    bigint CHECK (pric_uplmt_fen > 0),
  begndate          date NOT NULL,
  enddate           date,
  UNIQUE (province, hilist_code, begndate),
  CHECK (enddate IS NULL OR enddate >= begndate),
  CHECK (chrgitm_lv = '02' OR selfpay_prop_bp = 0)
);
CREATE INDEX catalog_item_name ON catalog_item(province, hilist_name);

CREATE TABLE institution_item_map (
  institution_code  char(12) NOT NULL REFERENCES institution(code),
  medins_list_codg  text NOT NULL,
  hilist_code       text NOT NULL,
  PRIMARY KEY (institution_code, medins_list_codg)
);

-- Insured-place policy: a validated JSON document per pooling area, scheme and
-- version (effective date). Superseded versions stay; none is edited in place.
CREATE TABLE policy_version (
  id              bigserial PRIMARY KEY,
  pooling_area    char(6) NOT NULL REFERENCES region(code),
  insutype        text NOT NULL,
  begndate        date NOT NULL,
  doc             jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  created_by      text NOT NULL,
  UNIQUE (pooling_area, insutype, begndate)
);

CREATE TABLE app_user (
  id                bigserial PRIMARY KEY,
  username          text NOT NULL UNIQUE,
  password_hash     text NOT NULL,
  role              text NOT NULL CHECK (role IN ('person', 'insured_agency', 'treatment_agency', 'national')),
  region            char(6) REFERENCES region(code),
  psn_no            text REFERENCES person(psn_no),
  display_name      text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'person') = (psn_no IS NOT NULL)),
  CHECK ((role IN ('insured_agency', 'treatment_agency')) = (region IS NOT NULL))
);

-- Portal sessions: the cookie carries a random token; only its hash is stored,
-- so a database read does not yield usable sessions, and sign-out revokes it.
CREATE TABLE app_session (
  token_hash  text PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES app_user(id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);
CREATE INDEX app_session_user ON app_session(user_id);

-- Per-institution keys for the hospital gateway signature. The secret is kept
-- because the signature scheme needs it to verify.
CREATE TABLE institution_key (
  app_id            text PRIMARY KEY,
  institution_code  char(12) NOT NULL REFERENCES institution(code),
  secret            text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  revoked_at        timestamptz
);
CREATE INDEX institution_key_code ON institution_key(institution_code);

-- Server secrets (session signing key) live in the database so every server on
-- one database agrees on them.
CREATE TABLE app_secret (
  name   text PRIMARY KEY,
  value  text NOT NULL
);

CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  action      text NOT NULL,
  entity      text NOT NULL,
  entity_id   text,
  detail      jsonb
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- Serials behind psn_no, mdtrt_id and setl_id.
CREATE SEQUENCE psn_serial;
CREATE SEQUENCE mdtrt_serial;
CREATE SEQUENCE setl_serial;

-- What the demo generator made, so a restart knows the nation exists.
CREATE TABLE demo_run (
  seed        bigint NOT NULL,
  persons     integer NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
