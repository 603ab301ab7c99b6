# Differential test: a long random sequence of set, set_slice, fill,
# append, resize, add, scale, SAVEPOINT, ROLLBACK TO, RELEASE, COMMIT and
# ROLLBACK is applied, statement by statement in one session, to a bigarray
# and to a reference: a native array of the same dtype in a table row,
# ref(v dtype[]), changed with plain SQL in the same transactions, so that
# PostgreSQL's own transaction semantics, array operations and casts define
# the expected contents.  They are compared after every COMMIT and ROLLBACK
# (sometimes from a new backend, so the pages come from the large object)
# and at random points inside transactions.
#
# Every dtype runs twice: with 64 kB pages and the default cache, and with
# 4 kB pages, an 8MB cache and a 12 MiB "ballast" array refilled inside the
# transactions, so that dirty pages are written out early and evicted while
# savepoints are open.  Array sizes span several pages and ranges often
# straddle page boundaries.  Values stay within each dtype's range (a bound
# on |v| is tracked), and are chosen to exercise the conversion rules: int8
# beyond 2^53 through the exact int8 paths, halves rounding to even when a
# float goes into an integer dtype, float8 rounded into float4.
#
# A fixed seed runs every time; then a random one (printed; DIFF_SEED and
# DIFF_STEPS repeat or lengthen a run, e.g. DIFF_STEPS=2000 for a long one).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $fixed_seed = 20261126;
my $fixed_steps = 200;
my $random_seed = $ENV{DIFF_SEED} // (time() * 1000 + $$) % 2**31;
my $random_steps = $ENV{DIFF_STEPS} // 60;

my %elsize = (float8 => 8, float4 => 4, int8 => 8, int4 => 4, int2 => 2);
# |v| a dtype can take, with a margin for float rounding near the limit
my %limit = (
	float8 => 1e300, float4 => 1e37, int8 => 9.2e18,
	int4 => 2147483000, int2 => 32000);
my $ballast_elems = 1572864;    # 12 MiB of float8

my $node = PostgreSQL::Test::Cluster->new('differential');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION bigarray');

# ---- the random program ---------------------------------------------------

my ($dtype, $perpage, $ballast);    # of the run being generated
my @sql;                            # its statements
my %st;                             # model: n (size), m (bound on |v|), p (net scale)
my @saved;                          # model at each open savepoint (1-based)
my $in_tx;
my $nchecks;
my $nballast;

sub emit { push @sql, @_ }
sub pick { $_[ int(rand(@_)) ] }
sub irand { my ($lo, $hi) = @_; return $lo + int(rand($hi - $lo + 1)) }
sub integer_dtype { $dtype =~ /^int/ }

# A value for a set or fill: (SQL literal, its magnitude).  For int8 the
# literal is an int8 (the exact overload) unless it has a fraction.
sub value
{
	my $r = rand;
	if (integer_dtype())
	{
		my $max = $limit{$dtype} / 4;
		if ($r < 0.2)
		{
			# a half: rounds to even on the float8 path
			my $v = irand(-1000, 1000) + 0.5;
			return ("$v\::float8", abs($v) + 1);
		}
		# integer arithmetic (1 << 31, not 2**31): exact beyond 2^53
		my $v = $dtype eq 'int8'
		  ? (irand(0, (1 << 31) - 1) * (1 << 31) + irand(0, (1 << 31) - 1)) * pick(1, -1)
		  : irand(-$max, $max);
		$v = irand(-100, 100) if $r < 0.4;
		return ($dtype eq 'int8' ? "$v\::int8" : "$v\::float8", abs($v));
	}
	return ('0::float8', 0) if $r < 0.1;
	my $v = $r < 0.4 ? irand(-1e6, 1e6) : sprintf('%.17g', (rand(2) - 1) * 10**irand(-3, 6));
	return ("'$v'::float8", abs($v));
}

# $len elements, element g (from 0) given by an expression in g, of a
# source type that may differ from the dtype: (the native array, the
# element expression, a bound on |element|).
sub source_array
{
	my ($len) = @_;
	my ($expr, $type, $mag);
	my ($c1, $c2, $mod) = (irand(1, 997), irand(0, 10**6), irand(2, 2000));
	my $kind = pick('int4', 'float8', 'halves', 'same', 'int8big');
	$kind = 'same' if $kind eq 'int8big' && $dtype ne 'int8';
	if ($kind eq 'int8big')
	{
		my $base = irand(0, (1 << 31) - 1) * (1 << 31);
		($expr, $type, $mag) = ("$base\::int8 + g * $c1", 'int8', $base + $len * $c1);
	}
	elsif ($kind eq 'halves')
	{
		($expr, $type, $mag) = ("((g * $c1 + $c2) % $mod - $mod / 2) * 0.5", 'float8', $mod);
	}
	else
	{
		$type = $kind eq 'same' ? $dtype : $kind;
		($expr, $mag) = ("(g * $c1 + $c2) % $mod - $mod / 2", $mod);
	}
	return ("ARRAY(SELECT ($expr)::$type FROM generate_series(0, $len - 1) g)",
		"($expr)::$type", $mag);
}

# A range lo..hi within 1..n, often straddling a page boundary.
sub range
{
	my ($maxlen) = @_;
	my $n = $st{n};
	my $len = irand(1, $maxlen < $n ? $maxlen : $n);
	my $lo;
	if ($n > $perpage && rand() < 0.6)
	{
		my $boundary = $perpage * irand(1, int(($n - 1) / $perpage));
		$lo = $boundary - irand(0, $len - 1) + 1;
		$lo = 1 if $lo < 1;
	}
	else
	{
		$lo = irand(1, $n - $len + 1);
	}
	my $hi = $lo + $len - 1;
	$hi = $n if $hi > $n;
	return ($lo, $hi);
}

sub fits { my ($m) = @_; return $m < $limit{$dtype} / 2 }

# $x as the dtype: a cast from float8 arithmetic, none for float8
sub as_dtype { my ($x) = @_; return $dtype eq 'float8' ? $x : "($x)::$dtype" }

# The reference's v := f(x) or f(x, y) for every element x of v and y of
# the native array $other.
sub elementwise
{
	my ($f, $other) = @_;
	my ($args, $cols) = defined $other ? ("v, $other", 'x, y, o') : ('v', 'x, o');
	return "UPDATE ref SET v = ARRAY(SELECT $f FROM unnest($args) WITH ORDINALITY AS u($cols) ORDER BY o);";
}

sub op_set
{
	return unless $st{n};
	my ($v, $mag) = value();
	my $i = irand(1, $st{n});
	emit("SELECT ba_set(a, $i, $v) IS NOT NULL FROM arr;",
		"UPDATE ref SET v[$i] = ($v)::$dtype;");
	$st{m} = $mag if $mag > $st{m};
}

sub op_set_slice
{
	return unless $st{n};
	my ($lo, $hi) = range(2 * $perpage);
	my ($array, $elem, $mag) = source_array($hi - $lo + 1);
	emit("SELECT ba_set_slice(a, $lo, $array) IS NOT NULL FROM arr;",
		"UPDATE ref SET v[$lo:$hi] = ARRAY(SELECT ($elem)::$dtype FROM generate_series(0, $hi - $lo) g);");
	$st{m} = $mag if $mag > $st{m};
}

sub op_fill
{
	my ($v, $mag) = value();
	if ($st{n} && rand() < 0.7)
	{
		my ($lo, $hi) = range(3 * $perpage);
		($lo, $hi) = ($hi, $lo) if rand() < 0.05;    # empty range
		emit("SELECT ba_fill(a, $v, $lo, $hi) IS NOT NULL FROM arr;");
		emit("UPDATE ref SET v[$lo:$hi] = array_fill(($v)::$dtype, ARRAY[$hi - $lo + 1]);")
		  if $lo <= $hi;
	}
	else
	{
		emit("SELECT ba_fill(a, $v) IS NOT NULL FROM arr;",
			"UPDATE ref SET v = array_fill(($v)::$dtype, ARRAY[$st{n}]);");
		%st = (%st, m => $mag, p => 1);    # every value replaced
		return;
	}
	$st{m} = $mag if $mag > $st{m};
}

sub op_append
{
	my $len = irand(0, $perpage + 100);
	return if $st{n} + $len > 5 * $perpage;
	my ($array, $elem, $mag) = source_array($len);
	emit("SELECT ba_append(a, $array) IS NOT NULL FROM arr;",
		"UPDATE ref SET v = v || ARRAY(SELECT ($elem)::$dtype FROM generate_series(0, $len - 1) g);");
	$st{n} += $len;
	$st{m} = $mag if $mag > $st{m};
}

sub op_resize
{
	my $n = rand() < 0.05 ? 0 : irand(1, 5 * $perpage);
	emit("SELECT ba_resize(a, $n) IS NOT NULL FROM arr;",
		$n < $st{n} ? "UPDATE ref SET v = v[1:$n];"
		: "UPDATE ref SET v = v || array_fill(0::$dtype, ARRAY[$n - $st{n}]);");
	$st{n} = $n;
}

sub op_add
{
	return unless $st{n};
	if (rand() < 0.2)
	{
		return unless fits(2 * $st{m});
		emit("SELECT ba_add(a, a) IS NOT NULL FROM arr;",
			elementwise($dtype eq 'int8' ? 'x + x' : as_dtype('x::float8 + x::float8')));
		$st{m} *= 2;
		return;
	}
	my ($array, $elem, $mag) = source_array($st{n});
	return unless fits($st{m} + $mag);
	(my $b = $elem) =~ s/\bg\b/(g - 1)/g;
	my $exact = $dtype eq 'int8' && $b =~ /::int[248]\s*$/;
	emit("INSERT INTO addend SELECT bigarray_from($array);",
		"SELECT ba_add(a, b) IS NOT NULL FROM arr, addend;",
		"SELECT ba_drop(b) FROM addend;",
		"DELETE FROM addend;",
		elementwise($exact ? 'x + y::int8' : as_dtype('x::float8 + y::float8'),
			"ARRAY(SELECT $b FROM generate_series(1, $st{n}) g)"));
	$st{m} += $mag;
}

sub op_scale
{
	my $k = pick(2, -1, 0.5, -0.5, 1.5, 0.25, 3, -2, 0, 1);
	return if abs($k) > 1 && (!fits($st{m} * abs($k) + 1) || $st{p} > 2**20);
	return if abs($k) < 1 && $k != 0 && $st{p} < 2**-20;
	emit("SELECT ba_scale(a, $k) IS NOT NULL FROM arr;",
		elementwise(as_dtype("x::float8 * ${k}::float8")));
	$st{m} = $st{m} * abs($k) + 1;
	$st{p} *= abs($k) if $k != 0;
}

sub op_ballast
{
	my $v = irand(-1e6, 1e6);
	$nballast++;
	emit("SELECT ba_fill(b, $v) IS NOT NULL FROM ballast;",
		"UPDATE ballast SET v = $v;",
		"SELECT 'peak|' || peak_bytes FROM bigarray_cache_stats();");
}

sub check
{
	my ($where) = @_;
	$nchecks++;
	emit("SELECT 'chk|' || \$\$$where\$\$ || '|' || diff_check();");
}

sub op_savepoint
{
	return if @saved >= 5;
	push @saved, {%st};
	emit('SAVEPOINT sp' . scalar(@saved) . ';');
}

sub op_rollback_to
{
	return unless @saved;
	my $k = irand(1, scalar @saved);
	$#saved = $k - 1;
	%st = %{ $saved[-1] };
	emit("ROLLBACK TO sp$k;");
}

sub op_release
{
	return unless @saved;
	my $k = irand(1, scalar @saved);
	$#saved = $k - 2;
	emit("RELEASE sp$k;");
}

# the model at BEGIN, for ROLLBACK
my %at_begin;

sub end_tx
{
	my ($commit) = @_;
	emit($commit ? 'COMMIT;' : 'ROLLBACK;');
	%st = %at_begin unless $commit;
	@saved = ();
	$in_tx = 0;
	# sometimes a new backend: nothing cached, every page from the large object
	emit('\\c') if rand() < 0.3;
	check($commit ? 'after COMMIT' : 'after ROLLBACK');
}

my @data_ops = (
	[ \&op_set, 25 ], [ \&op_set_slice, 12 ], [ \&op_fill, 10 ],
	[ \&op_append, 6 ], [ \&op_resize, 5 ], [ \&op_add, 8 ], [ \&op_scale, 6 ]);

sub data_op
{
	my @ops = @data_ops;
	push @ops, [ \&op_ballast, 8 ] if $ballast;
	my $total = 0;
	$total += $_->[1] for @ops;
	my $r = rand($total);
	for (@ops)
	{
		return $_->[0]->() if ($r -= $_->[1]) < 0;
	}
}

# The program for one run: SQL text and the number of checks in it.
sub program
{
	my ($steps) = @_;
	@sql = ();
	@saved = ();
	$in_tx = 0;
	$nchecks = 0;
	$nballast = 0;
	my $n = int($perpage * (1.5 + rand(2)));
	%st = (n => $n, m => 0, p => 1);
	emit("CREATE TABLE arr (a bigarray);",
		"INSERT INTO arr SELECT bigarray_create('$dtype', $n);",
		"CREATE TABLE ref (v $dtype\[] NOT NULL);",
		"INSERT INTO ref SELECT array_fill(0::$dtype, ARRAY[$n]);",
		"CREATE TABLE addend (b bigarray);",
		"CREATE TABLE ballast (b bigarray, v float8);");
	emit("INSERT INTO ballast SELECT bigarray_create('float8', $ballast_elems), 0;")
	  if $ballast;
	check('start');
	for my $step (1 .. $steps)
	{
		emit("-- step $step");
		if (!$in_tx)
		{
			if (rand() < 0.15)
			{
				data_op();    # autocommit
				check('after an autocommit statement');
				next;
			}
			emit('BEGIN;');
			$in_tx = 1;
			%at_begin = %st;
		}
		my $r = rand(100);
		if    ($r < 55) { data_op() }
		elsif ($r < 65) { op_savepoint() }
		elsif ($r < 72) { op_rollback_to() }
		elsif ($r < 76) { op_release() }
		elsif ($r < 86) { check("step $step, in a transaction") }
		elsif ($r < 96) { end_tx(1) }
		else            { end_tx(0) }
	}
	end_tx(1) if $in_tx;
	return join("\n", @sql) . "\n";
}

# ---- the comparison, in SQL -----------------------------------------------

# diff_check(): 'ok', or what differs first.  Elements are read with
# ba_slice_int8 for integer dtypes (exact beyond 2^53), else ba_slice
# (float4 widens to float8 exactly); ba_sum of an integer dtype is exact up
# to one rounding, as is the sum of the reference turned into float8.
sub check_function
{
	my ($read, $as) = integer_dtype() ? ('ba_slice_int8', 'int8') : ('ba_slice', 'float8');
	my $sum = integer_dtype()
	  ? q{
	SELECT ba_sum(a), (SELECT coalesce(sum(x), 0)::float8 FROM ref, unnest(v) x)
	INTO s_ba, s_ref FROM arr;
	IF s_ba IS DISTINCT FROM s_ref THEN
		RETURN format('ba_sum %s, reference %s', s_ba, s_ref);
	END IF;} : '';
	return qq{
CREATE FUNCTION diff_check() RETURNS text LANGUAGE plpgsql AS \$\$
DECLARE
	n_ba int8;
	shape_ba int8[];
	n_ref int8;
	s_ba float8;
	s_ref float8;
	bad text;
BEGIN
	SELECT ba_size(a), ba_shape(a) INTO n_ba, shape_ba FROM arr;
	SELECT cardinality(v) INTO n_ref FROM ref;
	IF n_ba <> n_ref OR shape_ba <> ARRAY[n_ref] THEN
		RETURN format('size %s shape %s, reference %s', n_ba, shape_ba, n_ref);
	END IF;
	IF (SELECT $read(a, 1, n_ba) IS DISTINCT FROM v::$as\[] FROM arr, ref) THEN
		SELECT format('element %s: %s, reference %s', o, x, y) INTO bad
		FROM arr, ref, unnest($read(a, 1, n_ba), v::$as\[]) WITH ORDINALITY AS u(x, y, o)
		WHERE x IS DISTINCT FROM y ORDER BY o LIMIT 1;
		RETURN bad;
	END IF;$sum
	IF EXISTS (SELECT FROM ballast WHERE ba_min(b) <> v OR ba_max(b) <> v) THEN
		RETURN 'ballast: ' || (SELECT format('min %s max %s, reference %s', ba_min(b), ba_max(b), v) FROM ballast);
	END IF;
	RETURN 'ok';
END
\$\$;
};
}

# ---- the runs -------------------------------------------------------------

# Each dtype and page size draws its own sequence from the seed.
sub run
{
	my ($seed, $steps, $config, $index) = @_;
	my $small = $config eq '4kB';
	srand($seed + $index);
	$ballast = $small;
	$perpage = ($small ? 4096 : 65536) / $elsize{$dtype};
	my $name = "$dtype, $config pages, seed $seed+$index, $steps steps";
	my $script = check_function() . program($steps);
	my $file = "$PostgreSQL::Test::Utils::tmp_check/differential_${dtype}_${config}_$seed.sql";
	open my $fh, '>', $file or die "$file: $!";
	print $fh $script;
	close $fh;

	local $ENV{PGOPTIONS} = $small
	  ? '-c bigarray.page_size=4kB -c bigarray.cache_size=8MB' : '';
	my $t0 = time;
	my ($ret, $out, $err) = $node->psql('postgres', $script,
		timeout => $PostgreSQL::Test::Utils::timeout_default);
	my @checks = $out =~ /^chk\|(.*)$/mg;
	my @bad = grep { !/\|ok$/ } @checks;
	# a ballast fill must really fill the cache up
	my $filled = grep { $_ >= 8 << 20 } $out =~ /^peak\|(\d+)$/mg;
	my $ok = $ret == 0 && @checks == $nchecks && !@bad && ($filled || !$nballast);
	ok($ok, sprintf("%s: %d comparisons equal%s (%.1f s)", $name, scalar @checks,
		$nballast ? ", cache filled by $nballast ballast fills" : '', time - $t0));
	$node->safe_psql('postgres',
		'DROP TABLE IF EXISTS arr, ref, addend, ballast; DROP FUNCTION IF EXISTS diff_check()');
	return if $ok;
	diag("script: $file");
	diag('the cache never filled up') if $nballast && !$filled;
	diag("psql exit $ret: $err") if $ret;
	if ($err =~ /:(\d+): ERROR/)
	{
		my $line = $1;
		my @lines = split /\n/, $script;
		my ($step) = grep { /^-- step/ } reverse @lines[ 0 .. $line - 1 ];
		diag("at line $line ($step): $lines[$line - 1]");
	}
	diag("differs $_") for @bad[ 0 .. ($#bad < 4 ? $#bad : 4) ];
}

diag("differential: random seed $random_seed, $random_steps steps "
	  . "(DIFF_SEED=$random_seed DIFF_STEPS=$random_steps repeats it)");
my $index = 0;
for my $d (qw(float8 float4 int8 int4 int2))
{
	$dtype = $d;
	for my $config ('64kB', '4kB')
	{
		run($fixed_seed, $fixed_steps, $config, $index);
		run($random_seed, $random_steps, $config, $index);
		$index++;
	}
}

$node->stop;
done_testing();
