# pg_dump -Fc and pg_restore (serial and parallel) into new databases keep
# every bigarray: the columns (handles, with their oids), the registry rows,
# the large objects byte for byte, and so each array's dtype, shape and
# contents: all five dtypes, 1-D to 3-D, a shared handle, an empty array,
# one spanning many pages, int8 values beyond 2^53, an array no column
# references, a dangling handle (its array dropped while a row still
# references it: it prints, dumps and restores; reading it gives 42704).
# A role with SELECT on a table but no privilege on its arrays' large
# objects can SELECT *, COPY TO and pg_dump it.  The restored arrays are
# writable, independently of the originals.  Restored into another
# cluster, whose xids run into the versions the arrays' headers carry, sessions with cached pages still see
# every later commit.
use strict;
use warnings;
use Digest::MD5 qw(md5_hex);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('dump');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE src');

my $nbig = 1_000_000;    # 8 MB of float8: 123 pages of 64 kB
$node->safe_psql('src', qq{
	CREATE EXTENSION bigarray;
	CREATE TABLE m (id int PRIMARY KEY, name text, a bigarray, b bigarray);
	INSERT INTO m VALUES
		(1, 'big', (SELECT bigarray_agg(g * 0.5::float8 ORDER BY g) FROM generate_series(1, $nbig) g), NULL),
		(2, 'float4 and 3-D', ARRAY[1.5, -2.25, 16777216, 0.125]::float4[]::bigarray,
			bigarray_create('int4', 4, 5, 6)),
		(3, 'int8 and 2-D', ARRAY[9007199254740993, '-9223372036854775808',
				9223372036854775807, 0, -1]::int8[]::bigarray,
			ARRAY[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, -32768]]::int2[]::bigarray),
		(5, 'empty', bigarray_create('float8', 0), NULL);
	INSERT INTO m SELECT 4, 'shared', b, NULL FROM m WHERE id = 2;
	CREATE SCHEMA s;
	CREATE TABLE s.n (k text, v bigarray);
	INSERT INTO s.n VALUES ('int2', ba_fill(bigarray_create('int2', 70000), -7));
	SELECT bigarray_create('int4', 10) IS NOT NULL AS orphan;
	CREATE TABLE d (id int PRIMARY KEY, a bigarray);
	INSERT INTO d VALUES (1, bigarray_create('float8', 3));
	SELECT ba_drop(a) FROM d;
});
my $dangling = $node->safe_psql('src', 'SELECT ba_oid(a) FROM d');
is($node->safe_psql('src', 'SELECT * FROM d'), "1|\@$dangling",
	'SELECT * of a dangling handle prints @oid');
is($node->safe_psql('src', 'COPY d TO STDOUT'), "1\t\@$dangling",
	'COPY TO of a dangling handle');
# the SQLSTATE of the error a query raises (or what it printed)
sub sqlstate
{
	my ($cluster, $db, $query, @params) = @_;
	my (undef, $stdout, $stderr) = $cluster->psql($db,
		"\\set VERBOSITY verbose\n$query", @params);
	return $stderr =~ /ERROR:  ([0-9A-Z]{5}):/ ? $1 : "no error: $stdout $stderr";
}
my $read_dangling = 'SELECT ba_get(a, 1) FROM d';
is(sqlstate($node, 'src', $read_dangling), '42704', 'reading through it: 42704');
# later commits: the headers' versions differ from the creating ones.  The
# last one comes after 1000 more xids, for the restore into another cluster
# at the end.
$node->safe_psql('src', qq{SELECT ba_set(a, $nbig, -1) FROM m WHERE id = 1});
$node->safe_psql('src', "SELECT txid_current();\n" x 1000);
my $last_xid = $node->safe_psql('src', q{
	SELECT txid_current() FROM m, ba_set_slice(b, 1, ARRAY(SELECT generate_series(1, 120)))
	WHERE id = 2});

# every column value: id, column, dtype, shape, md5 of the elements
my $columns_query = q{
	SELECT string_agg(format('%s.%s:%s:%s:%s', id, col, ba_dtype(x), ba_shape(x),
		md5(ba_to_bytea(x))), ' ' ORDER BY id, col)
	FROM (SELECT id, 'a' AS col, a AS x FROM m UNION ALL SELECT id, 'b', b FROM m
		UNION ALL SELECT 6, 'v', v FROM s.n) c
	WHERE x IS NOT NULL};
my %elements = (
	'1.a' => [ 'double precision', "{$nbig}",
		pack('d<*', (map { $_ * 0.5 } 1 .. $nbig - 1), -1) ],
	'2.a' => [ 'real', '{4}', pack('f<*', 1.5, -2.25, 16777216, 0.125) ],
	'2.b' => [ 'integer', '{4,5,6}', pack('l<*', 1 .. 120) ],
	'3.a' => [ 'bigint', '{5}',
		pack('q<*', 9007199254740993, -9223372036854775808, 9223372036854775807, 0, -1) ],
	'3.b' => [ 'smallint', '{3,4}', pack('s<*', 1 .. 11, -32768) ],
	'4.a' => [ 'integer', '{4,5,6}', pack('l<*', 1 .. 120) ],
	'5.a' => [ 'double precision', '{0}', '' ],
	'6.v' => [ 'smallint', '{70000}', pack('s<*', (-7) x 70000) ],
);
my $expected = join ' ',
  map { "$_:$elements{$_}[0]:$elements{$_}[1]:" . md5_hex($elements{$_}[2]) }
  sort keys %elements;
is($node->safe_psql('src', $columns_query), $expected, 'the arrays hold what was written');

# the handles as text (@oid), the registry, the large objects
my $handles_query = q{
	SELECT string_agg(format('%s:%s:%s', id, a, b), ' ' ORDER BY id) FROM m;
	SELECT string_agg(format('%s:%s', id, a), ' ' ORDER BY id) FROM d;
	SELECT string_agg(v::text, ' ') FROM s.n;
	SELECT string_agg(loid::text, ',' ORDER BY loid) FROM bigarray_objects;
	SELECT string_agg(format('%s:%s', oid, md5(lo_get(oid))), ' ' ORDER BY oid)
	FROM pg_largeobject_metadata};
my $src_handles = $node->safe_psql('src', $handles_query);
is($node->safe_psql('src', q{
	SELECT count(*), count(*) FILTER (WHERE loid NOT IN
		(SELECT ba_oid(a) FROM m UNION SELECT ba_oid(b) FROM m WHERE b IS NOT NULL
		 UNION SELECT ba_oid(v) FROM s.n)) FROM bigarray_objects}),
	'8|1', 'eight registered arrays, one of them referenced by no column');

my $dump = $node->basedir . '/src.dump';
$node->command_ok([ 'pg_dump', '-Fc', '-f', $dump, '-d', 'src' ], 'pg_dump -Fc');

for my $restore ([ 'dst', [] ], [ 'dst_parallel', [ '-j', '2' ] ])
{
	my ($db, $options) = @$restore;
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->command_ok([ 'pg_restore', @$options, '-d', $db, $dump ],
		join(' ', 'pg_restore', @$options, 'into', $db));
	is($node->safe_psql($db, $columns_query), $expected,
		"$db: every column's array has its dtype, shape and contents");
	is($node->safe_psql($db, $handles_query), $src_handles,
		"$db: the same handles, registry rows and large objects");
	is($node->safe_psql($db, q{
		SELECT ba_sum(a), ba_get(a, 2) FROM m WHERE id = 1;
		SELECT ba_slice_int8(a, 1, 5) FROM m WHERE id = 3;
		SELECT ba_to_array(b) FROM m WHERE id = 3}),
		# 0.5 * (999999 * 1000000 / 2) - 1
		"249999749999|1\n{9007199254740993,-9223372036854775808,9223372036854775807,0,-1}\n"
		  . "{{1,2,3,4},{5,6,7,8},{9,10,11,-32768}}",
		"$db: sums and exact int8 elements");
	is(sqlstate($node, $db, $read_dangling), '42704',
		"$db: the dangling handle is there, and reading it gives 42704");
}

# A role with SELECT on the tables and no privilege on any large object
# sees every handle, and can dump the tables (without -t, pg_dump would
# dump the large objects' data too, which needs SELECT on them).
$node->safe_psql('src', 'CREATE ROLE table_reader LOGIN; GRANT SELECT ON m, d TO table_reader');
my @as_reader = (extra_params => [ '-U', 'table_reader' ]);
my $rows = $node->safe_psql('src', 'SELECT * FROM m ORDER BY id');
like($rows, qr/^1\|big\|\@\d+\|$/m, 'handles print as @oid');
is($node->safe_psql('src', 'SELECT * FROM m ORDER BY id', @as_reader), $rows,
	'a role without access to the arrays: SELECT *');
is($node->safe_psql('src', 'COPY m TO STDOUT', @as_reader), $node->safe_psql('src', 'COPY m TO STDOUT'),
	'a role without access to the arrays: COPY TO');
is($node->safe_psql('src', 'COPY d TO STDOUT', @as_reader), "1\t\@$dangling",
	'a role without access to the arrays: COPY TO of a dangling handle');
$node->command_ok([ 'pg_dump', '-U', 'table_reader', '-t', 'm', '-t', 'd', '-f',
	$node->basedir . '/reader.sql', '-d', 'src' ],
	'a role without access to the arrays: pg_dump -t');
is(sqlstate($node, 'src', 'SELECT ba_get(a, 1) FROM m WHERE id = 2', @as_reader), '42501',
	'but it cannot read the elements');
$node->safe_psql('src', 'REVOKE ALL ON m, d FROM table_reader; DROP ROLE table_reader');

# the restored arrays are writable, and independent of the originals
is($node->safe_psql('dst', q{
	SELECT ba_set(a, 1, 42) IS NOT NULL FROM m WHERE id = 1;
	SELECT ba_append(b, ARRAY[[0, 0, 0, 100]]::int2[]) IS NOT NULL FROM m WHERE id = 3;
	SELECT ba_fill(v, 2::int8) IS NOT NULL FROM s.n;
	SELECT ba_scale(a, 2) IS NOT NULL FROM m WHERE id = 4;
	INSERT INTO m VALUES (7, 'new', ba_fill(bigarray_create('int8', 3), 5), NULL);
	SELECT ba_get(a, 1), ba_sum(a) FROM m WHERE id = 1;
	SELECT ba_shape(b), ba_sum(b) FROM m WHERE id = 3;
	SELECT ba_sum(v) FROM s.n;
	SELECT ba_sum(b) FROM m WHERE id = 2;
	SELECT ba_sum(a) FROM m WHERE id = 7;
	SELECT bigarray_gc()}),
	# 249999749999 - 0.5 + 42; 1 + ... + 11 - 32768 + 100; 70000 * 2;
	# 2 * (1 + ... + 120); 3 * 5; the array no column references
	"t\nt\nt\nt\n42|249999750040.5\n{4,4}|-32602\n140000\n14520\n15\n1",
	'the restored arrays are writable');
is($node->safe_psql('src', $columns_query), $expected, 'the originals are unchanged');

# ---- into another cluster -----------------------------------------------

# The headers carry versions from the first cluster's xids.  Once this
# cluster's xids reach the version of an array, sessions holding its pages
# must still see the next commit to it: a reader reads it, a writer does not
# write back stale pages over it.
my $other = PostgreSQL::Test::Cluster->new('other');
$other->init;
# an autovacuum ANALYZE would take an xid of its own in between
$other->append_conf('postgresql.conf', 'autovacuum = off');
$other->start;
$other->safe_psql('postgres', 'CREATE DATABASE dst');
$other->command_ok([ 'pg_restore', '-d', 'dst', $dump ], 'pg_restore into another cluster');
is($other->safe_psql('dst', $columns_query), $expected, 'there too, every array as it was');

my $reader = $other->background_psql('dst');
my $writer = $other->background_psql('dst');
my $read = q{SELECT ba_get(b, 1), ba_get(b, 2), ba_sum(b) FROM m WHERE id = 2};
is($reader->query_safe($read), '1|2|7260', 'a session reads and caches an array');
is($writer->query_safe($read), '1|2|7260', 'another one too');
my $next_xid = $other->safe_psql('dst', 'SELECT txid_current()');
cmp_ok($next_xid, '<', $last_xid, "this cluster's xids have not reached the version yet");
$other->safe_psql('dst', "SELECT txid_current();\n" x ($last_xid - $next_xid - 1));
is($other->safe_psql('dst', q{
	SELECT txid_current() FROM m, ba_set(b, 1, 1000) WHERE id = 2}),
	$last_xid, 'a commit to the array by the xid equal to its version');
is($reader->query_safe($read), '1000|2|8259', 'the reading session sees that commit');
$writer->query_safe(q{SELECT ba_set(b, 2, 2000) FROM m WHERE id = 2});
is($other->safe_psql('dst', $read), '1000|2000|10257',
	'the writing session did not write stale pages over it');
$reader->quit;
$writer->quit;

$other->stop;
$node->stop;
done_testing();
