# bigarray_dist: 1 router + 3 data nodes (unix sockets only).  Arrays by
# key land on the node hashtext(key) picks and answer every operation from
# there; an array 3x one node's quota is split over the three nodes, which
# one node alone refuses (53400), and every operation on it (get, set,
# slice and fill across node boundaries, sum/min/max/mean/dot on all nodes)
# matches a float8[] reference on the router.  A data node killed mid-way
# gives 08006 naming it; a write across nodes then is kept on the nodes
# before it in per-node mode and on none in two-phase mode; bad_recover
# settles prepared writes a router crash left behind.  A role needs USAGE
# on the cluster and, on the nodes, the tables' and each array's privileges.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $cap = 1048576;                  # bytes each node accepts
my ($rows, $cols) = (3072, 128);    # 3 MiB of float8: 3x one node's cap
my $size = $rows * $cols;

my @nodes;
for my $k (0 .. 2)
{
	my $node = PostgreSQL::Test::Cluster->new("data$k");
	$node->init;
	$node->append_conf('postgresql.conf', "max_prepared_transactions = 10\n");
	$node->start;
	$node->safe_psql('postgres', "CREATE DATABASE d$k");
	$node->safe_psql("d$k", 'CREATE EXTENSION bigarray_dist_node CASCADE');
	push @nodes, $node;
}

my $router = PostgreSQL::Test::Cluster->new('router');
$router->init;
$router->start;
my $options = join ', ', map { "p$_ '" . $nodes[$_]->connstr("d$_") =~ s/'//gr . "'" } 0 .. 2;
$router->safe_psql('postgres', qq{
	CREATE EXTENSION bigarray_dist CASCADE;
	CREATE SERVER dc FOREIGN DATA WRAPPER plproxy OPTIONS (modular_mapping '1', $options);
	CREATE USER MAPPING FOR PUBLIC SERVER dc;
	CREATE SERVER solo FOREIGN DATA WRAPPER plproxy OPTIONS (p0 '@{[ $nodes[0]->connstr('d0') =~ s/'//gr ]}');
	CREATE USER MAPPING FOR PUBLIC SERVER solo;
	-- outcome(query): 'ok', or SQLSTATE: message of the error it raised
	CREATE FUNCTION outcome(query text) RETURNS text LANGUAGE plpgsql AS \$\$
	BEGIN
		EXECUTE query;
		RETURN 'ok';
	EXCEPTION WHEN OTHERS THEN
		RETURN SQLSTATE || ': ' || SQLERRM;
	END \$\$;
	-- the reference: element i of every test array
	CREATE FUNCTION val(i int8) RETURNS float8 LANGUAGE sql IMMUTABLE
		AS 'SELECT ((i * 7919) % 2003 - 1001)::float8';
	CREATE TABLE ref (name text PRIMARY KEY, v float8[]);
});
sub rq { $router->safe_psql('postgres', "SET search_path = public, bigarray_dist; $_[0]") }

# ---- arrays by key ----------------------------------------------------------

rq(q{
	SELECT bad_keyed_create('dc', 'sensor' || k, 'float8', ARRAY[1000]) FROM generate_series(1, 30) k;
	SELECT bad_keyed_set_slice('dc', 'sensor' || k, 1, ARRAY(SELECT val(g) + k FROM generate_series(1, 1000) g))
	FROM generate_series(1, 30) k;
	INSERT INTO ref SELECT 'sensor' || k, ARRAY(SELECT val(g) + k FROM generate_series(1, 1000) g)
	FROM generate_series(1, 30) k;
});
my @held = map { $nodes[$_]->safe_psql("d$_", 'SELECT count(*) FROM bigarray_dist_node.keyed') } 0 .. 2;
is($held[0] + $held[1] + $held[2], 30, '30 keyed arrays, each stored on one node');
ok(!(grep { $_ == 0 } @held), "every node holds some of them (@held)");
is($nodes[0]->safe_psql('d0', q{SELECT string_agg(key, ',' ORDER BY key) FROM bigarray_dist_node.keyed}),
	rq(q{SELECT string_agg(r.name, ',' ORDER BY r.name) FROM ref r WHERE abs(hashtext(r.name) % 3) = 0}),
	'node 0 holds exactly the keys whose hashtext is 0 mod 3');
rq(q{
	SELECT bad_keyed_set('dc', 'sensor7', 500, 0.25);
	UPDATE ref SET v[500] = 0.25 WHERE name = 'sensor7';
	SELECT bad_keyed_fill('dc', 'sensor8', -2, 10, 20);
	UPDATE ref SET v[10:20] = array_fill(-2::float8, ARRAY[11]) WHERE name = 'sensor8';
	SELECT bad_keyed_fill('dc', 'sensor9', 3);
	UPDATE ref SET v = array_fill(3::float8, ARRAY[1000]) WHERE name = 'sensor9';
});
is(rq(q{
	SELECT count(*) FILTER (WHERE
		bad_keyed_get('dc', r.name, 500) = r.v[500]
		AND bad_keyed_slice('dc', r.name, 1, 1000) = r.v
		AND bad_keyed_slice('dc', r.name, 5, 25) = r.v[5:25]
		AND bad_keyed_size('dc', r.name) = 1000
		AND bad_keyed_sum('dc', r.name) = (SELECT sum(x) FROM unnest(r.v) x)
		AND bad_keyed_min('dc', r.name) = (SELECT min(x) FROM unnest(r.v) x)
		AND bad_keyed_max('dc', r.name) = (SELECT max(x) FROM unnest(r.v) x)
		AND bad_keyed_mean('dc', r.name) = (SELECT avg(x) FROM unnest(r.v) x))
	FROM ref r}), '30', 'get, slice, size, sum, min, max, mean of every keyed array match the reference');
# a node's error keeps its SQLSTATE; PL/Proxy names the node in the message
like(rq(q{SELECT outcome($$SELECT bigarray_dist.bad_keyed_get('dc', 'nosuch', 1)$$)}),
	qr/^42704: bigarray_dist.node_keyed_get\(3\): \[d\d\] REMOTE ERROR: bigarray_dist: no array with key "nosuch"$/,
	'a missing key gives 42704 from its node');
is(rq(q{SELECT outcome($$SELECT bigarray_dist.bad_keyed_get('dc', 'sensor1', 1001)$$)}) =~ s/:.*//r,
	'2202E', 'an index out of range gives 2202E from the node');
is(rq(q{SELECT outcome($$SELECT bigarray_dist.bad_keyed_get('nocluster', 'sensor1', 1)$$)}),
	'42704: bigarray_dist: no PL/Proxy cluster "nocluster"', 'an unknown cluster gives 42704');
rq(q{SELECT bad_keyed_drop('dc', 'sensor' || k) FROM generate_series(1, 30) k; DELETE FROM ref});
is(join(',', map { $nodes[$_]->safe_psql("d$_", 'SELECT count(*) FROM bigarray_dist_node.keyed') } 0 .. 2),
	'0,0,0', 'bad_keyed_drop removed every keyed array');

# ---- one array bigger than a node -------------------------------------------------

$nodes[$_]->safe_psql("d$_", "INSERT INTO bigarray_dist_node.quota VALUES ($cap)") for 0 .. 2;
like(rq(qq{SELECT outcome(\$\$SELECT bigarray_dist.bad_create('whole', 'solo', 'float8', '{$rows,$cols}')\$\$)}),
	qr/^53400: .*\[d0\] REMOTE ERROR: bigarray_dist: node quota exceeded$/, 'one node alone refuses the array (53400)');
rq(qq{
	SELECT bad_create('a', 'dc', 'float8', '{$rows,$cols}');
	SELECT bad_set_slice('a', 1, ARRAY(SELECT val(g) FROM generate_series(1, $size) g));
	INSERT INTO ref SELECT 'a', ARRAY(SELECT val(g) FROM generate_series(1, $size) g);
});
is(join(',', map { $nodes[$_]->safe_psql("d$_", 'SELECT bigarray_dist_node.used_bytes()') } 0 .. 2),
	"$cap,$cap,$cap", 'split over three nodes, the array fills each node to its cap');
like(rq(q{SELECT outcome($$SELECT bigarray_dist.bad_keyed_create('dc', 'more', 'int2', '{1}')$$)}),
	qr/^53400: .* REMOTE ERROR: bigarray_dist: node quota exceeded$/, 'a full node takes nothing more');

# check_array(name, label): slices, gets and reductions of a split array
# against its reference row
sub check_array
{
	my ($name, $label) = @_;
	my $lo_hi = join ',', map { "($_->[0], $_->[1])" } (
		[ 1, 1 ], [ 1, 10 ], [ 131070, 131080 ],    # across node 0 | node 1
		[ 262140, 262150 ], [ 100000, 300000 ],     # across 1 | 2; across all three
		[ $size - 5, $size ], [ 7, 6 ]);            # the end; empty
	is(rq(qq{
		SELECT count(*) FILTER (WHERE bigarray_dist.bad_slice('$name', lo, hi) = (SELECT r.v[lo:hi] FROM ref r WHERE r.name = '$name'))
			|| '/' || count(*)
		FROM (VALUES $lo_hi) s(lo, hi)}), '7/7', "$label: slices within and across nodes match");
	is(rq(qq{
		SELECT count(*) FILTER (WHERE bigarray_dist.bad_get('$name', i) = (SELECT r.v[i] FROM ref r WHERE r.name = '$name'))
		FROM (SELECT (g * 104729) % $size + 1 AS i FROM generate_series(1, 40) g
			UNION ALL VALUES (1), (131072), (131073), (262144), (262145), ($size)) s}),
		'46', "$label: gets on every node and at the boundaries match");
	is(rq(qq{
		SELECT bigarray_dist.bad_sum('$name') = sum(x) AND bigarray_dist.bad_min('$name') = min(x)
			AND bigarray_dist.bad_max('$name') = max(x) AND bigarray_dist.bad_mean('$name') = avg(x)
		FROM ref r, unnest(r.v) x WHERE r.name = '$name'}), 't', "$label: sum, min, max, mean match");
}
check_array('a', 'loaded');

rq(q{
	SELECT bad_set('a', 131072, 1e6), bad_set('a', 131073, -1e6);
	UPDATE ref SET v[131072] = 1e6, v[131073] = -1e6 WHERE name = 'a';
	SELECT bad_fill('a', 0.5, 262000, 262300);
	UPDATE ref SET v[262000:262300] = array_fill(0.5::float8, ARRAY[301]) WHERE name = 'a';
	SELECT bad_set_slice('a', 131000, ARRAY(SELECT -g::float8 FROM generate_series(1, 200) g));
	UPDATE ref SET v[131000:131199] = ARRAY(SELECT -g::float8 FROM generate_series(1, 200) g) WHERE name = 'a';
});
check_array('a', 'after set, fill and set_slice across boundaries');
is(rq(q{SELECT outcome($$SELECT bigarray_dist.bad_get('a', 0)$$) || ' | ' ||
	outcome($$SELECT bigarray_dist.bad_slice('a', 393000, 393300)$$) || ' | ' ||
	outcome($$SELECT bigarray_dist.bad_get('b', 1)$$)}),
	'2202E: bigarray_dist: index 0 is outside 1..393216 of array "a" | '
	. '2202E: bigarray_dist: range 393000..393300 is outside 1..393216 of array "a" | '
	. '42704: bigarray_dist: no distributed array "b"', 'out of range: 2202E; unknown array: 42704');

# more room: a second array split alike (two-phase) and one in many blocks
$nodes[$_]->safe_psql("d$_", 'UPDATE bigarray_dist_node.quota SET max_bytes = 4 * max_bytes') for 0 .. 2;
rq(qq{
	SELECT bad_create('b', 'dc', 'float8', '{$rows,$cols}', two_phase => true);
	SELECT bad_set_slice('b', 1, ARRAY(SELECT val(g + 17) FROM generate_series(1, $size) g));
	INSERT INTO ref SELECT 'b', ARRAY(SELECT val(g + 17) FROM generate_series(1, $size) g);
	SELECT bad_create('c', 'dc', 'float8', '{$size}', block_rows => 10000);
	SELECT bad_set_slice('c', 1, ARRAY(SELECT val(g + 5) FROM generate_series(1, $size) g));
	INSERT INTO ref SELECT 'c', ARRAY(SELECT val(g + 5) FROM generate_series(1, $size) g);
});
check_array('b', 'two-phase array');
check_array('c', 'array in 40 blocks of 10000');
is(rq(q{SELECT bad_dot('a', 'b') = (SELECT sum(x * y) FROM ref ra, ref rb, unnest(ra.v, rb.v) u(x, y)
	WHERE ra.name = 'a' AND rb.name = 'b')}), 't', 'dot of two arrays split alike matches');
is(rq(q{SELECT outcome($$SELECT bigarray_dist.bad_dot('a', 'c')$$)}),
	'2202E: bigarray_dist: arrays "a" and "c" are not split alike', 'dot of arrays split otherwise: 2202E');

# ---- a data node fails ----------------------------------------------------------------

$nodes[1]->stop('immediate');
is(rq(q{SELECT outcome($$SELECT bigarray_dist.bad_sum('a')$$)}) =~ s/unreachable.*/unreachable/sr,
	'08006: bigarray_dist: data node "d1" of cluster "dc" is unreachable',
	'a reduction with a node down: 08006 naming the node');
is(rq(q{SELECT outcome($$SELECT bigarray_dist.bad_get('a', 200000)$$)}) =~ s/unreachable.*/unreachable/sr,
	'08006: bigarray_dist: data node "d1" of cluster "dc" is unreachable', 'a read on the node that is down: 08006');
is(rq(q{SELECT bad_get('a', 5) = (SELECT v[5] FROM ref WHERE name = 'a')}), 't',
	'a read on a node that is up still works');
# a write across all three nodes, in each mode: node 0 first, then node 1
is(rq(q{SELECT outcome($$SELECT bigarray_dist.bad_fill('a', 42, 131000, 262200)$$)}) =~ s/:.*//sr, '08006',
	'per-node write across the failed node fails');
is(rq(q{SELECT outcome($$SELECT bigarray_dist.bad_fill('b', 42, 131000, 262200)$$)}) =~ s/:.*//sr, '08001',
	'two-phase write across the failed node fails (the connection to it cannot be made)');
$nodes[1]->start;
# 131072 is node 0's last element; 131073 (node 1) keeps set_slice's -74
is(rq(q{SELECT bad_slice('a', 131070, 131073)}), '{42,42,42,-74}',
	'per-node mode: the part on the node before the failed one kept the write');
is(rq(q{SELECT bad_slice('b', 131070, 131073) = (SELECT v[131070:131073] FROM ref WHERE name = 'b')
	AND bad_slice('b', 262199, 262201) = (SELECT v[262199:262201] FROM ref WHERE name = 'b')}), 't',
	'two-phase mode: no node kept any part of the write');
rq(q{UPDATE ref SET v[131000:131072] = array_fill(42::float8, ARRAY[73]) WHERE name = 'a'});
check_array('a', 'after the failure, per-node array');
check_array('b', 'after the failure, two-phase array');

# ---- two-phase recovery after a router crash -------------------------------------------
# As a router that died in the commit phase leaves it: write X prepared on
# nodes 0 and 1 and committed on node 0 only; write Y prepared on node 2,
# committed nowhere.
for my $k (0, 1)
{
	$nodes[$k]->safe_psql("d$k", qq{
		BEGIN;
		SELECT bigarray_dist_node.part_set_slice('b', 1, ARRAY[-7]);
		SELECT bigarray_dist_node.note_committed('bigarray_dist:x');
		PREPARE TRANSACTION 'bigarray_dist:x/$k';});
}
$nodes[0]->safe_psql('d0', q{COMMIT PREPARED 'bigarray_dist:x/0'});
$nodes[2]->safe_psql('d2', q{
	BEGIN;
	SELECT bigarray_dist_node.part_set_slice('b', 1, ARRAY[-9]);
	SELECT bigarray_dist_node.note_committed('bigarray_dist:y');
	PREPARE TRANSACTION 'bigarray_dist:y/2';});
is(rq(q{SELECT bad_get('b', 1) || ',' || bad_get('b', 131073) || ',' || bad_get('b', 262145)}),
	rq(q{SELECT '-7,' || v[131073] || ',' || v[262145] FROM ref WHERE name = 'b'}),
	'before recovery: the half-committed write shows on node 0 only');
is(rq(q{SELECT bad_recover('dc')}), '2', 'bad_recover settles both writes');
is(rq(q{SELECT bad_get('b', 1) || ',' || bad_get('b', 131073) || ',' || bad_get('b', 262145)}),
	rq(q{SELECT '-7,-7,' || v[262145] FROM ref WHERE name = 'b'}),
	'after: committed on every node it was prepared on, or rolled back everywhere');
is(join(',', map { $nodes[$_]->safe_psql("d$_", 'SELECT count(*) FROM pg_prepared_xacts') } 0 .. 2),
	'0,0,0', 'no prepared transaction left');

# ---- least privilege: the nodes decide, as the calling role ----------------------

$_->safe_psql('postgres', 'CREATE ROLE app LOGIN') for ($router, @nodes);
sub as_app
{
	$router->safe_psql('postgres', "SET search_path = public, bigarray_dist; $_[0]",
		extra_params => [ '-U', 'app' ]);
}
my $create = q{SELECT outcome($$SELECT bigarray_dist.bad_keyed_create('dc', 'mine', 'float8', '{10}')$$)};
is(as_app($create), '42501: permission denied for foreign server dc',
	'without USAGE on the cluster a role cannot call through it');
$router->safe_psql('postgres', 'GRANT USAGE ON FOREIGN SERVER dc TO app');
like(as_app($create), qr/^42501: .* REMOTE ERROR: permission denied for table keyed$/,
	'with it, the node still refuses a role it granted nothing');
# the grants the README gives (the quota reads parts too)
$nodes[$_]->safe_psql("d$_", 'GRANT SELECT, INSERT, DELETE ON bigarray_dist_node.keyed,
	bigarray_dist_node.parts, bigarray_dist_node.committed TO app') for 0 .. 2;
is(as_app($create), 'ok', 'granted the tables, the role creates an array');
is(as_app(q{SELECT bad_keyed_sum('dc', 'mine')}), '0', 'and reads it');
rq(q{SELECT bad_keyed_create('dc', 'theirs', 'float8', '{10}')});
like(as_app(q{SELECT outcome($$SELECT bigarray_dist.bad_keyed_get('dc', 'theirs', 1)$$)}),
	qr/^42501: .* REMOTE ERROR: permission denied for large object \d+$/,
	'but not an array another role owns');
like(as_app(q{SELECT outcome($$SELECT bigarray_dist.bad_keyed_drop('dc', 'theirs')$$)}), qr/^42501: /,
	'nor drop it');
rq(q{SELECT bad_keyed_drop('dc', 'theirs')});
as_app(q{SELECT bad_keyed_drop('dc', 'mine')});

rq(q{SELECT bad_drop('a'), bad_drop('b'), bad_drop('c')});
is(join(',', map { $nodes[$_]->safe_psql("d$_", 'SELECT count(*) FROM bigarray_dist_node.parts') } 0 .. 2)
	. ';' . rq('SELECT count(*) FROM bigarray_dist.arrays'), '0,0,0;0', 'bad_drop removes every part and the catalog rows');

$_->stop for (@nodes, $router);
done_testing();
