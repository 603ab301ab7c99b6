# Loading the library at server or session start (_PG_init's cache set-up):
#  - shared_preload_libraries: the postmaster makes no page cache (its
#    children would share one memfd); each backend makes its own;
#  - session_preload_libraries: the cache exists before the session's first
#    statement, with the page size the connection asked for, and a later
#    SET of the page size takes effect at the next transaction;
#  - in both, arrays read and write as usual, and a rolled-back write
#    leaves nothing.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

# The inodes of the page-cache memfds process pid holds open.
sub cache_memfds
{
	my ($pid) = @_;
	my @inodes;
	opendir(my $dir, "/proc/$pid/fd") or die "cannot list /proc/$pid/fd: $!";
	for my $fd (readdir $dir)
	{
		my $target = readlink("/proc/$pid/fd/$fd");
		push @inodes, (stat("/proc/$pid/fd/$fd"))[1]
		  if defined $target && $target =~ /^\/memfd:bigarray-ram/;
	}
	closedir $dir;
	return @inodes;
}

my $node = PostgreSQL::Test::Cluster->new('preload');
$node->init;
$node->append_conf('postgresql.conf', "shared_preload_libraries = 'bigarray'");
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION bigarray;
	CREATE TABLE t (id int PRIMARY KEY, a bigarray);
	INSERT INTO t VALUES (1, ba_fill(bigarray_create('float8', 100000), 2.5));
});

my $postmaster = (split /\n/, slurp_file($node->data_dir . '/postmaster.pid'))[0];
is(scalar(cache_memfds($postmaster)), 0,
	'shared_preload_libraries: the postmaster has no page cache');

my @sessions = map { $node->background_psql('postgres') } 1 .. 2;
my @inodes;
for my $s (@sessions)
{
	my $pid = $s->query_safe('SELECT pg_backend_pid()');
	is($s->query_safe('SELECT ba_sum(a) FROM t WHERE id = 1'), '250000',
		"backend $pid reads the array");
	my @own = cache_memfds($pid);
	is(scalar(@own), 1, "backend $pid has one page cache");
	push @inodes, @own;
}
isnt($inodes[0], $inodes[1], 'the two backends do not share a page cache');
$_->quit for @sessions;

# session_preload_libraries, with the page size set by the connection
$node->append_conf('postgresql.conf', "shared_preload_libraries = ''");
$node->restart;
$ENV{PGOPTIONS} = '-c session_preload_libraries=bigarray -c bigarray.page_size=1MB';
my $s = $node->background_psql('postgres');
my $pid = $s->query_safe('SELECT pg_backend_pid()');
is(scalar(cache_memfds($pid)), 1,
	'session_preload_libraries: the page cache exists before any bigarray call');
is($s->query_safe(q{SELECT ba_get(a, 99999) FROM t WHERE id = 1}), '2.5',
	'a preloaded session reads the array');
is($s->query_safe(q{SELECT bytes / pages FROM bigarray_cache_stats()}), 1048576,
	'its pages have the page size the connection asked for');

$s->query_safe(q{BEGIN; SELECT ba_set(a, 5, 7) FROM t WHERE id = 1; ROLLBACK});
is($s->query_safe(q{SELECT ba_get(a, 5) FROM t WHERE id = 1}), '2.5',
	'a rolled-back write leaves nothing');
$s->query_safe(q{SELECT ba_set(a, 6, 8) FROM t WHERE id = 1});

$s->query_safe(q{SET bigarray.page_size = '64kB'});
is($s->query_safe(q{SELECT ba_get(a, 6) + ba_get(a, 7) FROM t WHERE id = 1}), '10.5',
	'after SET of the page size, the committed write reads back');
is($s->query_safe(q{SELECT bytes / pages FROM bigarray_cache_stats()}), 65536,
	'and the next transaction uses the new page size');
$s->quit;
delete $ENV{PGOPTIONS};

is($node->safe_psql('postgres', q{SELECT ba_get(a, 6) FROM t WHERE id = 1}), '8',
	'another session sees the committed write');

$node->stop;
done_testing();
