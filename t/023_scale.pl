# An array much bigger than the page cache, scanned and rewritten in one
# transaction with bigarray.cache_size = 64MB: the results are right (sums
# known in closed form) and the backend's memory stays bounded, whatever
# the array's size: the cache's own peak at most cache_size, the backend's
# private memory (RssAnon, read before COMMIT) at most 64MB, and its peak
# RSS (VmHWM) at most the cache + the server's shared memory (shared_buffers
# and the rest, shared_memory_size) + 64MB.  Dirty pages beyond
# half the cache must be written into the large object early and evicted,
# clean ones reclaimed, all inside the transaction.
#
# Default size 512 MiB (four times the memory bound); BIGARRAY_SCALE_GB
# sets another, e.g. BIGARRAY_SCALE_GB=4 for the 4 GiB run (see README).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $gib = $ENV{BIGARRAY_SCALE_GB} // 0.5;
my $block = 1 << 20;                        # elements per block: 8 MiB
my $nblocks = int($gib * (1 << 30) / 8 / $block);
die "BIGARRAY_SCALE_GB=$gib is under one block" if $nblocks < 1;
my $n = $nblocks * $block;
my $cache_mb = 64;
diag(sprintf("scale: %d float8 (%.2f GiB) in blocks of %d, cache %dMB",
	$n, $n * 8 / (1 << 30), $block, $cache_mb));

my $node = PostgreSQL::Test::Cluster->new('scale');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION bigarray;
	CREATE TABLE big (a bigarray);
});

# Block j (1-based) holds the value j*k after a fill with j and a scale by
# k.  Each block sum is then $block*j*k and the whole sum
# $block*k*nblocks*(nblocks+1)/2: integers or halves below 2^53, exact in
# float8 whatever the order of the additions.
sub expected_sum
{
	my ($k) = @_;
	return $block * $k * $nblocks * ($nblocks + 1) / 2;
}

# every block, by its min and max: a page put back at the wrong place or
# lost shows as a block whose extremes are not its own value
my $blocks_wrong = qq{
	SELECT count(*) FROM big, generate_series(1, $nblocks) j
	WHERE ba_min(a, (j - 1) * $block + 1, j * $block) IS DISTINCT FROM j * :k
	   OR ba_max(a, (j - 1) * $block + 1, j * $block) IS DISTINCT FROM j * :k};

sub blocks_wrong
{
	my ($k) = @_;
	(my $q = $blocks_wrong) =~ s/:k/${k}::float8/g;
	return $q;
}

my $shared_memory = $node->safe_psql('postgres',
	q{SELECT pg_size_bytes(current_setting('shared_memory_size'))});
my $rss_bound = ($cache_mb << 20) + $shared_memory + (64 << 20);
my $private_bound = 64 << 20;

# A session whose backend's memory we read from /proc.
sub session
{
	my $s = $node->background_psql('postgres');
	$s->set_query_timer_restart;
	$s->query_safe("SET bigarray.cache_size = '${cache_mb}MB'");
	my $pid = $s->query_safe('SELECT pg_backend_pid()');
	return ($s, $pid);
}

sub proc_status_bytes
{
	my ($pid, $field) = @_;
	my $status = slurp_file("/proc/$pid/status");
	$status =~ /^$field:\s+(\d+) kB/m or die "no $field for $pid";
	return $1 * 1024;
}

# Before COMMIT, while the transaction's own memory is still allocated.
sub private_memory_bounded
{
	my ($pid, $what) = @_;
	my $anon = proc_status_bytes($pid, 'RssAnon');
	cmp_ok($anon, '<=', $private_bound,
		sprintf("%s: backend RssAnon %.0f MB <= 64 MB", $what, $anon / 2**20));
}

# At the end: the peaks.
sub peak_memory_bounded
{
	my ($s, $pid, $what) = @_;
	my $peak = $s->query_safe('SELECT peak_bytes FROM bigarray_cache_stats()');
	cmp_ok($peak, '<=', $cache_mb << 20, "$what: cache peak $peak bytes <= cache_size");
	my $hwm = proc_status_bytes($pid, 'VmHWM');
	cmp_ok($hwm, '<=', $rss_bound,
		sprintf("%s: backend VmHWM %.0f MB <= %.0f MB (cache + shared memory + 64MB)",
			$what, $hwm / 2**20, $rss_bound / 2**20));
}

# 1. One transaction creates the array, fills it block by block, scans it,
#    scales it (rewriting every page), scans again, commits.
my ($s, $pid) = session();
my $t0 = time;
$s->query_safe('BEGIN');
$s->query_safe(qq{INSERT INTO big SELECT bigarray_create('float8', $n)});
$s->query_safe(qq{SELECT count(ba_fill(a, j, (j - 1) * $block + 1, j * $block))
	FROM big, generate_series(1, $nblocks) j});
is($s->query_safe('SELECT ba_sum(a) FROM big'), expected_sum(1),
	'sum after the fill');
$s->query_safe('SELECT ba_scale(a, 0.5) IS NOT NULL FROM big');
is($s->query_safe('SELECT ba_sum(a) FROM big'), expected_sum(0.5),
	'sum after ba_scale, same transaction');
is($s->query_safe(blocks_wrong(0.5)), 0, 'every block holds its value');
private_memory_bounded($pid, 'create, fill, scale');
$s->query_safe('COMMIT');
my $t1 = time;
peak_memory_bounded($s, $pid, 'create, fill, scale');
$s->quit;

# 2. A new backend (nothing cached): scan the committed array and rewrite
#    it in one transaction.
($s, $pid) = session();
$s->query_safe('BEGIN');
is($s->query_safe('SELECT ba_sum(a) FROM big'), expected_sum(0.5),
	'sum read back in a new session');
$s->query_safe('SELECT ba_scale(a, -4) IS NOT NULL FROM big');
is($s->query_safe('SELECT ba_sum(a) FROM big'), expected_sum(-2),
	'sum after the second scale');
private_memory_bounded($pid, 'scan and rewrite');
$s->query_safe('COMMIT');
my $t2 = time;
peak_memory_bounded($s, $pid, 'scan and rewrite');
$s->quit;

# 3. What was committed, read by another new backend.
($s, $pid) = session();
is($s->query_safe(blocks_wrong(-2)), 0, 'every block committed with its value');
is($s->query_safe('SELECT ba_sum(a) FROM big'), expected_sum(-2),
	'committed sum');
private_memory_bounded($pid, 'read back');
peak_memory_bounded($s, $pid, 'read back');
$s->quit;
diag(sprintf("scale: write transaction %.1f s, rewrite %.1f s, read back %.1f s",
	$t1 - $t0, $t2 - $t1, time - $t2));

$node->stop;
done_testing();
