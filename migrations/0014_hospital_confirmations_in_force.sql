-- The hospitals' confirmations in force (HIS 3261/3262), read by the
-- reconciliation (3260's cnfm_flag, 3203's figures) and by the clearing, which
-- carries a hospital's exclusions into the month's statements: one definition
-- for both. In force for a settlement is its latest confirmation after the
-- latest rollback of its institution's month. Filters on the month and the
-- institution are pushed into the DISTINCT ON, whose keys they are.
CREATE VIEW hospital_confirmation_in_force AS
SELECT DISTINCT ON (e.fixmedins_code, e.clr_month, e.setl_id)
       e.fixmedins_code, e.clr_month, e.setl_id, e.cnfm_flag, e.memo
  FROM hospital_clearing_event e
 WHERE e.action = 'confirm'
   AND e.id > COALESCE((SELECT max(r.id) FROM hospital_clearing_event r
                         WHERE r.clr_month = e.clr_month AND r.fixmedins_code = e.fixmedins_code AND r.action = 'rollback'), 0)
 ORDER BY e.fixmedins_code, e.clr_month, e.setl_id, e.id DESC;
