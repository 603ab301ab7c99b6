# PREPARE TRANSACTION carries bigarray changes: they are written into the
# large object at PREPARE, COMMIT PREPARED makes them visible and ROLLBACK
# PREPARED undoes them, also in the session that prepared (which must not
# serve pages from before either outcome).  Until the outcome, the array's
# writers wait for the prepared transaction.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('prepared');
$node->init;
$node->append_conf('postgresql.conf', 'max_prepared_transactions = 10');
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION bigarray;
	CREATE TABLE t (a bigarray);
	INSERT INTO t SELECT ba_fill(bigarray_create('float8', 100000), 1);
});

# one session: prepare, read (old contents), commit prepared, read again
my $out = $node->safe_psql('postgres', q{
	BEGIN;
	SELECT ba_set(a, 10, 5) IS NOT NULL FROM t;
	SELECT ba_resize(a, 100001) IS NOT NULL FROM t;
	PREPARE TRANSACTION 'p1';
	SELECT ba_get(a, 10), ba_size(a) FROM t;
	COMMIT PREPARED 'p1';
	SELECT ba_get(a, 10), ba_size(a), ba_sum(a) FROM t;
});
is($out, "t\nt\n1|100000\n5|100001|100004", 'COMMIT PREPARED keeps the changes');

$out = $node->safe_psql('postgres', q{
	SELECT ba_get(a, 10) FROM t;
	BEGIN;
	SELECT ba_set(a, 10, 7) IS NOT NULL FROM t;
	PREPARE TRANSACTION 'p2';
	ROLLBACK PREPARED 'p2';
	SELECT ba_get(a, 10), ba_sum(a) FROM t;
});
is($out, "5\nt\n5|100004", 'ROLLBACK PREPARED undoes them');

# a writer in another session waits for the prepared transaction
$node->safe_psql('postgres', q{
	BEGIN;
	SELECT ba_set(a, 11, 9) FROM t;
	PREPARE TRANSACTION 'p3';
});
$node->psql('postgres', q{SET statement_timeout = '300ms'; SELECT ba_set(a, 12, 9) FROM t},
	stderr => \my $stderr);
like($stderr, qr/statement timeout/, 'a writer waits for the prepared transaction');
$node->safe_psql('postgres', q{COMMIT PREPARED 'p3'});
is($node->safe_psql('postgres', q{SELECT ba_set(a, 12, 9) IS NOT NULL FROM t;
	SELECT ba_get(a, 11), ba_get(a, 12), ba_sum(a) FROM t}),
	"t\n9|9|100020", 'then proceeds on the committed contents');

$node->stop;
done_testing();
