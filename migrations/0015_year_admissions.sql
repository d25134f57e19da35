-- A person's admissions of a year in a scheme, whichever way they were paid:
-- inpatient stays settled at the desk (the year of discharge, Shanghai time)
-- and inpatient manual claims paid by the insured place (the year of their
-- end date). The deductible per admission is taken by this count, so a stay
-- settled at the desk after a reimbursed one pays the later admissions'
-- deductible, and the other way round. Filters on the person are pushed into
-- both branches and their indexes.
CREATE VIEW year_admission AS
SELECT psn_no, insutype, EXTRACT(YEAR FROM (COALESCE(endtime, begntime) AT TIME ZONE 'Asia/Shanghai'))::int AS year,
       mdtrt_id, NULL::bigint AS claim_id
  FROM encounter
 WHERE visit_kind = 'inpatient' AND settled_setl_id IS NOT NULL
UNION ALL
SELECT psn_no, insutype, EXTRACT(YEAR FROM end_date)::int AS year, NULL::text AS mdtrt_id, id AS claim_id
  FROM claim
 WHERE med_kind = 'inpatient' AND status = 'paid';
