# Streaming replication: a hot standby reads exactly what the primary
# committed (elements, fills, shape changes, new and dropped arrays, all
# dtypes); a standby session that has pages cached sees the primary's later
# commits once they are replayed, while a REPEATABLE READ transaction there
# keeps its snapshot's contents; under READ COMMITTED each statement there
# sees the latest replayed commit, contents and privileges alike; every way of writing an array fails on the
# standby with SQLSTATE 25006 and leaves its reads intact; once promoted,
# the standby writes the arrays.
use strict;
use warnings;
use Digest::MD5 qw(md5_hex);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->start;

# sqlstate(query): 'ok', or the SQLSTATE of the error the query raised.
# Made on the primary: a standby cannot create functions.
$primary->safe_psql('postgres', q{
	CREATE EXTENSION bigarray;
	CREATE FUNCTION sqlstate(query text) RETURNS text LANGUAGE plpgsql AS $$
	BEGIN
		EXECUTE query;
		RETURN 'ok';
	EXCEPTION WHEN OTHERS THEN
		RETURN SQLSTATE;
	END $$;
	CREATE TABLE t (id int PRIMARY KEY, a bigarray);
	INSERT INTO t VALUES (1, bigarray_create('float8', 200000)),
		(2, bigarray_create('int8', 1000));
	SELECT ba_set_slice(a, 1, ARRAY(SELECT g::float8 FROM generate_series(1, 200000) g))
		IS NOT NULL FROM t WHERE id = 1;
});

$primary->backup('backup');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'backup', has_streaming => 1);
# the REPEATABLE READ reader below must not be cancelled by the replay of a
# cleanup of pg_largeobject
$standby->append_conf('postgresql.conf', 'hot_standby_feedback = on');
$standby->start;

# ---- the standby reads what the primary committed -----------------------

# Every change below reaches the standby through streaming, one commit each.
$primary->safe_psql('postgres', $_) for (
	q{SELECT ba_set(a, 5, -5.5) FROM t WHERE id = 1},
	q{SELECT ba_set(a, 1, 9007199254740993::int8), ba_set(a, 1000, '-9223372036854775808'::int8)
	  FROM t WHERE id = 2},
	q{INSERT INTO t VALUES (3, ba_fill(bigarray_create('int2', 30, 40), 3))},
	q{SELECT ba_append(a, array_fill(-4::int2, ARRAY[2, 40])) FROM t WHERE id = 3},
	q{INSERT INTO t VALUES (4, ba_fill(bigarray_create('float4', 5000), 0.25))},
	q{SELECT ba_resize(a, 3000) FROM t WHERE id = 4},
	q{INSERT INTO t VALUES (5, bigarray_from(ARRAY[7, -8, 2147483647]::int4[]))},
	q{INSERT INTO t VALUES (6, ba_fill(bigarray_create('int4', 10), 6))},
	q{SELECT ba_drop(a) FROM t WHERE id = 6});
$primary->wait_for_catchup('standby');

# id => [dtype, shape, md5 of the little-endian elements], from how they
# were written
my %expect = (
	1 => [ 'double precision', '{200000}', md5_hex(pack('d<*', 1 .. 4, -5.5, 6 .. 200000)) ],
	2 => [ 'bigint', '{1000}',
		md5_hex(pack('q<*', 9007199254740993, (0) x 998, -9223372036854775808)) ],
	3 => [ 'smallint', '{32,40}', md5_hex(pack('s<*', (3) x 1200, (-4) x 80)) ],
	4 => [ 'real', '{3000}', md5_hex(pack('f<*', (0.25) x 3000)) ],
	5 => [ 'integer', '{3}', md5_hex(pack('l<*', 7, -8, 2147483647)) ],
);
my $contents_query = q{
	SELECT string_agg(format('%s:%s:%s:%s', id, ba_dtype(a), ba_shape(a), md5(ba_to_bytea(a))),
		' ' ORDER BY id)
	FROM t WHERE id <> 6};
my $expected = join ' ', map { "$_:" . join(':', @{ $expect{$_} }) } sort keys %expect;
is($primary->safe_psql('postgres', $contents_query), $expected, 'the primary holds what was written');
is($standby->safe_psql('postgres', $contents_query), $expected, 'the standby reads the same');
is($standby->safe_psql('postgres', q{
	SELECT ba_sum(a), ba_get(a, 5) FROM t WHERE id = 1;
	SELECT ba_get_int8(a, 1), ba_get_int8(a, 1000) FROM t WHERE id = 2;
	SELECT sqlstate('SELECT ba_size(a) FROM t WHERE id = 6')}),
	# 200000 * 200001 / 2 - 5 - 5.5
	"20000099989.5|-5.5\n9007199254740993|-9223372036854775808\n42704",
	'sums, exact int8 elements, and the dropped array is gone');

# ---- a standby session with cached pages sees later commits -------------

my $reader = $standby->background_psql('postgres');
is($reader->query_safe(q{SELECT ba_get(a, 10), ba_sum(a), ba_shape(a) FROM t WHERE id = 1;
	SELECT ba_shape(a), ba_sum(a) FROM t WHERE id = 3}),
	"10|20000099989.5|{200000}\n{32,40}|3280", 'a standby session reads and caches');
$primary->safe_psql('postgres', $_) for (
	q{SELECT ba_set(a, 10, 1000) FROM t WHERE id = 1},
	q{SELECT ba_append(a, array_fill(1::int2, ARRAY[40])) FROM t WHERE id = 3});
$primary->wait_for_catchup('standby');
is($reader->query_safe(q{SELECT ba_get(a, 10), ba_sum(a), ba_shape(a) FROM t WHERE id = 1;
	SELECT ba_shape(a), ba_sum(a) FROM t WHERE id = 3}),
	"1000|20000100979.5|{200000}\n{33,40}|3320",
	'the same session then reads the new contents and shape');

# a REPEATABLE READ transaction keeps what its snapshot saw
$reader->query_safe(q{BEGIN ISOLATION LEVEL REPEATABLE READ;
	SELECT ba_sum(a) FROM t WHERE id = 1});
$primary->safe_psql('postgres', q{SELECT ba_fill(a, 1, 1, 100000) FROM t WHERE id = 1});
$primary->wait_for_catchup('standby');
is($reader->query_safe(q{SELECT ba_get(a, 10), ba_sum(a) FROM t WHERE id = 1}),
	"1000|20000100979.5", 'a REPEATABLE READ transaction on the standby keeps its snapshot');
# 100000 * 1 + (100001 + ... + 200000)
is($reader->query_safe(q{COMMIT; SELECT ba_get(a, 10), ba_sum(a) FROM t WHERE id = 1}),
	"1|15000150000", 'the next transaction reads the new contents');

# ---- READ COMMITTED on the standby: each statement sees the latest replay --

# A standby snapshot keeps every running xid in subxip (xcnt is 0).  Here
# xmin and xmax stay the same across the writer's commit (an older
# transaction keeps running, a younger one has completed), so only subxip
# tells the two statements' snapshots apart; a plain table changed by the
# same commit shows what the second statement must see.
$primary->safe_psql('postgres', q{
	CREATE TABLE marks (n int);
	CREATE ROLE standby_reader LOGIN;
	GRANT SELECT ON t, marks TO standby_reader;
	DO $$ BEGIN EXECUTE format('GRANT SELECT ON LARGE OBJECT %s TO standby_reader',
		(SELECT ba_oid(a) FROM t WHERE id = 1)); END $$;
});
my $oldest = $primary->background_psql('postgres');
my $writer = $primary->background_psql('postgres');
$oldest->query_safe(q{BEGIN; SELECT txid_current()});
$writer->query_safe(q{BEGIN; SELECT txid_current()});
$primary->safe_psql('postgres', q{INSERT INTO marks VALUES (0)});
$primary->wait_for_catchup('standby');
my $rc_reader = $standby->background_psql('postgres');
is($rc_reader->query_safe(q{BEGIN ISOLATION LEVEL READ COMMITTED;
	SET ROLE standby_reader;
	SELECT ba_get(a, 150000), (SELECT count(*) FROM marks) FROM t WHERE id = 1}),
	"150000|1", 'a READ COMMITTED transaction on the standby reads and caches');
$writer->query_safe(q{SELECT ba_set(a, 150000, -1) FROM t WHERE id = 1;
	INSERT INTO marks VALUES (1); COMMIT});
$primary->wait_for_catchup('standby');
is($rc_reader->query_safe(q{SELECT ba_get(a, 150000), (SELECT count(*) FROM marks) FROM t WHERE id = 1}),
	"-1|2", 'its next statement sees the commit, as a plain table does');

# a REVOKE replayed in the middle of the same transaction counts from the
# next statement, as it does for lo_get
$writer->query_safe(q{BEGIN; SELECT txid_current()});
$primary->safe_psql('postgres', q{INSERT INTO marks VALUES (2)});
$primary->wait_for_catchup('standby');
is($rc_reader->query_safe(q{SELECT ba_get(a, 150000), (SELECT count(*) FROM marks) FROM t WHERE id = 1}),
	"-1|3", 'the reader still has SELECT on the array');
$writer->query_safe(q{DO $$ BEGIN EXECUTE format('REVOKE SELECT ON LARGE OBJECT %s FROM standby_reader',
		(SELECT ba_oid(a) FROM t WHERE id = 1)); END $$;
	INSERT INTO marks VALUES (3); COMMIT});
$primary->wait_for_catchup('standby');
is($rc_reader->query_safe(q{SELECT (SELECT count(*) FROM marks),
	sqlstate('SELECT ba_get(a, 150000) FROM t WHERE id = 1')}),
	"4|42501", 'a replayed REVOKE counts from the next statement');
$rc_reader->query_safe(q{ROLLBACK});
$rc_reader->quit;
$oldest->query_safe(q{COMMIT});
$oldest->quit;
$writer->quit;

# ---- writes on the standby fail with 25006 ------------------------------

my @writes = (
	q{SELECT ba_set(a, 1, 2) FROM t WHERE id = 1},
	q{SELECT ba_set(a, 1, 2::int8) FROM t WHERE id = 2},
	q{SELECT ba_fill(a, 2) FROM t WHERE id = 1},
	q{SELECT ba_fill(a, 2::int8, 1, 10) FROM t WHERE id = 2},
	q{SELECT ba_set_slice(a, 1, ARRAY[1, 2]::int2[]) FROM t WHERE id = 3},
	q{SELECT ba_append(a, array_fill(1::int2, ARRAY[40])) FROM t WHERE id = 3},
	q{SELECT ba_resize(a, 10) FROM t WHERE id = 4},
	q{SELECT ba_add(a, a) FROM t WHERE id = 1},
	q{SELECT ba_scale(a, 2) FROM t WHERE id = 4},
	q{SELECT ba_drop(a) FROM t WHERE id = 5},
	q{SELECT bigarray_create('float8', 10)},
	q{SELECT bigarray_from(ARRAY[1, 2]::int4[])},
	q{SELECT ARRAY[1.5]::float8[]::bigarray},
	q{SELECT ba_copy(a) FROM t WHERE id = 5},
	q{SELECT ba_from_bytea('int2', '\x0100')},
	q{SELECT bigarray_agg(g) FROM generate_series(1, 10) g},
	q{SELECT bigarray_gc()});
my $states = $reader->query_safe(join ";\n",
	map { my $q = $_; $q =~ s/'/''/g; "SELECT sqlstate('$q')" } @writes);
is($states, join("\n", ('25006') x @writes), 'every write on the standby fails with 25006');
# the failed writes left the session's cache and the arrays as they were
is($reader->query_safe(q{SELECT ba_get(a, 10), ba_sum(a) FROM t WHERE id = 1}),
	"1|14999999999", 'the session reads the same contents after the failed writes');
$reader->quit;
# the primary's arrays as they are now, for after the promotion
my $now = $primary->safe_psql('postgres', $contents_query);
is($standby->safe_psql('postgres', $contents_query), $now,
	'the standby still reads what the primary holds');

# ---- once promoted, it writes -------------------------------------------

$standby->promote;
is($standby->safe_psql('postgres', q{
	SELECT ba_set(a, 10, 2) IS NOT NULL FROM t WHERE id = 1;
	SELECT ba_append(a, ARRAY[5]::int4[]) IS NOT NULL FROM t WHERE id = 5;
	SELECT ba_get(a, 10), ba_sum(a) FROM t WHERE id = 1;
	SELECT ba_slice(a, 1, 4) FROM t WHERE id = 5}),
	"t\nt\n2|15000000000\n{7,-8,2147483647,5}", 'the promoted standby writes the arrays');

$standby->stop;
$primary->stop;
done_testing();
