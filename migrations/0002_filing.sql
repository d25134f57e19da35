-- Filing (备案): the insured place's records, and the national filing database
-- that every treatment place and hospital reads at admission.

CREATE SEQUENCE filing_serial;

CREATE TABLE filing (
  id              bigserial PRIMARY KEY,
  filing_no       text NOT NULL UNIQUE,
  psn_no          text NOT NULL REFERENCES person(psn_no),
  insutype        text NOT NULL,
  insuplc_admdvs  char(6) NOT NULL REFERENCES region(code),
  kind            text NOT NULL CHECK (kind IN ('resettled_retiree', 'long_term_resident', 'stationed_worker',
                                                'referral', 'emergency', 'other_temporary')),
  area            char(6) NOT NULL REFERENCES region(code),
  begin_date      date NOT NULL,
  end_date        date,
  status          text NOT NULL CHECK (status IN ('pending_review', 'active', 'rejected', 'cancelled',
                                                  'changed', 'expired', 'ended')),
  channel         text NOT NULL CHECK (channel IN ('national_app', 'mini_program', 'national_self_service',
                                                   'local_platform', 'hospital')),
  proof           jsonb NOT NULL,
  phone           text,
  agent           jsonb,
  acted_by        text NOT NULL,
  review_reason   text,
  reviewed_by     text,
  replaces_id     bigint REFERENCES filing(id),
  late            boolean NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now(),
  ended_at        timestamptz,
  CHECK (end_date IS NULL OR end_date >= begin_date),
  CHECK (area <> insuplc_admdvs)
);
-- One live filing per person and scheme, enforced by the database too.
CREATE UNIQUE INDEX filing_one_live ON filing(psn_no, insutype) WHERE status IN ('pending_review', 'active');
CREATE INDEX filing_psn ON filing(psn_no);
CREATE INDEX filing_insuplc ON filing(insuplc_admdvs, status);

-- The national filing database: one row per filing as every treatment place
-- sees it, written in the same transaction as each change, plus the event log.
CREATE TABLE national_filing (
  filing_id       bigint PRIMARY KEY REFERENCES filing(id),
  filing_no       text NOT NULL,
  psn_no          text NOT NULL,
  certno          text NOT NULL,
  insutype        text NOT NULL,
  insuplc_admdvs  char(6) NOT NULL,
  kind            text NOT NULL,
  area            char(6) NOT NULL,
  begin_date      date NOT NULL,
  end_date        date,
  status          text NOT NULL,
  channel         text NOT NULL,
  filed_at        timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);
CREATE INDEX national_filing_certno ON national_filing(certno);
CREATE INDEX national_filing_psn ON national_filing(psn_no);
CREATE INDEX national_filing_area ON national_filing(area, status);

CREATE TABLE national_filing_event (
  id          bigserial PRIMARY KEY,
  filing_id   bigint NOT NULL REFERENCES filing(id),
  event       text NOT NULL CHECK (event IN ('filed', 'approved', 'rejected', 'changed', 'cancelled', 'expired', 'ended')),
  status      text NOT NULL,
  actor       text NOT NULL,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX national_filing_event_filing ON national_filing_event(filing_id);
