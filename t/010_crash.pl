# Crashes: what is committed survives, what is not leaves no trace.
#  - committed changes (elements, fills, shape changes, pages written early
#    under a small bigarray.cache_size) are all there after an immediate
#    shutdown and crash recovery, byte for byte;
#  - a backend killed with SIGKILL in a transaction holding dirty pages, and
#    one killed after it wrote pages early into the large object, leave
#    nothing of that transaction behind;
#  - a backend killed during COMMIT's write-back leaves all of its changes or
#    none, as its transaction's fate (txid_status) says, never part.
# Every other array is checked intact after each crash, and the only backends
# that died of a signal are the three this test killed.
use strict;
use warnings;
use Digest::MD5 qw(md5_hex);
use Time::HiRes qw(time);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('crash');
$node->init;
# the test cluster defaults to off; the kills below rely on the postmaster
# reinitializing by itself, as a production server does.  No autovacuum:
# fate() needs the xids after a restart to be taken only by this test.
$node->append_conf('postgresql.conf', "restart_after_crash = on\nautovacuum = off");
$node->start;

# The committed arrays and their expected contents, worked out here from
# how they were written: id => [shape, md5 of the little-endian elements].
my $n1 = 300_000;
my %expect = (
	1 => [ "{$n1}", md5_hex(pack('d<*', 1 .. 6, -7.5, 8 .. $n1)) ],
	2 => [
		'{1000}',
		md5_hex(pack('q<*', 0, 9007199254740993, (0) x 997, -9223372036854775808))
	],
	3 => [ '{101,50}', md5_hex(pack('s<*', (3) x 5000, (5) x 50)) ],
	4 => [ '{400}', md5_hex(pack('f<*', (2) x 400)) ],
	5 => [ '{10000000}', md5_hex(pack('l<*', (4) x 9_999_999, -1)) ],
);

$node->safe_psql('postgres', qq{
	CREATE EXTENSION bigarray;
	CREATE TABLE t (id int PRIMARY KEY, a bigarray);
	INSERT INTO t VALUES
		(1, bigarray_create('float8', $n1)),
		(2, bigarray_create('int8', 1000)),
		(3, ba_fill(bigarray_create('int2', 100, 50), 3)),
		(4, ba_fill(bigarray_create('float4', 1000), 2));
	SELECT ba_set_slice(a, 1, ARRAY(SELECT g::float8 FROM generate_series(1, $n1) g))
		IS NOT NULL FROM t WHERE id = 1;
});
# each in its own transaction: several commits to recover
$node->safe_psql('postgres', $_) for (
	q{SELECT ba_set(a, 7, -7.5) FROM t WHERE id = 1},
	q{SELECT ba_set(a, 2, 9007199254740993::int8), ba_set(a, 1000, '-9223372036854775808'::int8) FROM t WHERE id = 2},
	q{SELECT ba_append(a, array_fill(5::int2, ARRAY[50])) FROM t WHERE id = 3},
	q{SELECT ba_resize(a, 400) FROM t WHERE id = 4},
	# 40 MB of dirty pages against 4 MB allowed: most are written early
	q{SET bigarray.cache_size = '8MB';
	  INSERT INTO t SELECT 5, ba_fill(bigarray_create('int4', 10000000), 4)},
	q{SELECT ba_set(a, 10000000, -1) FROM t WHERE id = 5});

my $contents_query = q{
	SELECT string_agg(format('%s:%s:%s', id, ba_shape(a), md5(ba_to_bytea(a))), ' ' ORDER BY id)
	FROM t WHERE id <= 5};
my $expected = join ' ', map { "$_:$expect{$_}[0]:$expect{$_}[1]" } sort keys %expect;
is($node->safe_psql('postgres', $contents_query), $expected,
	'contents before the crash as written');

# ---- committed changes survive an immediate shutdown -------------------

my $log_offset = -s $node->logfile;
$node->stop('immediate');
$node->start;
ok($node->log_contains(qr/redo starts at/, $log_offset),
	'the restart ran crash recovery');
is($node->safe_psql('postgres', $contents_query), $expected,
	'every committed change is there after crash recovery');
is($node->safe_psql('postgres', q{
	SELECT ba_sum(a), ba_get(a, 7) FROM t WHERE id = 1;
	SELECT ba_get_int8(a, 2), ba_get_int8(a, 1000) FROM t WHERE id = 2;
	SELECT ba_shape(a), ba_sum(a) FROM t WHERE id = 3;
	SELECT ba_sum(a), ba_get(a, 9999999), ba_get(a, 10000000) FROM t WHERE id = 5}),
	# 300000 * 300001 / 2 - 7 - 7.5; 5000 * 3 + 50 * 5; 9999999 * 4 - 1
	"45000149985.5|-7.5\n9007199254740993|-9223372036854775808\n"
	  . "{101,50}|15250\n39999995|4|-1",
	'sums and chosen elements after crash recovery');

# ---- a backend killed with SIGKILL --------------------------------------

my $signals_sent = 0;

# Kill the session's backend and wait until the postmaster has restarted.
# An idle psql notices the lost connection only at its next command.
sub kill_backend
{
	my ($session, $pid, $what, $idle) = @_;
	my $offset = -s $node->logfile;
	kill 'KILL', $pid or die "could not kill backend $pid: $!";
	$signals_sent++;
	$node->wait_for_log(qr/all server processes terminated; reinitializing/, $offset);
	$session->{stdin} .= "SELECT 1;\n" if $idle;
	ok( pump_until(
			$session->{run}, $session->{timeout}, \$session->{stderr},
			qr/server closed the connection unexpectedly|connection to server was lost/),
		"$what: its session lost the connection");
	$session->{run}->finish;
	ok($node->poll_query_until('postgres', 'SELECT 1', '1'),
		"$what: the server accepts connections again");
	return;
}

# The fate of a killed transaction.  If none of its WAL reached the disk
# before the crash, recovery does not know its xid ("in the future"): it
# aborted too.  Nothing has taken an xid since the restart that could be
# the killed one's.
sub fate
{
	my ($xid) = @_;
	return $node->safe_psql('postgres', qq{
		SELECT CASE WHEN $xid >= pg_snapshot_xmax(pg_current_snapshot())::text::int8
			THEN 'aborted' ELSE txid_status($xid) END});
}

# Dirty pages only in the backend's memory, a new array, a dropped array.
my $s = $node->background_psql('postgres', on_error_stop => 0);
my $pid = $s->query_safe('SELECT pg_backend_pid()');
my $xid = $s->query_safe(q{
	BEGIN;
	SELECT ba_fill(a, 99) IS NOT NULL FROM t WHERE id = 1;
	SELECT ba_set(a, 2, 1::int8) IS NOT NULL FROM t WHERE id = 2;
	SELECT ba_resize(a, 1000) IS NOT NULL FROM t WHERE id = 3;
	SELECT ba_drop(a) FROM t WHERE id = 4;
	INSERT INTO t VALUES (9, ba_fill(bigarray_create('int4', 5000), 1));
	SELECT txid_current();
});
$xid = (split /\n/, $xid)[-1];
my $new_loid = $s->query_safe('SELECT ba_oid(a) FROM t WHERE id = 9');
is($s->query_safe(q{SELECT sum(dirty_pages) > 0 FROM bigarray_cache_stats()}), 't',
	'the transaction holds dirty pages');
kill_backend($s, $pid, 'killed with dirty pages', 1);
is(fate($xid), 'aborted',
	'its transaction aborted');
is($node->safe_psql('postgres', $contents_query), $expected,
	'nothing of it is visible, every array intact');
is($node->safe_psql('postgres', qq{SELECT
	(SELECT count(*) FROM t WHERE id = 9),
	(SELECT count(*) FROM pg_largeobject_metadata WHERE oid = $new_loid),
	(SELECT count(*) FROM bigarray_objects WHERE loid = $new_loid)}),
	'0|0|0', 'the array it created does not exist');

# Pages written early into the large object inside the transaction.
$s = $node->background_psql('postgres', on_error_stop => 0);
$pid = $s->query_safe('SELECT pg_backend_pid()');
my $wal = $s->query_safe(q{
	SET bigarray.cache_size = '8MB';
	SELECT pg_current_wal_insert_lsn() AS lsn \gset
	BEGIN;
	SELECT ba_fill(a, 8) IS NOT NULL FROM t WHERE id = 5;
	SELECT txid_current();
	SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), :'lsn');
});
(undef, $xid, $wal) = split /\n/, $wal;
# a fill of 4 compresses in pg_largeobject, so even 40 MB of pages are only
# some MB of WAL; without early writes there would be next to none
cmp_ok($wal, '>', 1_000_000, 'pages were written into the large object early');
kill_backend($s, $pid, 'killed after early writes', 1);
is(fate($xid), 'aborted',
	'its transaction aborted');
is($node->safe_psql('postgres', $contents_query), $expected,
	'nothing of it is visible, every array intact');

# ---- a backend killed during the write-back at COMMIT --------------------

# 40 M float8 (320 MB) of dirty pages in a large cache, so that nothing is
# written before COMMIT and the write-back takes a while; a small array is
# written in the same transaction, before the big one.
my $nbig = 40_000_000;
$node->safe_psql('postgres', qq{
	INSERT INTO t VALUES (6, bigarray_create('float8', $nbig)),
		(7, ba_fill(bigarray_create('int4', 1000), 1));
});
$s = $node->background_psql('postgres', on_error_stop => 0);
$pid = $s->query_safe('SELECT pg_backend_pid()');
$xid = $s->query_safe(q{
	SET bigarray.cache_size = '1GB';
	BEGIN;
	SELECT ba_fill(a, 2) IS NOT NULL FROM t WHERE id = 7;
	SELECT ba_fill(a, 7) IS NOT NULL FROM t WHERE id = 6;
	SELECT txid_current();
});
$xid = (split /\n/, $xid)[-1];
my $lsn = $node->safe_psql('postgres', 'SELECT pg_current_wal_insert_lsn()');
$s->{stdin} .= "COMMIT;\n";
$s->{run}->pump_nb;

# Kill once the write-back has produced some WAL (a fraction of what it
# will produce) while the COMMIT is still running.
my $monitor = $node->background_psql('postgres');
my $state = '';
my $deadline = time + $PostgreSQL::Test::Utils::timeout_default;
while (time < $deadline)
{
	$s->{run}->pump_nb;
	$state = $monitor->query_safe(qq{
		SELECT CASE WHEN state <> 'active' THEN 'finished'
			WHEN pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '$lsn') > 2000000 THEN 'writing'
			ELSE 'starting' END
		FROM pg_stat_activity WHERE pid = $pid});
	last if $state ne 'starting';
}
$monitor->quit;
is($state, 'writing', 'the kill comes during the write-back');
kill_backend($s, $pid, 'killed during COMMIT');

my $fate = fate($xid);
note "the transaction killed during COMMIT: $fate";
my ($v6, $v7) = $fate eq 'committed' ? (7, 2) : (0, 1);
is($node->safe_psql('postgres', q{
	SELECT ba_min(a), ba_max(a), ba_sum(a) FROM t WHERE id IN (6, 7) ORDER BY id}),
	"$v6|$v6|" . $v6 * $nbig . "\n$v7|$v7|" . $v7 * 1000,
	"all of its changes or none, as its transaction $fate");
is($node->safe_psql('postgres', $contents_query), $expected,
	'every other array intact');

# after all this the arrays are writable and read back what was written
is($node->safe_psql('postgres', q{
	SELECT ba_set(a, 3, 30) IS NOT NULL FROM t WHERE id = 1;
	SELECT ba_fill(a, 6::int8) IS NOT NULL FROM t WHERE id = 5;
	SELECT ba_get(a, 3) FROM t WHERE id = 1;
	SELECT ba_sum(a) FROM t WHERE id = 5}),
	"t\nt\n30\n60000000", 'the arrays are writable after the crashes');

# the only backends that died of a signal are the ones killed here
my @signals = slurp_file($node->logfile) =~ /terminated by signal (\d+)/g;
is(join(',', @signals), join(',', (9) x $signals_sent),
	'no backend died of a signal it was not sent');

$node->stop;
done_testing();
