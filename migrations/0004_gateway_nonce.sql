-- Nonces seen at the hospital gateway, so a captured request cannot be replayed
-- inside the ±5 minute timestamp window. Rows older than the window are pruned.
CREATE TABLE gateway_nonce (
  app_id   text NOT NULL,
  nonce    text NOT NULL,
  seen_at  timestamptz NOT NULL,
  PRIMARY KEY (app_id, nonce)
);
CREATE INDEX gateway_nonce_seen ON gateway_nonce(seen_at);
