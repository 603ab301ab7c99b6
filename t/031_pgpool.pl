# Reads over standbys: pgpool-II in front of a primary and two streaming
# standbys.  bigarray's reading functions (STABLE: pgpool reads their
# volatility from pg_proc) are balanced statement by statement over the
# standbys (each standby's log shows some); writes go to the primary (a
# standby would refuse them with 25006; no standby logs one); and with
# synchronous_commit = remote_apply on both standbys a read through pgpool
# right after a commit sees it (READ COMMITTED freshness), every time.
use strict;
use warnings;
use File::Path qw(make_path);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

my $pgpool_bin = '/usr/sbin/pgpool';
plan skip_all => 'pgpool2 is not installed' unless -x $pgpool_bin;

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->append_conf('postgresql.conf', "log_statement = 'all'\n");
$primary->start;
$primary->safe_psql('postgres', q{
	CREATE EXTENSION bigarray;
	CREATE TABLE series (id int PRIMARY KEY, a bigarray);
	INSERT INTO series VALUES (1, bigarray_from(ARRAY(SELECT g::float8 FROM generate_series(1, 100000) g)));
});
$primary->backup('backup');
my @standbys;
for my $name ('standby1', 'standby2')
{
	my $standby = PostgreSQL::Test::Cluster->new($name);
	$standby->init_from_backup($primary, 'backup', has_streaming => 1);
	$standby->append_conf('postgresql.conf', "log_statement = 'all'\n");
	$standby->start;
	push @standbys, $standby;
}
$primary->wait_for_catchup($_) for @standbys;
# from now on a commit returns once both standbys have applied it
$primary->append_conf('postgresql.conf', qq{
synchronous_standby_names = 'FIRST 2 (standby1, standby2)'
synchronous_commit = remote_apply
});
$primary->reload;

# pgpool: unix sockets only, the primary weighted 0 so reads go to standbys
my $dir = PostgreSQL::Test::Utils::tempdir;
my ($port, $pcp_port) = (PostgreSQL::Test::Cluster::get_free_port(), PostgreSQL::Test::Cluster::get_free_port());
my $backends = '';
for my $k (0 .. 2)
{
	my $node = $k == 0 ? $primary : $standbys[ $k - 1 ];
	$backends .= sprintf("backend_hostname%d = '%s'\nbackend_port%d = %d\nbackend_weight%d = %d\n"
		  . "backend_flag%d = 'DISALLOW_TO_FAILOVER'\nbackend_application_name%d = '%s'\n",
		$k, $node->host, $k, $node->port, $k, $k == 0 ? 0 : 1, $k, $k, $node->name);
}
my $user = getpwuid($<);
append_to_file("$dir/pgpool.conf", qq{
backend_clustering_mode = 'streaming_replication'
listen_addresses = ''
port = $port
socket_dir = '$dir'
pcp_listen_addresses = ''
pcp_port = $pcp_port
pcp_socket_dir = '$dir'
pid_file_name = '$dir/pgpool.pid'
logdir = '$dir'
enable_pool_hba = off
pool_passwd = ''
num_init_children = 4
max_pool = 1
sr_check_period = 0
sr_check_user = '$user'
health_check_period = 0
failover_on_backend_error = off
load_balance_mode = on
statement_level_load_balance = on
$backends});
append_to_file("$dir/pcp.conf", '');
my $pgpool = IPC::Run::start([ $pgpool_bin, '-n', '-D', '-f', "$dir/pgpool.conf", '-F', "$dir/pcp.conf" ],
	'>', "$dir/pgpool.log", '2>&1');

# through(sql): psql through pgpool
sub through
{
	my ($sql) = @_;
	my ($out, $err);
	my $rc = IPC::Run::run([ 'psql', '-XAtq', '-h', $dir, '-p', $port, '-d', 'postgres', '-c', $sql ],
		'>', \$out, '2>', \$err);
	chomp $out;
	return $rc ? $out : "ERROR: $err";
}
my $ready = 0;
for (1 .. 100)
{
	last if ($ready = through('SELECT 1') eq '1');
	usleep(100_000);
}
ok($ready, 'pgpool accepts connections') or BAIL_OUT(slurp_file("$dir/pgpool.log"));

# ---- reads are balanced over the standbys -------------------------------------

my @log_start = map { -s $_->logfile } @standbys;
my $primary_log_start = -s $primary->logfile;
my $all_right = 1;
for my $n (1 .. 30)
{
	$all_right &&= through("SELECT ba_sum(a, 1, $n * 1000) FROM series WHERE id = 1")
	  == ($n * 1000) * ($n * 1000 + 1) / 2;
}
ok($all_right, 'every read through pgpool gives the committed sums');
for my $k (0, 1)
{
	my $log = slurp_file($standbys[$k]->logfile, $log_start[$k]);
	my $seen = () = $log =~ /statement: SELECT ba_sum\(a, 1, \d+ \* 1000\)/g;
	ok($seen > 0, "standby" . ($k + 1) . " ran some of the reads ($seen of 30)");
}
unlike(slurp_file($primary->logfile, $primary_log_start), qr/SELECT ba_sum\(a, 1, \d+ \* 1000\)/,
	'the primary (weight 0) ran none of them');

# ---- writes go to the primary, and reads after a commit see it ---------------------

@log_start = map { -s $_->logfile } @standbys;
$primary_log_start = -s $primary->logfile;
my @stale;
for my $n (1 .. 20)
{
	my $written = through("SELECT ba_set(a, 77, $n) IS NOT NULL FROM series WHERE id = 1");
	push @stale, "write $n: $written" unless $written eq 't';
	# a new statement, a new transaction: balanced to a standby again
	my $read = through('SELECT ba_get(a, 77) FROM series WHERE id = 1');
	push @stale, "read after write $n: $read" unless $read eq $n;
}
is(join('; ', @stale), '', 'each write succeeded, and the read right after its commit saw it');
like(slurp_file($primary->logfile, $primary_log_start), qr/statement: SELECT ba_set\(a, 77, 20\)/,
	'the writes ran on the primary');
for my $k (0, 1)
{
	my $log = slurp_file($standbys[$k]->logfile, $log_start[$k]);
	unlike($log, qr/ba_set/, "standby" . ($k + 1) . " was sent no write");
	like($log, qr/statement: SELECT ba_get\(a, 77\)/, "standby" . ($k + 1) . " served reads after commits");
}

# fast shutdown by signal: "pgpool stop" would wait on the exited pgpool,
# which stays a zombie until this harness reaps it
$pgpool->signal('INT');
$pgpool->finish;
$_->stop for (@standbys, $primary);
done_testing();
