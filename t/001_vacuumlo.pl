# vacuumlo deletes every large object no column of type oid or lo refers
# to.  The oid column of bigarray_objects is what keeps it away from live
# arrays: after vacuumlo, every array in a table is intact; a plain orphaned
# large object is still deleted.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('vacuumlo');
$node->init;
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION bigarray;
	CREATE TABLE t (id int, a bigarray);
	INSERT INTO t SELECT g, ba_fill(bigarray_create('float8', 100000), g)
	FROM generate_series(1, 3) g;
	SELECT lo_create(0);
});

my $sums = q{SELECT string_agg(ba_sum(a)::text, ',' ORDER BY id) FROM t};
is($node->safe_psql('postgres', $sums), '100000,200000,300000',
	'arrays before vacuumlo');
is($node->safe_psql('postgres', 'SELECT count(*) FROM pg_largeobject_metadata'),
	'4', 'three arrays and one orphan');

$node->command_ok(
	[ 'vacuumlo', '-v', '-h', $node->host, '-p', $node->port, 'postgres' ],
	'vacuumlo runs');

is($node->safe_psql('postgres', 'SELECT count(*) FROM pg_largeobject_metadata'),
	'3', 'vacuumlo deleted the orphan only');
is($node->safe_psql('postgres', $sums), '100000,200000,300000',
	'arrays intact after vacuumlo');

$node->stop;
done_testing();
