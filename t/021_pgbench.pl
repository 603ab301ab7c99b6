# pgbench: 8 clients for a bounded time (PGBENCH_SECONDS, default 15) read
# and write three shared arrays at random indexes in READ COMMITTED.  No
# transaction may fail (writers queue on each array's lock: no
# serialization failure, no "tuple concurrently updated"), and the final
# contents are exactly what the committed transactions wrote:
#   - counters (arrays 1 and 2, float8): each transaction adds 1 to one
#     element and logs (array, index) in incr_log; at the end every element
#     equals the number of its log rows;
#   - last writer wins (array 3, int8 beyond 2^53): each transaction sets one
#     element and logs (seq, index, value); seq is drawn under the array's
#     lock, so for each index the highest seq is the last committed write;
#   - readers check, in one snapshot, that a counter array's sum equals its
#     log rows (RC: one statement; RR: two statements), and record any
#     difference in anomalies, which must stay empty.
# An increment takes the array's write lock first (ba_fill of an empty
# range), then reads: a read in the statement that takes the lock would
# use the snapshot from before the wait, as SELECT-then-UPDATE does.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $seconds = $ENV{PGBENCH_SECONDS} // 15;
my $counters = 200000;    # float8: 25 pages of 64 kB
my $writes = 100000;      # int8: 13 pages

my $node = PostgreSQL::Test::Cluster->new('pgbench');
$node->init;
$node->start;
$node->safe_psql('postgres', qq{
	CREATE EXTENSION bigarray;
	CREATE TABLE arrays (id int PRIMARY KEY, a bigarray);
	INSERT INTO arrays VALUES (1, bigarray_create('float8', $counters)),
		(2, bigarray_create('float8', $counters)),
		(3, bigarray_create('int8', $writes));
	CREATE TABLE incr_log (id int, i int8);
	CREATE TABLE writes_log (seq bigserial, i int8, v int8);
	CREATE TABLE anomalies (id int, array_sum float8, log_rows int8, isolation text);
});

my %scripts = (
	increment => qq{
\\set k random(1, 2)
\\set i random(1, $counters)
BEGIN;
SELECT ba_fill(a, 0, 1, 0) IS NOT NULL FROM arrays WHERE id = :k;
SELECT ba_set(a, :i, ba_get(a, :i) + 1) IS NOT NULL FROM arrays WHERE id = :k;
INSERT INTO incr_log VALUES (:k, :i);
COMMIT;
},
	last_write => qq{
\\set i random(1, $writes)
\\set v random(9007199254740993, 9000000000000000000) * (random(0, 1) * 2 - 1)
BEGIN;
SELECT ba_set(a, :i, :v::int8) IS NOT NULL FROM arrays WHERE id = 3;
INSERT INTO writes_log (i, v) VALUES (:i, :v);
COMMIT;
},
	read_rc => qq{
\\set k random(1, 2)
\\set j random(1, $counters)
SELECT ba_get(a, :j), ba_slice(a, greatest(:j - 10000, 1), :j) IS NOT NULL FROM arrays WHERE id = :k;
INSERT INTO anomalies SELECT :k, s, c, 'read committed'
FROM (SELECT ba_sum(a) s FROM arrays WHERE id = :k) x,
	(SELECT count(*) c FROM incr_log WHERE id = :k) y
WHERE s <> c;
},
	read_rr => qq{
\\set k random(1, 2)
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT ba_sum(a) AS s FROM arrays WHERE id = :k \\gset
INSERT INTO anomalies SELECT :k, :s, count(*), 'repeatable read'
FROM incr_log WHERE id = :k HAVING count(*) <> :s;
COMMIT;
},
);
my %weights = (increment => 4, last_write => 2, read_rc => 3, read_rr => 1);

my @script_args;
for my $name (sort keys %scripts)
{
	my $file = "$PostgreSQL::Test::Utils::tmp_check/$name.sql";
	open my $fh, '>', $file or die "$file: $!";
	print $fh $scripts{$name};
	close $fh;
	push @script_args, '-f', "$file\@$weights{$name}";
}

my ($stdout, $stderr) = run_command([
	'pgbench', '-n', '-c', '8', '-j', '2', '-T', $seconds,
	'-h', $node->host, '-p', $node->port, @script_args, 'postgres' ]);
note "pgbench output:\n$stdout\n$stderr";

my ($processed) = $stdout =~ /number of transactions actually processed: (\d+)/;
my ($failed) = $stdout =~ /number of failed transactions: (\d+)/;
ok(defined $processed && $processed >= 100,
	"pgbench ran: " . ($processed // 'no') . " transactions in $seconds s");
is($failed, '0', 'no failed transaction');
unlike($stderr, qr/aborted|ERROR/, 'no client aborted, no error');

my $q = sub { $node->safe_psql('postgres', shift) };
cmp_ok($q->('SELECT count(*) FROM incr_log'), '>', 0, 'increments committed');
cmp_ok($q->('SELECT count(*) FROM writes_log'), '>', 0, 'writes committed');

# every element of each counter array equals its committed increments
for my $k (1, 2)
{
	is($q->(qq{
		SELECT count(*) FROM (
			SELECT u.i, u.v, coalesce(l.n, 0) AS n
			FROM arrays, unnest(ba_slice(a, 1, $counters)) WITH ORDINALITY AS u(v, i)
			LEFT JOIN (SELECT i, count(*) AS n FROM incr_log WHERE id = $k GROUP BY i) l
				ON l.i = u.i
			WHERE arrays.id = $k) x
		WHERE v <> n}), '0', "array $k: every element counts its committed increments");
	is($q->("SELECT ba_sum(a) = (SELECT count(*) FROM incr_log WHERE id = $k) FROM arrays WHERE id = $k"),
		't', "array $k: sum equals the committed increments");
}

# every element of the int8 array is its last committed write, or 0
is($q->(qq{
	SELECT count(*) FROM (
		SELECT u.v, coalesce(w.v, 0) AS expected
		FROM arrays, unnest(ba_slice_int8(a, 1, $writes)) WITH ORDINALITY AS u(v, i)
		LEFT JOIN (SELECT DISTINCT ON (i) i, v FROM writes_log ORDER BY i, seq DESC) w
			ON w.i = u.i
		WHERE arrays.id = 3) x
	WHERE v <> expected}), '0', 'array 3: every element is its last committed write');

is($q->(q{SELECT count(*) || ' ' || coalesce(string_agg(DISTINCT isolation, ','), '') FROM anomalies}),
	'0 ', 'readers always saw sum = committed increments');

$node->stop;
done_testing();
