# bench/box_reads.pl - box reads (issue 10): a column of a 100,000 x
# 10,000 float8 matrix and a 512 x 512 tile of a 65536 x 65536 float8
# image, read with ba_slice from a bigarray, against the same read from a
# float8[] where one can hold the array (10,000 x 10,000 and 8192 x 8192:
# a float8[] stops at 1 GB), with the pages each bigarray read loaded
# (bigarray_cache_loads()): a box loads only the pages under its rows.
#
# Cold, as in bench.py: a new session (its bigarray page cache empty;
# shared buffers and the OS cache warm).  Times are taken in the server
# (clock_timestamp() around the statement), medians of BOX_BENCH_RUNS runs
# (default 3); results are counted (cardinality) so that no array crosses
# to the client.  The 65536 x 65536 image is 32 GiB of address space; only
# the 512 rows the tile crosses are written (256 MiB), so every page the
# tile loads holds data and the rest reads as zeros if ever read.
#
# Run with the extension installed, through the TAP harness (it makes its
# own throwaway cluster):
#   make installcheck REGRESS= ISOLATION= PROVE_TESTS=bench/box_reads.pl
# BOX_BENCH_QUICK=1 runs it at a tenth of each side, in seconds; the table
# goes to the TAP output and to tmp_check/box_reads.md.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $quick = $ENV{BOX_BENCH_QUICK} // 0;
my $runs = $ENV{BOX_BENCH_RUNS} // 3;
my $f = $quick ? 10 : 1;
my %size = (
	matrix => [ 100000 / $f, 10000 / $f ],
	matrix_native => [ 10000 / $f, 10000 / $f ],
	image => [ int(65536 / $f), int(65536 / $f) ],
	image_native => [ int(8192 / $f), int(8192 / $f) ]);
my $col = 5000 / $f;
my $tile = $quick ? 64 : 512;
my $t0 = int(1001 / $f);    # first row and column of the tile

my $node = PostgreSQL::Test::Cluster->new('box_reads');
$node->init;
$node->append_conf('postgresql.conf',
	"shared_buffers = 1GB\nmax_wal_size = 4GB\ncheckpoint_timeout = 1h\nautovacuum = off");
$node->start;

sub run_sql { my ($sql) = @_; return $node->safe_psql('postgres', $sql, timeout => 3600) }

run_sql(q{CREATE EXTENSION bigarray;
	CREATE TABLE ba (name text PRIMARY KEY, a bigarray);
	CREATE TABLE nat (name text PRIMARY KEY, v float8[]);
	ALTER TABLE nat ALTER v SET STORAGE EXTERNAL;});
for my $name (sort keys %size)
{
	my ($r, $c) = @{ $size{$name} };
	if ($name =~ /native/)
	{
		run_sql("INSERT INTO nat SELECT '$name', array_fill(1.5::float8, ARRAY[$r, $c]);");
		run_sql("INSERT INTO ba SELECT '$name', ba_fill(bigarray_create('float8', $r, $c), 1.5);");
	}
	elsif ($name eq 'image')
	{
		run_sql("INSERT INTO ba SELECT '$name', ba_fill(bigarray_create('float8', $r, $c), 1.5, "
			  . "ARRAY[$t0, 1], ARRAY[$t0 + $tile - 1, $c]);");
	}
	else
	{
		run_sql("INSERT INTO ba SELECT '$name', ba_fill(bigarray_create('float8', $r, $c), 1.5);");
	}
}
run_sql('CHECKPOINT');

# One cold read: seconds in the server, and pages the session loaded.
sub cold
{
	my ($expr, $from) = @_;
	my $out = run_sql(qq{LOAD 'bigarray';
		SELECT extract(epoch FROM clock_timestamp()) AS t0 \\gset
		SELECT cardinality($expr) FROM $from;
		SELECT extract(epoch FROM clock_timestamp()) - :t0, bigarray_cache_loads();});
	my @lines = split /\n/, $out;
	my ($secs, $loads) = split /\|/, $lines[-1];
	return ($secs, $loads, $lines[-2]);
}

sub median { my @s = sort { $a <=> $b } @_; return $s[ int(@s / 2) ] }

my @rows;

sub measure
{
	my ($what, $method, $expr, $from, $count) = @_;
	my (@t, @l);
	for (1 .. $runs)
	{
		my ($secs, $loads, $n) = cold($expr, $from);
		is($n, $count, "$what, $method: $count elements");
		push @t, $secs;
		push @l, $loads;
	}
	push @rows, [ $what, $method, median(@t), median(@l) ];
}

for my $m ('matrix', 'matrix_native')
{
	my ($r, $c) = @{ $size{$m} };
	my $what = "column $col of $r x $c";
	measure($what, 'bigarray', "ba_slice(a, ARRAY[1, $col], ARRAY[$r, $col])",
		"ba WHERE name = '$m'", $r);
	measure($what, 'float8[]', "v[1:$r][$col:$col]", "nat WHERE name = '$m'", $r)
	  if $m =~ /native/;
}
for my $m ('image', 'image_native')
{
	my ($r, $c) = @{ $size{$m} };
	my $what = "$tile x $tile tile of $r x $c";
	my $hi = $t0 + $tile - 1;
	measure($what, 'bigarray', "ba_slice(a, ARRAY[$t0, $t0], ARRAY[$hi, $hi])",
		"ba WHERE name = '$m'", $tile * $tile);
	measure($what, 'float8[]', "v[$t0:$hi][$t0:$hi]", "nat WHERE name = '$m'", $tile * $tile)
	  if $m =~ /native/;
}

my $table = "| box read (float8, cold) | method | time | pages loaded (64 kB) |\n|---|---|---:|---:|\n";
$table .= sprintf("| %s | %s | %.1f ms | %s |\n", $_->[0], $_->[1], $_->[2] * 1000,
	$_->[1] eq 'bigarray' ? $_->[3] : '-') for @rows;
diag("\n$table");
open my $fh, '>', "$PostgreSQL::Test::Utils::tmp_check/box_reads.md" or die $!;
print $fh $table;
close $fh;

$node->stop;
done_testing();
