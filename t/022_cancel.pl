# A long bigarray scan (ba_sum) and a long fill stop soon after a cancel:
# pg_cancel_backend() from another session and statement_timeout each end
# them within 100 ms; the session then works as before and the array is
# unchanged (same md5 of its bytes, same sum).
#
# The array (128 MiB of random float8, which the large object cannot
# compress) is 16 times the 8MB cache, so the scan loads every page from
# the large object and the fill writes dirty pages out early: the cancel
# lands in the middle of loads and write-backs.  Latencies come from the
# server log (log_line_prefix %m: milliseconds): for a cancel, from the
# canceller's clock_timestamp() just before pg_cancel_backend() to the
# ERROR's log line; for a timeout, from the statement's log line to the
# ERROR's, less the timeout.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $max_ms = 100;
my $block = 1 << 20;      # float8 per 8 MiB block
my $nblocks = 16;

my $node = PostgreSQL::Test::Cluster->new('cancel');
$node->init;
$node->start;
# one random 8 MiB block written 16 times: every 2 KiB chunk is incompressible
$node->safe_psql('postgres', qq{
	CREATE EXTENSION bigarray;
	CREATE TABLE t (a bigarray);
	INSERT INTO t SELECT bigarray_create('float8', $block * $nblocks);
	SELECT count(ba_set_slice(a, (j - 1) * $block + 1, r))
	FROM t, (SELECT ARRAY(SELECT random() FROM generate_series(1, $block)) r) s,
		generate_series(1, $nblocks) j;
});
my $checksum = q{SELECT md5(ba_to_bytea(a)) || ' ' || ba_sum(a) FROM t};
my $before = $node->safe_psql('postgres', $checksum);

# The long statements: each would run for many seconds.  The scan is
# repeated so that it outlasts any wait before the cancel; every pass
# loads the whole array through the small cache.
my %statements = (
	scan => 'SELECT sum(ba_sum(a)) FROM t, generate_series(1, 50)',
	fill => 'SELECT count(ba_fill(a, g)) FROM t, generate_series(1, 50) g',
);

my $s = $node->background_psql('postgres', on_error_stop => 0);
$s->query_safe(q{SET bigarray.cache_size = '8MB'});
my $pid = $s->query_safe('SELECT pg_backend_pid()');

# Start a statement in the session without waiting for it to end.
sub start_statement
{
	my ($sql) = @_;
	$s->query_until(qr/started/, "\\echo started\n$sql;\n");
	# wait until the backend runs it, and a little more, to be mid-scan
	$node->poll_query_until('postgres', qq{
		SELECT state = 'active' AND query LIKE 'SELECT %'
		FROM pg_stat_activity WHERE pid = $pid}) or die 'statement did not start';
	$node->safe_psql('postgres', 'SELECT pg_sleep(0.5)');
}

# Wait for the statement's error; return the session's error text.
sub finish_statement
{
	my ($out, $err) = $s->query('SELECT 1');
	my $stderr = $s->{stderr};
	$s->{stderr} = '';      # BackgroundPsql keeps stderr across queries
	is($out, '1', 'the session answers after the error');
	return $stderr;
}

# The last log line of this backend matching $re, after byte $offset:
# its timestamp as text.
sub log_time
{
	my ($re, $offset) = @_;
	my $log = slurp_file($node->logfile, $offset);
	my @ts = $log =~ /^(\S+ \S+ \S+) \[$pid\] (?:\S+ )?$re/mg;
	die "no log line for $re" unless @ts;
	return $ts[-1];
}

sub ms_between
{
	my ($from, $to) = @_;
	return $node->safe_psql('postgres',
		"SELECT round(extract(epoch FROM '$to'::timestamptz - '$from'::timestamptz) * 1000)");
}

sub still_usable
{
	my ($what) = @_;
	$s->query_safe('BEGIN');
	$s->query_safe('SELECT ba_set(a, 1, 0) IS NOT NULL FROM t');
	is($s->query_safe('SELECT ba_get(a, 1) FROM t'), '0',
		"$what: the session can still write");
	$s->query_safe('ROLLBACK');
	is($node->safe_psql('postgres', $checksum), $before,
		"$what: the array is unchanged");
}

for my $kind (sort keys %statements)
{
	# pg_cancel_backend from another session
	my $offset = -s $node->logfile;
	start_statement($statements{$kind});
	my $sent = $node->safe_psql('postgres',
		"SELECT clock_timestamp(), pg_cancel_backend($pid)");
	$sent =~ s/\|t$// or die "pg_cancel_backend failed: $sent";
	like(finish_statement(), qr/canceling statement due to user request/,
		"$kind: canceled");
	my $ms = ms_between($sent,
		log_time('ERROR:  canceling statement due to user request', $offset));
	cmp_ok($ms, '<=', $max_ms, "$kind: ended $ms ms after pg_cancel_backend");
	still_usable("$kind after cancel");

	# statement_timeout
	$offset = -s $node->logfile;
	$s->query_safe(q{SET statement_timeout = '1s'});
	$s->query_until(qr/started/, "\\echo started\n$statements{$kind};\n");
	like(finish_statement(), qr/canceling statement due to statement timeout/,
		"$kind: timed out");
	$s->query_safe('RESET statement_timeout');
	my $began = log_time('LOG:  statement: ' . quotemeta($statements{$kind}), $offset);
	my $ended = log_time('ERROR:  canceling statement due to statement timeout', $offset);
	$ms = ms_between($began, $ended) - 1000;
	cmp_ok($ms, '<=', $max_ms, "$kind: ended $ms ms after statement_timeout");
	still_usable("$kind after timeout");
}

$s->quit;
$node->stop;
done_testing();
