-- catalog: every object that belongs to the extension has a comment, so
-- that \df+, \do+, \dC+ and \dx+ bigarray explain it; every GUC has a
-- description.  New objects come with their COMMENT ON in the upgrade
-- script; this test names any object that does not.

-- the kinds of object the extension has (so that the check below is not
-- vacuous: it looks at all of them)
SELECT DISTINCT d.classid::regclass AS catalog
FROM pg_catalog.pg_depend d
WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
  AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'bigarray')
  AND d.deptype = 'e'
ORDER BY 1;

-- objects of the extension without a comment: none
SELECT pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid) AS uncommented
FROM pg_catalog.pg_depend d
WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
  AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'bigarray')
  AND d.deptype = 'e'
  AND NOT EXISTS (SELECT FROM pg_catalog.pg_description c
                  WHERE c.classoid = d.classid AND c.objoid = d.objid
                    AND c.objsubid = d.objsubid AND c.description <> '')
ORDER BY 1;

-- GUCs: both described (the library defines them when it loads)
LOAD 'bigarray';
SELECT name, short_desc <> '' AND extra_desc <> '' AS described
FROM pg_catalog.pg_settings
WHERE name LIKE 'bigarray.%'
ORDER BY name;
