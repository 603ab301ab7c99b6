# Upgrading 0.1 to 0.2 in place: CREATE EXTENSION bigarray VERSION '0.1'
# (0.1's frozen install script, against today's library), arrays of every
# dtype and of 1 to 3 dimensions stored in several tables, a composite
# column and an array column, then ALTER EXTENSION bigarray UPDATE.
#
# Every array reads back byte for byte (its elements, and its large object
# as stored), old arrays can be written after the upgrade, and the 0.2
# functions work on them.  The on-disk header keeps its format field
# (BA_FORMAT 1, storage.h): 0.2 writes format 1 and reads it, shown also
# by an array whose large object is written here byte by byte in that
# layout, as a 0.1 backend wrote it, not by this library.  The upgraded
# catalog equals a fresh 0.2 install's: every member of the extension, its
# definition, privileges and comment.
use strict;
use warnings;
use Digest::MD5 qw(md5_hex);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('upgrade');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE up; CREATE DATABASE fresh');

$node->safe_psql('up', q{CREATE EXTENSION bigarray VERSION '0.1'});
is($node->safe_psql('up', q{SELECT extversion FROM pg_extension WHERE extname = 'bigarray'}),
	'0.1', 'installed at 0.1');

# The header as storage.h lays it out (format 1), followed by the
# elements from offset 2048: what a 0.1 backend stored.
sub format1_large_object
{
	my ($dtype_oid, $shape, $elements) = @_;
	my $nelems = 1;
	$nelems *= $_ for @$shape;
	my $header = pack('a8 V V V V Q< q< q<16', 'BIGARRAY', 1, $dtype_oid,
		scalar @$shape, 0, 1, $nelems, @$shape, (0) x (16 - @$shape));
	return $header . ("\0" x (2048 - length $header)) . $elements;
}
my $handmade_elements = pack('d<*', map { $_ / 8 } -5 .. 6);
my $handmade = unpack('H*', format1_large_object(701, [ 3, 4 ], $handmade_elements));

my $nbig = 100_000;    # 800 kB of float8: 13 pages of 64 kB
$node->safe_psql('up', qq{
	CREATE TABLE t1 (id int PRIMARY KEY, a bigarray);
	INSERT INTO t1 VALUES
		(1, (SELECT bigarray_agg(g * 0.25::float8 ORDER BY g) FROM generate_series(1, $nbig) g)),
		(2, ARRAY[[1.5, -2.25, 16777216, 0.125], [0, -1, 3.5, 1e30]]::float4[]::bigarray),
		(3, ARRAY[9007199254740993, '-9223372036854775808', 9223372036854775807, 0, -1]::int8[]::bigarray),
		(4, ba_set_slice(bigarray_create('int4', 2, 3, 4), 1, ARRAY(SELECT generate_series(1, 24)))),
		(5, ba_fill(bigarray_create('int2', 70000), -7)),
		(6, bigarray_create('float8', 0));
	CREATE SCHEMA s;
	CREATE TABLE s.t2 (k text PRIMARY KEY, v bigarray);
	INSERT INTO s.t2 VALUES
		('int2 2-D', ARRAY[[1, 2, 3], [4, 5, -32768]]::int2[]::bigarray),
		('float8 3-D', ba_set_slice(bigarray_create('float8', 2, 2, 2), 1,
			ARRAY[0.5, 1, 1.5, 2, -0.5, -1, -1.5, -2]::float8[]));
	CREATE TYPE labelled AS (label text, arr bigarray);
	CREATE TABLE c (id int PRIMARY KEY, l labelled, many bigarray[]);
	INSERT INTO c VALUES (1, ROW('float4 1-D', ARRAY[0.5, 0.25, -8]::float4[]::bigarray)::labelled,
		ARRAY[ARRAY[7, -7]::int8[]::bigarray, bigarray_create('int4', 3, 1)]);
	-- the array written byte by byte, registered as bigarray_create would
	CREATE TABLE h (id int PRIMARY KEY, a bigarray);
	WITH lo AS (SELECT lo_from_bytea(0, '\\x$handmade'::bytea) AS loid),
	     reg AS (INSERT INTO bigarray_objects SELECT loid FROM lo)
	INSERT INTO h SELECT 1, ('\@' || loid)::bigarray FROM lo;
});

# every array: where it is, dtype, shape, md5 of its elements
my $arrays_query = q{
	SELECT string_agg(format('%s:%s:%s:%s', name, ba_dtype(x), ba_shape(x),
		md5(ba_to_bytea(x))), E'\n' ORDER BY name)
	FROM (SELECT 't1.' || id AS name, a AS x FROM t1
		UNION ALL SELECT 's.t2.' || k, v FROM s.t2
		UNION ALL SELECT 'c.l.' || id, (l).arr FROM c
		UNION ALL SELECT 'c.many.' || id || '.' || i, m FROM c, unnest(many) WITH ORDINALITY u(m, i)
		UNION ALL SELECT 'h.' || id, a FROM h) arrays};
my %elements = (
	't1.1' => [ 'double precision', "{$nbig}", pack('d<*', map { $_ * 0.25 } 1 .. $nbig) ],
	't1.2' => [ 'real', '{2,4}', pack('f<*', 1.5, -2.25, 16777216, 0.125, 0, -1, 3.5, 1e30) ],
	't1.3' => [ 'bigint', '{5}',
		pack('q<*', 9007199254740993, -9223372036854775808, 9223372036854775807, 0, -1) ],
	't1.4' => [ 'integer', '{2,3,4}', pack('l<*', 1 .. 24) ],
	't1.5' => [ 'smallint', '{70000}', pack('s<*', (-7) x 70000) ],
	't1.6' => [ 'double precision', '{0}', '' ],
	's.t2.int2 2-D' => [ 'smallint', '{2,3}', pack('s<*', 1 .. 5, -32768) ],
	's.t2.float8 3-D' => [ 'double precision', '{2,2,2}',
		pack('d<*', 0.5, 1, 1.5, 2, -0.5, -1, -1.5, -2) ],
	'c.l.1' => [ 'real', '{3}', pack('f<*', 0.5, 0.25, -8) ],
	'c.many.1.1' => [ 'bigint', '{2}', pack('q<*', 7, -7) ],
	'c.many.1.2' => [ 'integer', '{3,1}', pack('l<*', 0, 0, 0) ],
	'h.1' => [ 'double precision', '{3,4}', $handmade_elements ],
);
# ORDER BY name in the database's collation: compare as sets of lines
my $expected = join "\n", sort map {
	"$_:$elements{$_}[0]:$elements{$_}[1]:" . md5_hex($elements{$_}[2]) } keys %elements;
sub sorted_lines { return join "\n", sort split /\n/, shift; }

is(sorted_lines($node->safe_psql('up', $arrays_query)), $expected,
	'0.1: every array holds what was written, also the one written byte by byte');

# the large objects as stored: header and elements, byte for byte
my $stored_query = q{
	SELECT string_agg(format('%s:%s', oid, md5(lo_get(oid))), E'\n' ORDER BY oid)
	FROM pg_largeobject_metadata};
my $stored_before = $node->safe_psql('up', $stored_query);
is($node->safe_psql('up', q{SELECT count(*) FROM pg_largeobject_metadata}), '12',
	'twelve arrays stored');
# the format field: every header starts "BIGARRAY", then format 1 (little-endian)
my $formats_query = q{
	SELECT string_agg(DISTINCT encode(lo_get(oid, 0, 12), 'hex'), ',')
	FROM pg_largeobject_metadata};
is($node->safe_psql('up', $formats_query), unpack('H*', pack('a8 V', 'BIGARRAY', 1)),
	'0.1: every header has format 1');

# the extension's functions, and whether each takes a bigarray
my $functions_query = q{
	SELECT format('%s|%s', p.oid::regprocedure, 'bigarray'::regtype = ANY (p.proargtypes))
	FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
	WHERE d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
	  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'bigarray')
	ORDER BY 1};
my @functions_before = split /\n/, $node->safe_psql('up', $functions_query);

$node->safe_psql('up', 'ALTER EXTENSION bigarray UPDATE');
is($node->safe_psql('up', q{SELECT extversion FROM pg_extension WHERE extname = 'bigarray'}),
	'0.2', 'updated to 0.2');

# read in a new session, by the 0.2 surface
is(sorted_lines($node->safe_psql('up', $arrays_query)), $expected,
	'0.2: every array reads back byte for byte');
is($node->safe_psql('up', $stored_query), $stored_before,
	'the update left every large object as it was');
is($node->safe_psql('up', q{
	SELECT ba_sum(a), ba_get(a, 2), ba_slice(a, 99999, 100000) FROM t1 WHERE id = 1;
	SELECT ba_slice_int8(a, 1, 5) FROM t1 WHERE id = 3;
	SELECT ba_to_array(a) FROM h}),
	"1250012500|0.5|{24999.75,25000}\n"
	  . "{9007199254740993,-9223372036854775808,9223372036854775807,0,-1}\n"
	  . '{{-0.625,-0.5,-0.375,-0.25},{-0.125,0,0.125,0.25},{0.375,0.5,0.625,0.75}}',
	'0.2 reads old arrays: sums, slices, exact int8, the array written byte by byte');

# writes to old arrays after the update, and a new array: format 1 still
is($node->safe_psql('up', q{
	SELECT ba_get_int8(ba_set(a, 5, 42::int8), 5) FROM t1 WHERE id = 3;
	SELECT ba_sum(ba_append(a, ARRAY[[0.25, 0.25, 0.25, 0.25]]::float8[])), ba_shape(a) FROM h;
	SELECT ba_shape(ba_resize((l).arr, 5)) FROM c;
	SELECT ba_size(bigarray_create('int2', 4)) FROM (SELECT 1) one}),
	"42\n1.75|{4,4}\n{5}\n4", 'old arrays are written after the update');
is($node->safe_psql('up', $formats_query), unpack('H*', pack('a8 V', 'BIGARRAY', 1)),
	'0.2: every header, old, rewritten or new, has format 1');

# The functions that 0.2 adds, each called on an old array, with what it
# must give.  A function new in 0.2 that takes a bigarray and has no call
# here fails the test: add one (the arrays are in t1, s.t2, c and h, as
# written above and changed by the writes just before; give each writer an
# array no other call here reads).  Entries for functions that do not
# exist are not run.
my %new_function_calls = (
	# n-d indices and boxes (1-based, inclusive, C order)
	'ba_get(bigarray,bigint[])' =>
	  [ q{SELECT ba_get(v, ARRAY[2, 1, 2]::int8[]) FROM s.t2 WHERE k = 'float8 3-D'}, '-1' ],
	'ba_get_int8(bigarray,bigint[])' =>
	  [ 'SELECT ba_get_int8(a, ARRAY[2, 3, 4]::int8[]) FROM t1 WHERE id = 4', '24' ],
	'ba_slice(bigarray,bigint[],bigint[])' => [
		q{SELECT ba_slice(v, ARRAY[1, 1, 1]::int8[], ARRAY[1, 2, 2]::int8[]) FROM s.t2 WHERE k = 'float8 3-D'},
		'{{{0.5,1},{1.5,2}}}' ],
	'ba_slice_int8(bigarray,bigint[],bigint[])' => [
		'SELECT ba_slice_int8(a, ARRAY[1, 1, 1]::int8[], ARRAY[1, 1, 4]::int8[]) FROM t1 WHERE id = 4',
		'{{{1,2,3,4}}}' ],
	'ba_to_bytea(bigarray,bigint[],bigint[])' => [
		'SELECT ba_to_bytea(a, ARRAY[2, 3, 4]::int8[], ARRAY[2, 3, 4]::int8[]) FROM t1 WHERE id = 4',
		'\x18000000' ],
	'ba_set(bigarray,bigint[],double precision)' => [
		'SELECT ba_get(ba_set(a, ARRAY[2, 1]::int8[], 5::float8), 5) FROM t1 WHERE id = 2', '5' ],
	'ba_set(bigarray,bigint[],bigint)' => [
		'SELECT ba_get_int8(ba_set(many[1], ARRAY[2]::int8[], 9007199254740993::int8), 2) FROM c',
		'9007199254740993' ],
	'ba_set_slice(bigarray,bigint[],anyarray)' => [
		'SELECT ba_to_array(ba_set_slice(many[2], ARRAY[2, 1]::int8[], ARRAY[[5], [6]])) FROM c',
		'{{0},{5},{6}}' ],
	'ba_fill(bigarray,double precision,bigint[],bigint[])' => [
		q{SELECT ba_to_array(ba_fill(v, 9::float8, ARRAY[1, 2]::int8[], ARRAY[2, 3]::int8[])) FROM s.t2 WHERE k = 'int2 2-D'},
		'{{1,9,9},{4,9,9}}' ],
	'ba_fill(bigarray,bigint,bigint[],bigint[])' => [
		'SELECT ba_slice(ba_fill(a, 3::int8, ARRAY[2]::int8[], ARRAY[3]::int8[]), 1, 4) FROM t1 WHERE id = 5',
		'{-7,3,3,-7}' ],
	'ba_set_bytea(bigarray,bigint[],bigint[],bytea)' => [
		q{SELECT ba_slice(ba_set_bytea(a, ARRAY[1, 1]::int8[], ARRAY[1, 1]::int8[], '\x000000000000f03f'), 1, 2) FROM h},
		'{1,-0.5}' ],
	'ba_reshape(bigarray,bigint[])' =>
	  [ 'SELECT ba_shape(ba_reshape((l).arr, 5, 1)) FROM c', '{5,1}' ],
	'ba_subscripted(bigarray)' =>
	  [ 'SELECT ba_subscripted(a) = a, a[2][3][4] FROM t1 WHERE id = 4', 't|24' ],
	# box and axis reductions; s.t2's 'float8 3-D' is {{{0.5,1},{1.5,2}},{{-0.5,-1},{-1.5,-2}}}
	'ba_sum(bigarray,bigint[],bigint[])' =>
	  [ q{SELECT ba_sum(v, ARRAY[1, 1, 1]::int8[], ARRAY[1, 2, 2]::int8[]) FROM s.t2 WHERE k = 'float8 3-D'}, '5' ],
	'ba_min(bigarray,bigint[],bigint[])' =>
	  [ q{SELECT ba_min(v, ARRAY[2, 1, 1]::int8[], ARRAY[2, 2, 2]::int8[]) FROM s.t2 WHERE k = 'float8 3-D'}, '-2' ],
	'ba_max(bigarray,bigint[],bigint[])' =>
	  [ q{SELECT ba_max(v, ARRAY[1, 1, 1]::int8[], ARRAY[2, 1, 2]::int8[]) FROM s.t2 WHERE k = 'float8 3-D'}, '1' ],
	'ba_mean(bigarray,bigint[],bigint[])' =>
	  [ q{SELECT ba_mean(v, ARRAY[1, 1, 1]::int8[], ARRAY[1, 1, 2]::int8[]) FROM s.t2 WHERE k = 'float8 3-D'}, '0.75' ],
	'ba_sum(bigarray,integer)' =>
	  [ q{SELECT ba_sum(v, axis => 3) FROM s.t2 WHERE k = 'float8 3-D'}, '{{1.5,3.5},{-1.5,-3.5}}' ],
	'ba_min(bigarray,integer)' =>
	  [ q{SELECT ba_min(v, axis => 3) FROM s.t2 WHERE k = 'float8 3-D'}, '{{0.5,1.5},{-1,-2}}' ],
	'ba_max(bigarray,integer)' =>
	  [ q{SELECT ba_max(v, axis => 2) FROM s.t2 WHERE k = 'float8 3-D'}, '{{1.5,2},{-0.5,-1}}' ],
	'ba_mean(bigarray,integer)' =>
	  [ q{SELECT ba_mean(v, axis => 1) FROM s.t2 WHERE k = 'float8 3-D'}, '{{0,0},{0,0}}' ],
	# statistics over the whole array (the same one) and over ranges of t1.1 (element i is i / 4)
	'ba_argmax(bigarray)' =>
	  [ q{SELECT ba_argmax(v) FROM s.t2 WHERE k = 'float8 3-D'}, '4' ],
	'ba_argmin(bigarray)' =>
	  [ q{SELECT ba_argmin(v) FROM s.t2 WHERE k = 'float8 3-D'}, '8' ],
	'ba_argmax(bigarray,bigint,bigint)' =>
	  [ q{SELECT ba_argmax(a, 10, 20) FROM t1 WHERE id = 1}, '20' ],
	'ba_argmin(bigarray,bigint,bigint)' =>
	  [ q{SELECT ba_argmin(a, 10, 20) FROM t1 WHERE id = 1}, '10' ],
	'ba_count_nan(bigarray)' =>
	  [ q{SELECT ba_count_nan(v) FROM s.t2 WHERE k = 'float8 3-D'}, '0' ],
	'ba_count_nan(bigarray,bigint,bigint)' =>
	  [ q{SELECT ba_count_nan(a, 10, 20) FROM t1 WHERE id = 1}, '0' ],
	'ba_nansum(bigarray)' =>
	  [ q{SELECT ba_nansum(v) FROM s.t2 WHERE k = 'float8 3-D'}, '0' ],
	'ba_nansum(bigarray,bigint,bigint)' =>
	  [ q{SELECT ba_nansum(a, 4, 6) FROM t1 WHERE id = 1}, '3.75' ],
	'ba_nanmean(bigarray)' =>
	  [ q{SELECT ba_nanmean(v) FROM s.t2 WHERE k = 'float8 3-D'}, '0' ],
	'ba_nanmean(bigarray,bigint,bigint)' =>
	  [ q{SELECT ba_nanmean(a, 4, 6) FROM t1 WHERE id = 1}, '1.25' ],
	'ba_nanmin(bigarray)' =>
	  [ q{SELECT ba_nanmin(v) FROM s.t2 WHERE k = 'float8 3-D'}, '-2' ],
	'ba_nanmin(bigarray,bigint,bigint)' =>
	  [ q{SELECT ba_nanmin(a, 4, 6) FROM t1 WHERE id = 1}, '1' ],
	'ba_nanmax(bigarray)' =>
	  [ q{SELECT ba_nanmax(v) FROM s.t2 WHERE k = 'float8 3-D'}, '2' ],
	'ba_nanmax(bigarray,bigint,bigint)' =>
	  [ q{SELECT ba_nanmax(a, 4, 6) FROM t1 WHERE id = 1}, '1.5' ],
	'ba_var(bigarray)' =>
	  [ q{SELECT ba_var(v) FROM s.t2 WHERE k = 'float8 3-D'}, '2.142857142857143' ],
	'ba_var_pop(bigarray)' =>
	  [ q{SELECT ba_var_pop(v) FROM s.t2 WHERE k = 'float8 3-D'}, '1.875' ],
	'ba_stddev(bigarray)' =>
	  [ q{SELECT ba_stddev(v) FROM s.t2 WHERE k = 'float8 3-D'}, '1.4638501094227998' ],
	'ba_stddev_pop(bigarray)' =>
	  [ q{SELECT ba_stddev_pop(v) FROM s.t2 WHERE k = 'float8 3-D'}, '1.3693063937629153' ],
	'ba_var(bigarray,bigint,bigint)' =>
	  [ q{SELECT ba_var(a, 4, 5) FROM t1 WHERE id = 1}, '0.03125' ],
	'ba_var_pop(bigarray,bigint,bigint)' =>
	  [ q{SELECT ba_var_pop(a, 4, 5) FROM t1 WHERE id = 1}, '0.015625' ],
	'ba_stddev(bigarray,bigint,bigint)' =>
	  [ q{SELECT ba_stddev(a, 4, 6) FROM t1 WHERE id = 1}, '0.25' ],
	'ba_stddev_pop(bigarray,bigint,bigint)' =>
	  [ q{SELECT ba_stddev_pop(a, 4, 5) FROM t1 WHERE id = 1}, '0.125' ],
	'ba_histogram(bigarray,double precision,double precision,integer)' =>
	  [ q{SELECT ba_histogram(v, -2, 2, 4) FROM s.t2 WHERE k = 'float8 3-D'}, '{2,2,1,2}' ],
	'ba_quantile(bigarray,double precision)' =>
	  [ q{SELECT ba_quantile(v, 0.5) FROM s.t2 WHERE k = 'float8 3-D'}, '0' ],
	'ba_quantile(bigarray,double precision[])' =>
	  [ q{SELECT ba_quantile(v, ARRAY[0, 0.25, 1]) FROM s.t2 WHERE k = 'float8 3-D'}, '{-2,-1.125,2}' ],
	# element-wise arithmetic, each undone by its transaction's rollback
	'ba_add(bigarray,double precision)' =>
	  [ q{BEGIN; SELECT ba_get(ba_add(a, 1::float8), 10) FROM t1 WHERE id = 1; ROLLBACK}, '3.5' ],
	'ba_sub(bigarray,bigarray)' =>
	  [ q{BEGIN; SELECT ba_sum(ba_sub(v, v)) FROM s.t2 WHERE k = 'float8 3-D'; ROLLBACK}, '0' ],
	'ba_mul(bigarray,bigarray)' =>
	  [ q{BEGIN; SELECT ba_sum(ba_mul(v, v)) FROM s.t2 WHERE k = 'float8 3-D'; ROLLBACK}, '15' ],
	'ba_div(bigarray,bigarray)' =>
	  [ q{BEGIN; SELECT ba_sum(ba_div(v, v)) FROM s.t2 WHERE k = 'float8 3-D'; ROLLBACK}, '8' ],
	'ba_apply(bigarray,text)' =>
	  [ q{BEGIN; SELECT ba_get(ba_apply(a, 'neg'), 10) FROM t1 WHERE id = 1; ROLLBACK}, '-2.5' ],
	'ba_apply(bigarray,text,bigint,bigint)' =>
	  [ q{BEGIN; SELECT ba_slice(ba_apply(a, 'sqrt', 16, 16), 15, 17) FROM t1 WHERE id = 1; ROLLBACK}, '{3.75,2,4.25}' ],
	'ba_clip(bigarray,double precision,double precision)' =>
	  [ q{BEGIN; SELECT ba_slice(ba_clip(a, 3, 4), 11, 17) FROM t1 WHERE id = 1; ROLLBACK}, '{3,3,3.25,3.5,3.75,4,4}' ],
	# the client write path: raw little-endian elements from a flat index
	'ba_set_bytea(bigarray,bigint,bytea)' => [
		q{SELECT ba_slice(ba_set_bytea(a, 2, '\x000000000000f03f'), 1, 3) FROM t1 WHERE id = 1},
		'{0.25,1,0.75}' ],
);
my @functions_after = split /\n/, $node->safe_psql('up', $functions_query);
my %in_01 = map { $_ => 1 } @functions_before;
my @new_readers = map { (split /\|/)[0] } grep { !$in_01{$_} && /\|t$/ } @functions_after;
note('functions new in 0.2 that take a bigarray: ' . join(', ', @new_readers));
for my $function (@new_readers)
{
	my $call = $new_function_calls{$function};
	ok(defined $call, "$function: has a call on an old array here") or next;
	my ($rc, $stdout, $stderr) = $node->psql('up', $call->[0]);
	is("$stdout$stderr", $call->[1], "$function works on an old array");
}

# The catalog after the update equals a fresh 0.2 install's, as psql shows
# it and in full definitions: every member, its privileges and comment.
$node->safe_psql('fresh', 'CREATE EXTENSION bigarray');
my $catalog_script = q{
\dx+ bigarray
\dT+ bigarray
\df+ *.*bigarray*
\df+ ba_*
\da+ bigarray_agg
\do+ *.*
\dC+ bigarray
\dAc+ * bigarray
\dAo+ * bigarray_ops
\dAp+ * bigarray_ops
\d+ bigarray_objects
\dp bigarray_objects
SELECT pg_describe_object(d.classid, d.objid, d.objsubid) || ': ' || coalesce(c.description, '-')
  || ': ' || CASE WHEN d.classid = 'pg_proc'::regclass THEN
       (SELECT CASE WHEN p.prokind = 'a' THEN (SELECT a::text FROM pg_aggregate a WHERE aggfnoid = p.oid)
               ELSE pg_get_functiondef(p.oid) END || coalesce(p.proacl::text, '')
        FROM pg_proc p WHERE p.oid = d.objid)
     ELSE '' END
FROM pg_depend d LEFT JOIN pg_description c
  ON c.classoid = d.classid AND c.objoid = d.objid AND c.objsubid = d.objsubid
WHERE d.deptype = 'e' AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'bigarray')
ORDER BY 1;
SELECT extconfig::regclass[], extcondition, extrelocatable, extnamespace::regnamespace
FROM pg_extension WHERE extname = 'bigarray';
};
my $catalog_up = $node->safe_psql('up', $catalog_script);
my $catalog_fresh = $node->safe_psql('fresh', $catalog_script);
my %lines_up = map { $_ => 1 } split /\n/, $catalog_up;
my %lines_fresh = map { $_ => 1 } split /\n/, $catalog_fresh;
my @only_up = grep { !$lines_fresh{$_} } split /\n/, $catalog_up;
my @only_fresh = grep { !$lines_up{$_} } split /\n/, $catalog_fresh;
ok(@only_up == 0 && @only_fresh == 0 && $catalog_up eq $catalog_fresh,
	'the updated catalog equals a fresh 0.2 install\'s')
  or diag(join "\n", 'only after the update:', @only_up, 'only in a fresh install:', @only_fresh);
cmp_ok(scalar(split /\n/, $catalog_up), '>', 100, 'the catalog compared is not empty');

$node->stop;
done_testing();
