-- type_markings: every function of the extension with its volatility,
-- parallel safety and strictness.  Readers are STABLE and PARALLEL
-- RESTRICTED (a worker does not share the leader's mappings), writers and
-- creators VOLATILE and PARALLEL UNSAFE; readers and value conversions are
-- STRICT, functions that store something raise 22004 on NULL instead.
SELECT p.oid::regprocedure AS function,
       CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END AS volatility,
       CASE p.proparallel WHEN 's' THEN 'safe' WHEN 'r' THEN 'restricted' ELSE 'unsafe' END AS parallel,
       p.proisstrict AS strict,
       p.prokind AS kind
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'bigarray'
ORDER BY p.oid::regprocedure::text;
