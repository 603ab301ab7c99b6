
CREATE FUNCTION diff_check() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	n_ba int8;
	shape_ba int8[];
	n_ref int8;
	s_ba float8;
	s_ref float8;
	bad text;
BEGIN
	SELECT ba_size(a), ba_shape(a) INTO n_ba, shape_ba FROM arr;
	SELECT cardinality(v) INTO n_ref FROM ref;
	IF n_ba <> n_ref OR shape_ba <> ARRAY[n_ref] THEN
		RETURN format('size %s shape %s, reference %s', n_ba, shape_ba, n_ref);
	END IF;
	IF (SELECT ba_slice_int8(a, 1, n_ba) IS DISTINCT FROM v::int8[] FROM arr, ref) THEN
		SELECT format('element %s: %s, reference %s', o, x, y) INTO bad
		FROM arr, ref, unnest(ba_slice_int8(a, 1, n_ba), v::int8[]) WITH ORDINALITY AS u(x, y, o)
		WHERE x IS DISTINCT FROM y ORDER BY o LIMIT 1;
		RETURN bad;
	END IF;
	SELECT ba_sum(a), (SELECT coalesce(sum(x), 0)::float8 FROM ref, unnest(v) x)
	INTO s_ba, s_ref FROM arr;
	IF s_ba IS DISTINCT FROM s_ref THEN
		RETURN format('ba_sum %s, reference %s', s_ba, s_ref);
	END IF;
	IF EXISTS (SELECT FROM ballast WHERE ba_min(b) <> v OR ba_max(b) <> v) THEN
		RETURN 'ballast: ' || (SELECT format('min %s max %s, reference %s', ba_min(b), ba_max(b), v) FROM ballast);
	END IF;
	RETURN 'ok';
END
$$;
CREATE TABLE arr (a bigarray);
INSERT INTO arr SELECT bigarray_create('int4', 53638);
CREATE TABLE ref (v int4[] NOT NULL);
INSERT INTO ref SELECT array_fill(0::int4, ARRAY[53638]);
CREATE TABLE addend (b bigarray);
CREATE TABLE ballast (b bigarray, v float8);
SELECT 'chk|' || $$start$$ || '|' || diff_check();
-- step 1
BEGIN;
-- step 2
SELECT ba_set_slice(a, 29148, ARRAY(SELECT ((g * 965 + 309845) % 10 - 10 / 2)::int4 FROM generate_series(0, 6016 - 1) g)) IS NOT NULL FROM arr;
UPDATE ref SET v[29148:35163] = ARRAY(SELECT (((g * 965 + 309845) % 10 - 10 / 2)::int4)::int4 FROM generate_series(0, 35163 - 29148) g);
-- step 3
COMMIT;
SELECT 'chk|' || $$after COMMIT$$ || '|' || diff_check();
-- step 4
BEGIN;
SELECT ba_set(a, 14724, 216690271::float8) IS NOT NULL FROM arr;
UPDATE ref SET v[14724] = (216690271::float8)::int4;
-- step 5
-- step 6
INSERT INTO addend SELECT bigarray_from(ARRAY(SELECT ((g * 896 + 277036) % 613 - 613 / 2)::int4 FROM generate_series(0, 53638 - 1) g));
SELECT ba_add(a, b) IS NOT NULL FROM arr, addend;
SELECT ba_drop(b) FROM addend;
DELETE FROM addend;
UPDATE ref SET v = ARRAY(SELECT (x::float8 + y::float8)::int4 FROM unnest(v, ARRAY(SELECT (((g - 1) * 896 + 277036) % 613 - 613 / 2)::int4 FROM generate_series(1, 53638) g)) WITH ORDINALITY AS u(x, y, o) ORDER BY o);
-- step 7
COMMIT;
SELECT 'chk|' || $$after COMMIT$$ || '|' || diff_check();
-- step 8
BEGIN;
SELECT 'chk|' || $$step 8, in a transaction$$ || '|' || diff_check();
-- step 9
SELECT 'chk|' || $$step 9, in a transaction$$ || '|' || diff_check();
-- step 10
SELECT ba_append(a, ARRAY(SELECT (((g * 442 + 544737) % 1436 - 1436 / 2) * 0.5)::float8 FROM generate_series(0, 4445 - 1) g)) IS NOT NULL FROM arr;
UPDATE ref SET v = v || ARRAY(SELECT ((((g * 442 + 544737) % 1436 - 1436 / 2) * 0.5)::float8)::int4 FROM generate_series(0, 4445 - 1) g);
-- step 11
SELECT ba_set(a, 19146, 200771028::float8) IS NOT NULL FROM arr;
UPDATE ref SET v[19146] = (200771028::float8)::int4;
-- step 12
SELECT 'chk|' || $$step 12, in a transaction$$ || '|' || diff_check();
-- step 13
SAVEPOINT sp1;
-- step 14
ROLLBACK TO sp1;
-- step 15
SELECT ba_set(a, 51322, 553.5::float8) IS NOT NULL FROM arr;
UPDATE ref SET v[51322] = (553.5::float8)::int4;
-- step 16
SAVEPOINT sp2;
-- step 17
ROLLBACK;
SELECT 'chk|' || $$after ROLLBACK$$ || '|' || diff_check();
-- step 18
BEGIN;
SELECT ba_set(a, 40732, 109408680::float8) IS NOT NULL FROM arr;
UPDATE ref SET v[40732] = (109408680::float8)::int4;
-- step 19
SELECT ba_fill(a, 385526878::float8, 38388, 53638) IS NOT NULL FROM arr;
UPDATE ref SET v[38388:53638] = array_fill((385526878::float8)::int4, ARRAY[53638 - 38388 + 1]);
-- step 20
COMMIT;
SELECT 'chk|' || $$after COMMIT$$ || '|' || diff_check();
-- step 21
SELECT ba_fill(a, -268846240::float8) IS NOT NULL FROM arr;
UPDATE ref SET v = array_fill((-268846240::float8)::int4, ARRAY[53638]);
SELECT 'chk|' || $$after an autocommit statement$$ || '|' || diff_check();
-- step 22
SELECT ba_set_slice(a, 11565, ARRAY(SELECT ((g * 785 + 486070) % 1759 - 1759 / 2)::int4 FROM generate_series(0, 20135 - 1) g)) IS NOT NULL FROM arr;
UPDATE ref SET v[11565:31699] = ARRAY(SELECT (((g * 785 + 486070) % 1759 - 1759 / 2)::int4)::int4 FROM generate_series(0, 31699 - 11565) g);
SELECT 'chk|' || $$after an autocommit statement$$ || '|' || diff_check();
-- step 23
BEGIN;
SELECT ba_set_slice(a, 13082, ARRAY(SELECT ((g * 38 + 888125) % 190 - 190 / 2)::int4 FROM generate_series(0, 27028 - 1) g)) IS NOT NULL FROM arr;
UPDATE ref SET v[13082:40109] = ARRAY(SELECT (((g * 38 + 888125) % 190 - 190 / 2)::int4)::int4 FROM generate_series(0, 40109 - 13082) g);
-- step 24
COMMIT;
\c
SELECT 'chk|' || $$after COMMIT$$ || '|' || diff_check();
-- step 25
SELECT ba_set_slice(a, 1741, ARRAY(SELECT ((g * 727 + 78593) % 537 - 537 / 2)::int4 FROM generate_series(0, 12957 - 1) g)) IS NOT NULL FROM arr;
UPDATE ref SET v[1741:14697] = ARRAY(SELECT (((g * 727 + 78593) % 537 - 537 / 2)::int4)::int4 FROM generate_series(0, 14697 - 1741) g);
SELECT 'chk|' || $$after an autocommit statement$$ || '|' || diff_check();
-- step 26
BEGIN;
SELECT ba_append(a, ARRAY(SELECT ((g * 222 + 843306) % 790 - 790 / 2)::int4 FROM generate_series(0, 6911 - 1) g)) IS NOT NULL FROM arr;
UPDATE ref SET v = v || ARRAY(SELECT (((g * 222 + 843306) % 790 - 790 / 2)::int4)::int4 FROM generate_series(0, 6911 - 1) g);
-- step 27
-- step 28
SELECT ba_append(a, ARRAY(SELECT ((g * 827 + 930032) % 234 - 234 / 2)::float8 FROM generate_series(0, 16135 - 1) g)) IS NOT NULL FROM arr;
UPDATE ref SET v = v || ARRAY(SELECT (((g * 827 + 930032) % 234 - 234 / 2)::float8)::int4 FROM generate_series(0, 16135 - 1) g);
-- step 29
SELECT ba_scale(a, -2) IS NOT NULL FROM arr;
UPDATE ref SET v = ARRAY(SELECT (x::float8 * -2::float8)::int4 FROM unnest(v) WITH ORDINALITY AS u(x, o) ORDER BY o);
-- step 30
-- step 31
SELECT ba_resize(a, 13793) IS NOT NULL FROM arr;
UPDATE ref SET v = v[1:13793];
-- step 32
SELECT ba_resize(a, 58656) IS NOT NULL FROM arr;
UPDATE ref SET v = v || array_fill(0::int4, ARRAY[58656 - 13793]);
-- step 33
SELECT 'chk|' || $$step 33, in a transaction$$ || '|' || diff_check();
-- step 34
SELECT ba_set(a, 7704, -29::float8) IS NOT NULL FROM arr;
UPDATE ref SET v[7704] = (-29::float8)::int4;
-- step 35
SELECT ba_set(a, 46897, -82::float8) IS NOT NULL FROM arr;
UPDATE ref SET v[46897] = (-82::float8)::int4;
-- step 36
-- step 37
ROLLBACK;
SELECT 'chk|' || $$after ROLLBACK$$ || '|' || diff_check();
-- step 38
BEGIN;
-- step 39
COMMIT;
SELECT 'chk|' || $$after COMMIT$$ || '|' || diff_check();
-- step 40
SELECT ba_append(a, ARRAY(SELECT ((g * 923 + 419114) % 1235 - 1235 / 2)::int4 FROM generate_series(0, 129 - 1) g)) IS NOT NULL FROM arr;
UPDATE ref SET v = v || ARRAY(SELECT (((g * 923 + 419114) % 1235 - 1235 / 2)::int4)::int4 FROM generate_series(0, 129 - 1) g);
SELECT 'chk|' || $$after an autocommit statement$$ || '|' || diff_check();
-- step 41
BEGIN;
SELECT ba_resize(a, 16851) IS NOT NULL FROM arr;
UPDATE ref SET v = v[1:16851];
-- step 42
SELECT ba_add(a, a) IS NOT NULL FROM arr;
UPDATE ref SET v = ARRAY(SELECT (x::float8 + x::float8)::int4 FROM unnest(v) WITH ORDINALITY AS u(x, o) ORDER BY o);
-- step 43
-- step 44
COMMIT;
SELECT 'chk|' || $$after COMMIT$$ || '|' || diff_check();
-- step 45
BEGIN;
SELECT ba_set(a, 7801, 3::float8) IS NOT NULL FROM arr;
UPDATE ref SET v[7801] = (3::float8)::int4;
-- step 46
SELECT ba_set(a, 14923, 241173005::float8) IS NOT NULL FROM arr;
UPDATE ref SET v[14923] = (241173005::float8)::int4;
-- step 47
SELECT 'chk|' || $$step 47, in a transaction$$ || '|' || diff_check();
-- step 48
SELECT ba_scale(a, -1) IS NOT NULL FROM arr;
UPDATE ref SET v = ARRAY(SELECT (x::float8 * -1::float8)::int4 FROM unnest(v) WITH ORDINALITY AS u(x, o) ORDER BY o);
-- step 49
SELECT ba_append(a, ARRAY(SELECT ((g * 605 + 630540) % 1904 - 1904 / 2)::int4 FROM generate_series(0, 5489 - 1) g)) IS NOT NULL FROM arr;
UPDATE ref SET v = v || ARRAY(SELECT (((g * 605 + 630540) % 1904 - 1904 / 2)::int4)::int4 FROM generate_series(0, 5489 - 1) g);
-- step 50
SELECT ba_fill(a, 308602174::float8, 15502, 22340) IS NOT NULL FROM arr;
UPDATE ref SET v[15502:22340] = array_fill((308602174::float8)::int4, ARRAY[22340 - 15502 + 1]);
-- step 51
COMMIT;
SELECT 'chk|' || $$after COMMIT$$ || '|' || diff_check();
-- step 52
BEGIN;
SAVEPOINT sp1;
-- step 53
SELECT ba_set(a, 1483, 49::float8) IS NOT NULL FROM arr;
UPDATE ref SET v[1483] = (49::float8)::int4;
-- step 54
SELECT ba_set(a, 13685, -496366472::float8) IS NOT NULL FROM arr;
UPDATE ref SET v[13685] = (-496366472::float8)::int4;
-- step 55
ROLLBACK TO sp1;
-- step 56
ROLLBACK TO sp1;
-- step 57
INSERT INTO addend SELECT bigarray_from(ARRAY(SELECT (((g * 751 + 128208) % 380 - 380 / 2) * 0.5)::float8 FROM generate_series(0, 22340 - 1) g));
SELECT ba_add(a, b) IS NOT NULL FROM arr, addend;
SELECT ba_drop(b) FROM addend;
DELETE FROM addend;
UPDATE ref SET v = ARRAY(SELECT (x::float8 + y::float8)::int4 FROM unnest(v, ARRAY(SELECT ((((g - 1) * 751 + 128208) % 380 - 380 / 2) * 0.5)::float8 FROM generate_series(1, 22340) g)) WITH ORDINALITY AS u(x, y, o) ORDER BY o);
-- step 58
SELECT ba_set(a, 21961, -195157364::float8) IS NOT NULL FROM arr;
UPDATE ref SET v[21961] = (-195157364::float8)::int4;
-- step 59
SELECT ba_scale(a, 0.25) IS NOT NULL FROM arr;
UPDATE ref SET v = ARRAY(SELECT (x::float8 * 0.25::float8)::int4 FROM unnest(v) WITH ORDINALITY AS u(x, o) ORDER BY o);
-- step 60
SELECT ba_set(a, 20878, -175046055::float8) IS NOT NULL FROM arr;
UPDATE ref SET v[20878] = (-175046055::float8)::int4;
COMMIT;
\c
SELECT 'chk|' || $$after COMMIT$$ || '|' || diff_check();
