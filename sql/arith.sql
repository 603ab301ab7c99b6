-- arith: element-wise arithmetic in place (ba_add, ba_sub, ba_mul, ba_div,
-- ba_add by a number, ba_apply, ba_clip) for every dtype and pair of
-- dtypes, against what PostgreSQL computes for the same values, and every
-- error with its SQLSTATE.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
RESET client_min_messages;
\pset format unaligned
\pset tuples_only on

SELECT pg_postmaster_start_time() AS started \gset
SELECT plan(231);

CREATE TABLE arith_dtypes (d regtype PRIMARY KEY);
INSERT INTO arith_dtypes VALUES ('float8'), ('float4'), ('int8'), ('int4'), ('int2');

-- the operands: whole numbers that every dtype holds exactly; b has no
-- zero, and a / b has halves (7 / 2, -7 / 2) that round or truncate
CREATE TABLE operands (a float8[], b float8[]);
INSERT INTO operands VALUES ('{7,-7,9,100,-3,1,0,12,-250,33}', '{2,2,-4,7,5,1,3,-5,3,-8}');

-- run_op(op, da, db): a (A as da) op= b (B as db), then a as float8[]
CREATE FUNCTION run_op(op text, da regtype, db regtype) RETURNS float8[] LANGUAGE plpgsql AS $$
DECLARE
	a bigarray;
	b bigarray;
BEGIN
	EXECUTE format('SELECT bigarray_from(a::%s[]) FROM operands', da) INTO a;
	EXECUTE format('SELECT bigarray_from(b::%s[]) FROM operands', db) INTO b;
	EXECUTE format('SELECT ba_%s($1, $2)', op) USING a, b;
	RETURN ba_slice(a, 1, ba_size(a));
END $$;

-- ref_op(op, da, db): the same in SQL: in int8 where SQL stays in integers
-- (int8 with any integer, and division of two integers, which truncates),
-- in float8 otherwise, then cast to da as storing it does
CREATE FUNCTION ref_op(op text, da regtype, db regtype) RETURNS float8[] LANGUAGE plpgsql AS $$
DECLARE
	ints regtype[] := '{int8,int4,int2}';
	exact bool := db = ANY (ints) AND (da = 'int8'::regtype OR (op = 'div' AND da = ANY (ints)));
	r float8[];
BEGIN
	EXECUTE format('SELECT array_agg(((x::%1$s %2$s y::%1$s)::%3$s)::float8 ORDER BY i)
	                FROM operands, unnest(a, b) WITH ORDINALITY u(x, y, i)',
	               CASE WHEN exact THEN 'int8' ELSE 'float8' END,
	               CASE op WHEN 'add' THEN '+' WHEN 'sub' THEN '-' WHEN 'mul' THEN '*' ELSE '/' END,
	               da) INTO r;
	RETURN r;
END $$;

-- the reference tells integer division from float division
SELECT is(ref_op('div', 'int4', 'int2'), '{3,-3,-2,14,0,1,0,-2,-83,-4}'::float8[], 'reference: int4 / int2 truncates');
SELECT is(ref_op('div', 'int4', 'float4'), '{4,-4,-2,14,-1,1,0,-2,-83,-4}'::float8[], 'reference: int4 / float4 rounds half to even');

-- every op, every pair of dtypes: 4 * 25 checks
SELECT is(run_op(op, da.d, db.d), ref_op(op, da.d, db.d), format('%s: %s by %s', op, da.d, db.d))
FROM unnest('{add,sub,mul,div}'::text[]) op, arith_dtypes da, arith_dtypes db
ORDER BY op, da.d::text, db.d::text;

-- an array with itself
SELECT is(ba_slice(ba_sub(x, x), 1, 3), '{0,0,0}', 'sub: a - a')
FROM (SELECT '{1.5,-2,3}'::float8[]::bigarray AS x) s;
SELECT is(ba_slice(ba_mul(x, x), 1, 3), '{4,9,16}', 'mul: a * a')
FROM (SELECT '{-2,3,4}'::int2[]::bigarray AS x) s;
SELECT is(ba_slice(ba_div(x, x), 1, 3), '{1,1,1}', 'div: a / a')
FROM (SELECT '{-2,3,4}'::int4[]::bigarray AS x) s;

-- int8 stays exact beyond 2^53
SELECT is(ba_slice_int8(ba_sub(x, y), 1, 2), '{9007199254740992,-9223372036854775807}', 'sub: int8 exact')
FROM (SELECT '{9007199254740993,-9223372036854775806}'::int8[]::bigarray AS x, '{1,1}'::int2[]::bigarray AS y) s;
SELECT is(ba_slice_int8(ba_mul(x, x), 1, 1), '{9223372030926249001}', 'mul: int8 exact')
FROM (SELECT '{3037000499}'::int8[]::bigarray AS x) s;
SELECT is(ba_slice_int8(ba_div(x, y), 1, 2), '{9007199254740993,-3074457345618258602}', 'div: int8 exact, truncated')
FROM (SELECT '{9007199254740993,-9223372036854775807}'::int8[]::bigarray AS x, '{1,3}'::int4[]::bigarray AS y) s;

-- several chunks (1 MiB each), mixed dtypes: float8 1..300000 minus int2
-- 1..300000 mod 1000, then times, then divided by the same
CREATE TABLE arith_big AS
	SELECT ba_set_slice(bigarray_create('float8', 300000), 1,
	                    array(SELECT generate_series(1, 300000)::float8)) AS f,
	       ba_set_slice(bigarray_create('int2', 300000), 1,
	                    array(SELECT (1 + (i - 1) % 1000)::int2 FROM generate_series(1, 300000) i)) AS s;
SELECT is(ba_sum(ba_sub(f, s)), 45000150000 - 150150000::float8, 'sub: several chunks') FROM arith_big;
SELECT is(ba_sum(ba_mul(f, s)),
          (SELECT sum((i - (1 + (i - 1) % 1000)) * (1 + (i - 1) % 1000))::float8 FROM generate_series(1, 300000::int8) i),
          'mul: several chunks')
FROM arith_big;
SELECT is(ba_sum(ba_div(f, s)), 45000150000 - 150150000::float8, 'div: several chunks')
FROM arith_big;

-- ba_add(a, k): float8 arithmetic; a whole k is added to integers exactly
SELECT is(ba_slice(ba_add('{1,-2.5,1e30,0}'::float4[]::bigarray, k), 1, 4),
          array(SELECT (v::float4::float8 + k)::float4::float8 FROM unnest('{1,-2.5,1e30,0}'::float8[]) v),
          format('add %s: float4', k))
FROM unnest('{0.1,-7,1e20}'::float8[]) k;
SELECT is(ba_slice(ba_add(x, 0.5), 1, 4), '{2,2,4,0}', 'add 0.5: int4 rounds half to even')
FROM (SELECT '{1,2,3,-1}'::int4[]::bigarray AS x) s;
SELECT is(ba_slice_int8(ba_add(x, 1), 1, 2), '{9007199254740994,-9223372036854775807}', 'add 1: int8 exact')
FROM (SELECT '{9007199254740993,-9223372036854775808}'::int8[]::bigarray AS x) s;
SELECT is(ba_slice_int8(ba_add(x, -9223372036854775808), 1, 1), '{-9223372036854775807}', 'add -2^63: int8 exact')
FROM (SELECT '{1}'::int8[]::bigarray AS x) s;
SELECT is(ba_slice(ba_add(x, 'Infinity'::float8), 1, 2), '{Infinity,NaN}', 'add Infinity: float8')
FROM (SELECT '{1,NaN}'::float8[]::bigarray AS x) s;

-- ba_apply: each function against PostgreSQL's own, on float8 and float4
CREATE TABLE apply_cases (fn text, v float8[]);
INSERT INTO apply_cases VALUES
	('abs', '{-2.5,-0.5,0,0.5,1e300,NaN,Infinity,-Infinity}'),
	('sqrt', '{0,0.25,2,1e300,NaN,Infinity}'),
	('exp', '{-700,-1,0,0.5,700,NaN,Infinity,-Infinity}'),
	('ln', '{1e-300,0.5,1,2.718281828459045,1e300,NaN,Infinity}'),
	('log10', '{1e-300,0.5,1,1000,1e300,NaN,Infinity}'),
	('floor', '{-2.5,-0.5,0,0.5,1.5,2.5,NaN,Infinity,-Infinity}'),
	('ceil', '{-2.5,-0.5,0,0.5,1.5,2.5,NaN,Infinity,-Infinity}'),
	('round', '{-2.5,-1.5,-0.5,0.5,1.5,2.5,3.5,NaN,Infinity}'),
	('sign', '{-2.5,-0,0,0.5,NaN,Infinity,-Infinity}'),
	('neg', '{-2.5,0,0.5,1e300,NaN,Infinity}');
-- ref_apply(fn, v): PostgreSQL's fn over v ("neg" is unary minus)
CREATE FUNCTION ref_apply(fn text, v float8[]) RETURNS float8[] LANGUAGE plpgsql AS $$
DECLARE
	r float8[];
BEGIN
	EXECUTE format('SELECT array_agg(%s ORDER BY i) FROM unnest($1) WITH ORDINALITY u(x, i)',
	               CASE fn WHEN 'neg' THEN '-x' ELSE fn || '(x)' END) USING v INTO r;
	RETURN r;
END $$;
SELECT is(ba_slice(ba_apply(v::bigarray, fn), 1, cardinality(v)), ref_apply(fn, v), 'apply ' || fn || ': float8')
FROM apply_cases ORDER BY fn;
SELECT is(ba_slice(ba_apply(v::float4[]::bigarray, fn), 1, cardinality(v)),
          ref_apply(fn, v::float4[]::float8[])::float4[]::float8[], 'apply ' || fn || ': float4')
FROM apply_cases WHERE fn NOT IN ('exp', 'ln', 'log10', 'sqrt', 'abs', 'neg') ORDER BY fn;
SELECT is(ba_slice(ba_apply(x, 'sqrt'), 1, 3), '{1.4142135,3,0.5}'::float4[]::float8[], 'apply sqrt: float4')
FROM (SELECT '{2,9,0.25}'::float4[]::bigarray AS x) s;
-- integers: abs, neg and sign exact; floor, ceil and round change
-- nothing; the others through float8, rounded back
SELECT is(ba_slice_int8(ba_apply(ba_copy(x), fn), 1, 3), r, 'apply ' || fn || ': int8')
FROM (SELECT '{-9007199254740993,0,9223372036854775807}'::int8[]::bigarray AS x) s,
     (VALUES ('abs', '{9007199254740993,0,9223372036854775807}'::int8[]),
             ('neg', '{9007199254740993,0,-9223372036854775807}'),
             ('sign', '{-1,0,1}'),
             ('floor', '{-9007199254740993,0,9223372036854775807}'),
             ('ceil', '{-9007199254740993,0,9223372036854775807}'),
             ('round', '{-9007199254740993,0,9223372036854775807}')) f(fn, r)
ORDER BY fn;
SELECT is(ba_slice(ba_apply(ba_copy(x), fn), 1, 4), r, 'apply ' || fn || ': int4')
FROM (SELECT '{1,2,9,1000}'::int4[]::bigarray AS x) s,
     (VALUES ('sqrt', '{1,1,3,32}'::float8[]), ('ln', '{0,1,2,7}'), ('log10', '{0,0,1,3}')) f(fn, r)
ORDER BY fn;
SELECT is(ba_slice(ba_apply(x, 'exp'), 1, 3), '{3,20,1}', 'apply exp: int2')
FROM (SELECT '{1,3,0}'::int2[]::bigarray AS x) s;
-- a range: only elements lo..hi change; an empty range changes nothing
SELECT is(ba_slice(ba_apply(x, 'neg', 2, 3), 1, 4), '{1,-2,-3,4}', 'apply neg: range 2..3')
FROM (SELECT '{1,2,3,4}'::float8[]::bigarray AS x) s;
SELECT is(ba_slice(ba_apply(x, 'ln', 3, 2), 1, 2), '{0,-1}', 'apply ln: empty range, no error')
FROM (SELECT '{0,-1}'::float8[]::bigarray AS x) s;
-- across chunks
SELECT is(ba_sum(ba_apply(f, 'neg')), -45000150000::float8, 'apply neg: several chunks')
FROM (SELECT ba_set_slice(bigarray_create('float8', 300000), 1,
                          array(SELECT generate_series(1, 300000)::float8)) AS f) s;

-- ba_clip
SELECT is(ba_slice(ba_clip(x, -1, 2.5), 1, 6), '{-1,-1,0,2.5,2.5,NaN}', 'clip: float8, NaN stays')
FROM (SELECT '{-Infinity,-3,0,3,Infinity,NaN}'::float8[]::bigarray AS x) s;
SELECT is(ba_slice(ba_clip(x, '-Infinity', 0), 1, 3), '{-Infinity,-3,0}', 'clip: infinite bound')
FROM (SELECT '{-Infinity,-3,3}'::float8[]::bigarray AS x) s;
SELECT is(ba_slice(ba_clip(x, 0.5, 2.5), 1, 4), '{1,1,2,2}', 'clip: int2 to the integers within')
FROM (SELECT '{0,1,2,5}'::int2[]::bigarray AS x) s;
SELECT is(ba_slice(ba_clip(x, -1e30, 1e30), 1, 2), '{-32768,32767}', 'clip: int2, bounds beyond its range')
FROM (SELECT '{-32768,32767}'::int2[]::bigarray AS x) s;
SELECT is(ba_slice_int8(ba_clip(x, 0, 9007199254740992), 1, 3), '{0,9007199254740991,9007199254740992}', 'clip: int8 exact')
FROM (SELECT '{-5,9007199254740991,9223372036854775807}'::int8[]::bigarray AS x) s;
SELECT is(ba_slice(ba_clip(x, 1, 1), 1, 3), '{1,1,1}', 'clip: lo = hi')
FROM (SELECT '{0,1,2}'::float4[]::bigarray AS x) s;

-- errors
CREATE TABLE arith_arrays (name text PRIMARY KEY, a bigarray);
INSERT INTO arith_arrays VALUES
	('f8', '{1,2,3,4}'::float8[]::bigarray),
	('f4', '{1,2,3,4}'::float4[]::bigarray),
	('i8', '{1,2,3,4}'::int8[]::bigarray),
	('i4', '{1,2,3,4}'::int4[]::bigarray),
	('i2', '{1,2,3,4}'::int2[]::bigarray),
	('m', '{{1,2},{3,4}}'::float8[]::bigarray),
	('five', '{1,2,3,4,5}'::float8[]::bigarray),
	('z', '{1,1,0,1}'::int4[]::bigarray),
	('e1', bigarray_create('float8', 0)),
	('e2', bigarray_create('int2', 0, 3));
CREATE FUNCTION arith_arr(text) RETURNS bigarray
	AS $$SELECT a FROM arith_arrays WHERE name = $1$$ LANGUAGE sql STABLE;

SELECT throws_ok(format('SELECT ba_%s(%s)', op, args), '22004', NULL, format('%s(%s): NULL', op, args))
FROM unnest('{sub,mul,div}'::text[]) op, unnest(ARRAY['NULL, arith_arr(''f8'')', 'arith_arr(''f8''), NULL']) args;
SELECT throws_ok($$SELECT ba_add(arith_arr('f8'), NULL::float8)$$, '22004', NULL, 'add: NULL number');
SELECT throws_ok($$SELECT ba_add(NULL, 1)$$, '22004', NULL, 'add number: NULL array');
SELECT throws_ok($$SELECT ba_apply(arith_arr('f8'), NULL)$$, '22004', NULL, 'apply: NULL function');
SELECT throws_ok($$SELECT ba_apply(NULL, 'abs')$$, '22004', NULL, 'apply: NULL array');
SELECT throws_ok($$SELECT ba_apply(arith_arr('f8'), 'abs', 1, NULL)$$, '22004', NULL, 'apply: NULL bound');
SELECT throws_ok($$SELECT ba_clip(arith_arr('f8'), NULL, 1)$$, '22004', NULL, 'clip: NULL bound');
SELECT throws_ok($$SELECT ba_clip(NULL, 0, 1)$$, '22004', NULL, 'clip: NULL array');

SELECT throws_ok(format('SELECT ba_%s(arith_arr(%L), arith_arr(%L))', op, x, y), '2202E', NULL, format('%s: %s and %s differ in shape', op, x, y))
FROM unnest('{add,sub,mul,div}'::text[]) op,
     (VALUES ('f8', 'm'), ('m', 'f8'), ('f8', 'five'), ('e1', 'f8')) p(x, y);
SELECT lives_ok($$SELECT ba_sub(arith_arr('e1'), arith_arr('e2'))$$, 'sub: two arrays without elements match');

SELECT throws_ok($$SELECT ba_mul(ba_fill(ba_copy(arith_arr('i2')), 200), ba_fill(ba_copy(arith_arr('i2')), 200))$$, '22003', NULL, 'mul: int2 overflow');
SELECT throws_ok($$SELECT ba_mul(ba_fill(ba_copy(arith_arr('i2')), 200), ba_fill(ba_copy(arith_arr('f8')), 200))$$, '22003', NULL, 'mul: int2 by float8 overflow');
SELECT throws_ok($$SELECT ba_mul(ba_fill(ba_copy(arith_arr('i8')), 4294967296::int8), ba_fill(ba_copy(arith_arr('i8')), 4294967296::int8))$$, '22003', NULL, 'mul: int8 overflow');
SELECT throws_ok($$SELECT ba_sub(ba_fill(ba_copy(arith_arr('i8')), -9223372036854775808::int8), arith_arr('i2'))$$, '22003', NULL, 'sub: int8 overflow');
SELECT throws_ok($$SELECT ba_sub(ba_fill(ba_copy(arith_arr('i4')), -2147483648::int8), arith_arr('i4'))$$, '22003', NULL, 'sub: int4 overflow');
SELECT throws_ok($$SELECT ba_div(ba_fill(ba_copy(arith_arr('i8')), -9223372036854775808::int8), ba_fill(ba_copy(arith_arr('i8')), -1::int8))$$, '22003', NULL, 'div: int8 -2^63 / -1');
SELECT throws_ok($$SELECT ba_div(ba_copy(arith_arr('i4')), arith_arr('z'))$$, '22012', NULL, 'div: int4 by int4 zero');
SELECT throws_ok($$SELECT ba_div(ba_copy(arith_arr('f8')), arith_arr('z'))$$, '22012', NULL, 'div: float8 by zero');
SELECT throws_ok($$SELECT ba_div(ba_copy(arith_arr('f4')), ba_fill(ba_copy(arith_arr('f8')), 0))$$, '22012', NULL, 'div: float4 by float8 zero');
SELECT throws_ok($$SELECT ba_mul(ba_fill(ba_copy(arith_arr('f8')), 1e200), ba_fill(ba_copy(arith_arr('f8')), 1e200))$$, '22003', NULL, 'mul: float8 overflow');
SELECT throws_ok($$SELECT ba_mul(ba_fill(ba_copy(arith_arr('f8')), 1e-200), ba_fill(ba_copy(arith_arr('f8')), 1e-200))$$, '22003', NULL, 'mul: float8 underflow');
SELECT throws_ok($$SELECT ba_mul(ba_fill(ba_copy(arith_arr('f4')), 1e30), ba_fill(ba_copy(arith_arr('f8')), 1e30))$$, '22003', NULL, 'mul: beyond float4');
SELECT throws_ok($$SELECT ba_sub(ba_fill(ba_copy(arith_arr('f8')), -1e308), ba_fill(ba_copy(arith_arr('f8')), 1e308))$$, '22003', NULL, 'sub: float8 overflow');
SELECT throws_ok($$SELECT ba_div(ba_copy(arith_arr('i2')), ba_fill(ba_copy(arith_arr('f8')), 'NaN'))$$, '22003', NULL, 'div: NaN into int2');

SELECT throws_ok($$SELECT ba_add(ba_copy(arith_arr('i2')), 40000)$$, '22003', NULL, 'add number: int2 overflow');
SELECT throws_ok($$SELECT ba_add(ba_fill(ba_copy(arith_arr('i8')), 9223372036854775807::int8), 1)$$, '22003', NULL, 'add number: int8 overflow');
SELECT throws_ok($$SELECT ba_add(ba_fill(ba_copy(arith_arr('f8')), 1e308), 1e308)$$, '22003', NULL, 'add number: float8 overflow');
SELECT throws_ok($$SELECT ba_add(ba_copy(arith_arr('i4')), 'NaN'::float8)$$, '22003', NULL, 'add number: NaN into int4');
SELECT throws_ok($$SELECT ba_add(ba_copy(arith_arr('f4')), 1e39)$$, '22003', NULL, 'add number: beyond float4');

SELECT throws_ok($$SELECT ba_apply(arith_arr('f8'), 'cbrt')$$, '22023', NULL, 'apply: unknown function');
SELECT throws_ok($$SELECT ba_apply(arith_arr('f8'), 'ABS')$$, '22023', NULL, 'apply: names are lower case');
SELECT throws_ok($$SELECT ba_apply(ba_fill(ba_copy(arith_arr('f8')), -1), 'sqrt')$$, '2201F', NULL, 'apply sqrt: negative');
SELECT throws_ok($$SELECT ba_apply(ba_fill(ba_copy(arith_arr('i4')), -1), 'sqrt')$$, '2201F', NULL, 'apply sqrt: negative int4');
SELECT throws_ok($$SELECT ba_apply(ba_fill(ba_copy(arith_arr('f8')), 0), 'ln')$$, '2201E', NULL, 'apply ln: zero');
SELECT throws_ok($$SELECT ba_apply(ba_fill(ba_copy(arith_arr('f4')), -1), 'ln')$$, '2201E', NULL, 'apply ln: negative');
SELECT throws_ok($$SELECT ba_apply(ba_fill(ba_copy(arith_arr('i2')), 0), 'log10')$$, '2201E', NULL, 'apply log10: zero');
SELECT throws_ok($$SELECT ba_apply(ba_fill(ba_copy(arith_arr('f8')), 1000), 'exp')$$, '22003', NULL, 'apply exp: overflow');
SELECT throws_ok($$SELECT ba_apply(ba_fill(ba_copy(arith_arr('f8')), -1000), 'exp')$$, '22003', NULL, 'apply exp: underflow');
SELECT throws_ok($$SELECT ba_apply(ba_fill(ba_copy(arith_arr('f4')), 100), 'exp')$$, '22003', NULL, 'apply exp: beyond float4');
SELECT throws_ok($$SELECT ba_apply(ba_fill(ba_copy(arith_arr('i4')), 30), 'exp')$$, '22003', NULL, 'apply exp: beyond int4');
SELECT throws_ok($$SELECT ba_apply(ba_fill(ba_copy(arith_arr('i2')), -32768), 'abs')$$, '22003', NULL, 'apply abs: int2 -32768');
SELECT throws_ok($$SELECT ba_apply(ba_fill(ba_copy(arith_arr('i8')), -9223372036854775808::int8), 'neg')$$, '22003', NULL, 'apply neg: int8 -2^63');
SELECT throws_ok($$SELECT ba_apply(ba_fill(ba_copy(arith_arr('i4')), -2147483648::int8), 'neg')$$, '22003', NULL, 'apply neg: int4 -2^31');
SELECT throws_ok($$SELECT ba_apply(arith_arr('f8'), 'abs', 0, 2)$$, '2202E', NULL, 'apply: range below 1');
SELECT throws_ok($$SELECT ba_apply(arith_arr('f8'), 'abs', 2, 5)$$, '2202E', NULL, 'apply: range beyond the end');

SELECT throws_ok($$SELECT ba_clip(arith_arr('f8'), 2, 1)$$, '22023', NULL, 'clip: lo > hi');
SELECT throws_ok($$SELECT ba_clip(arith_arr('f8'), 'NaN', 1)$$, '22023', NULL, 'clip: NaN bound');
SELECT throws_ok($$SELECT ba_clip(arith_arr('i4'), 0.2, 0.8)$$, '22023', NULL, 'clip: no integer within the bounds');
SELECT throws_ok($$SELECT ba_clip(arith_arr('f4'), 1e300, 1e301)$$, '22003', NULL, 'clip: bound beyond float4');

-- the failures above rolled back what they changed on the way
SELECT results_eq($$SELECT name, ba_slice(a, 1, 4) FROM arith_arrays WHERE name IN ('f8', 'f4', 'i8', 'i4', 'i2', 'z') ORDER BY name$$,
	$$VALUES ('f4', '{1,2,3,4}'::float8[]), ('f8', '{1,2,3,4}'), ('i2', '{1,2,3,4}'), ('i4', '{1,2,3,4}'),
	         ('i8', '{1,2,3,4}'), ('z', '{1,1,0,1}')$$,
	'failed statements left the arrays unchanged');
SELECT throws_ok($$SELECT ba_div(arith_arr('i4'), arith_arr('z'))$$, '22012', NULL, 'div: fails at the third element');
SELECT is(ba_slice(arith_arr('i4'), 1, 4), '{1,2,3,4}', 'div: the elements before it are back');

-- writers refuse read-only transactions
SET default_transaction_read_only = on;
SELECT throws_ok(format('SELECT %s', call), '25006', NULL, call || ': read-only transaction')
FROM unnest(ARRAY['ba_sub(arith_arr(''f8''), arith_arr(''f8''))', 'ba_mul(arith_arr(''f8''), arith_arr(''f8''))',
                  'ba_div(arith_arr(''f8''), arith_arr(''f8''))', 'ba_add(arith_arr(''f8''), 1)',
                  'ba_apply(arith_arr(''f8''), ''abs'')', 'ba_clip(arith_arr(''f8''), 0, 1)']) call;
RESET default_transaction_read_only;

SELECT is(pg_postmaster_start_time(), :'started'::timestamptz, 'no backend crashed');
SELECT * FROM finish();
DROP FUNCTION arith_arr(text), run_op(text, regtype, regtype), ref_op(text, regtype, regtype),
	ref_apply(text, float8[]);
DROP TABLE arith_dtypes, operands, arith_big, apply_cases, arith_arrays;
