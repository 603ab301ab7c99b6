# Differential test: long random sequences of changes to a bigarray are
# applied, in the same statements and transactions, to a reference: a
# native array of the same dtype in a table row, ref(v dtype[]), changed
# with plain SQL, so that PostgreSQL's own transaction semantics, array
# operations and casts define the expected contents.  diff_check() compares
# the two as the calling session sees them.
#
# The array also changes shape (ba_reshape, kept in ref.shape) between 1,
# 2 and 3 dimensions, and is then written by n-d index and box (ba_set,
# ba_set_slice, ba_fill, ba_set_bytea of another box's ba_to_bytea, and
# subscript assignment), the reference changing the same elements by their
# flat positions; checks also compare box reads (ba_slice, subscripts) and
# box and axis reductions with the reference's aggregates.
#
# Two sessions work on them.  Session 1 runs transactions of set,
# set_slice, fill, append, resize, add and scale, with SAVEPOINT, ROLLBACK
# TO and RELEASE, and ends them with COMMIT, ROLLBACK, or PREPARE
# TRANSACTION and then COMMIT or ROLLBACK PREPARED.  Inside them it also
# drops the array (ba_drop, or bigarray_gc after deleting its row) in a
# savepoint or a PL/pgSQL block that is rolled back, runs writes that end in
# an ERROR in the middle of a statement (caught by a PL/pgSQL exception
# block, or aborting the transaction or savepoint), and writes that a
# statement_timeout cancels.  Session 2 reads at any point (it must see
# what was committed: its snapshot shows it the committed reference), and
# writes between session 1's transactions, so that each session's cached
# pages must follow the other's commits.  Sessions sometimes reconnect, so
# that pages come from the large object.
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
# Fixed cases run first: the programs of seeds that once failed, kept in
# t/data/ as the SQL the generator of their day wrote (a generator change
# would not draw them again), and a fixed seed of today's generator.  Then
# a random seed (printed; DIFF_SEED and DIFF_STEPS repeat or lengthen a run,
# e.g. DIFF_STEPS=2000; DIFF_SECONDS=N keeps drawing fresh seeds for N
# seconds, for a soak).
use strict;
use warnings;
use File::Basename qw(basename);
use FindBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $fixed_seed = 20261201;
my $fixed_steps = 150;
my $random_seed = $ENV{DIFF_SEED} // (time() * 1000 + $$) % 2**31;
my $random_steps = $ENV{DIFF_STEPS} // 60;
my $soak_seconds = $ENV{DIFF_SECONDS} // 0;

my %elsize = (float8 => 8, float4 => 4, int8 => 8, int4 => 4, int2 => 2);
# |v| a dtype can take, with a margin for float rounding near the limit
my %limit = (
	float8 => 1e300, float4 => 1e37, int8 => 9.2e18,
	int4 => 2147483000, int2 => 32000);
my $ballast_elems = 1572864;    # 12 MiB of float8

my $node = PostgreSQL::Test::Cluster->new('differential');
$node->init;
$node->append_conf('postgresql.conf', 'max_prepared_transactions = 4');
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION bigarray');

# ---- the random program ---------------------------------------------------

my ($dtype, $perpage, $ballast);    # of the run being generated
my @prog;                           # its items: [session, kind, sql]
our $session;                       # the session emit() writes for
my %st;                             # model: n (size), m (bound on |v|), p (net scale),
                                    # shape (dimensions, comma-separated)
my @saved;                          # model at each open savepoint (1-based)
my $in_tx;                          # session 1 is in a transaction
my $nchecks;
my $nballast;

# Items: 'do' must succeed, 'fail' must raise an ERROR, 'check' must
# report 'ok', 'reconnect' starts a new backend for the session.
sub emit { push @prog, [ $session, 'do', $_ ] for @_ }
sub emit_failing { push @prog, [ $session, 'fail', $_[0] ] }
sub reconnect { push @prog, [ $session, 'reconnect', '' ] }

sub check
{
	my ($where) = @_;
	$nchecks++;
	push @prog, [ $session, 'check',
		"SELECT 'chk|' || \$\$$where\$\$ || '|' || diff_check();" ];
	stats_check($where) if rand() < 0.5;
}

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
	flatten();
	emit("SELECT ba_append(a, $array) IS NOT NULL FROM arr;",
		"UPDATE ref SET v = v || ARRAY(SELECT ($elem)::$dtype FROM generate_series(0, $len - 1) g);");
	$st{n} += $len;
	$st{m} = $mag if $mag > $st{m};
	set_shape($st{n});
}

sub op_resize
{
	my $n = rand() < 0.05 ? 0 : irand(1, 5 * $perpage);
	flatten();
	emit("SELECT ba_resize(a, $n) IS NOT NULL FROM arr;",
		$n < $st{n} ? "UPDATE ref SET v = v[1:$n];"
		: "UPDATE ref SET v = v || array_fill(0::$dtype, ARRAY[$n - $st{n}]);");
	$st{n} = $n;
	set_shape($n);
}

# ---- n-d: shapes, boxes and their reference by flat position ----

sub dims { return split /,/, $st{shape} }

sub set_shape
{
	my $shape = join ',', @_;
	return if $shape eq $st{shape};
	$st{shape} = $shape;
	emit("UPDATE ref SET shape = '{$shape}';");
}

# ba_append and ba_resize change n-D arrays by whole rows: go to 1-D first
sub flatten
{
	return if $st{shape} eq "$st{n}";
	emit("SELECT ba_reshape(a, $st{n}) IS NOT NULL FROM arr;");
	set_shape($st{n});
}

sub op_reshape
{
	my $n = $st{n};
	return unless $n;
	my @divisors = grep { $n % $_ == 0 } 1 .. ($n < 4096 ? $n : 4096);
	my @d = ($n);
	my $ndim = irand(1, 3);
	if ($ndim >= 2)
	{
		my $c = pick(@divisors);
		@d = ($n / $c, $c);
		if ($ndim == 3)
		{
			my @inner = grep { $c % $_ == 0 } @divisors;
			my $k = pick(@inner);
			@d = ($n / $c, $c / $k, $k);
		}
	}
	emit("SELECT ba_reshape(a, " . join(', ', @d) . ") IS NOT NULL FROM arr;");
	set_shape(@d);
}

# flat elements per step of each axis
sub strides
{
	my @d = @_;
	my @s = (1) x @d;
	$s[$_] = $s[ $_ + 1 ] * $d[ $_ + 1 ] for reverse 0 .. $#d - 1;
	return @s;
}

# SQL: the 1-based index on axis j of the element at flat position o
sub axis_index
{
	my ($j, @d) = @_;
	my @s = strides(@d);
	return "((o - 1) / $s[$j] % $d[$j] + 1)";
}

# SQL: is the element at flat position o inside the box lo..hi?
sub in_box
{
	my ($lo, $hi, @d) = @_;
	return join ' AND ', map { axis_index($_, @d) . " BETWEEN $lo->[$_] AND $hi->[$_]" } 0 .. $#d;
}

# SQL: the 0-based position, in C order within the box, of the element at o
sub box_position
{
	my ($lo, $hi, @d) = @_;
	my @len = map { $hi->[$_] - $lo->[$_] + 1 } 0 .. $#d;
	my @bs = strides(@len);
	return join ' + ', map { '(' . axis_index($_, @d) . " - $lo->[$_]) * $bs[$_]" } 0 .. $#d;
}

# A random box of at most about $maxcount elements: (\@lo, \@hi)
sub box
{
	my ($maxcount) = @_;
	my @d = dims();
	my (@lo, @hi);
	my $left = $maxcount;
	for my $j (0 .. $#d)
	{
		my $axes_after = $#d - $j + 1;
		my $cap = int($left ** (1 / $axes_after));
		$cap = 1 if $cap < 1;
		my $len = irand(1, $d[$j] < $cap ? $d[$j] : $cap);
		$len = $d[$j] if rand() < 0.25 && $d[$j] <= $cap;    # whole axis
		my $lo = irand(1, $d[$j] - $len + 1);
		push @lo, $lo;
		push @hi, $lo + $len - 1;
		$left = int($left / $len);
	}
	return (\@lo, \@hi);
}

sub int8_array { return "'{" . join(',', @{ $_[0] }) . "}'::int8[]" }

# The reference: v := (new value of the element at o) where cond, else x
sub ref_where
{
	my ($cond, $value) = @_;
	return "UPDATE ref SET v = ARRAY(SELECT CASE WHEN $cond THEN $value ELSE x END "
	  . "FROM unnest(v) WITH ORDINALITY AS u(x, o) ORDER BY o);";
}

sub op_box_set
{
	return unless $st{n};
	my @d = dims();
	my @idx = map { irand(1, $_) } @d;
	my @s = strides(@d);
	my $o = 1;
	$o += ($idx[$_] - 1) * $s[$_] for 0 .. $#d;
	my ($v, $mag) = value();
	if (rand() < 0.5)
	{
		emit("SELECT ba_set(a, " . int8_array(\@idx) . ", $v) IS NOT NULL FROM arr;");
	}
	else
	{
		# subscripts assign float8: an int8 beyond 2^53 would be rounded
		($v, $mag) = ('(' . irand(-1000, 1000) . ' + 0.5)::float8', 1001) if $dtype eq 'int8';
		emit("UPDATE arr SET a" . join('', map {"[$_]"} @idx) . " = $v;");
	}
	emit("UPDATE ref SET v[$o] = ($v)::$dtype;");
	$st{m} = $mag if $mag > $st{m};
}

sub op_box_fill
{
	return unless $st{n};
	my @d = dims();
	my ($lo, $hi) = box(3 * $perpage);
	my ($v, $mag) = value();
	emit("SELECT ba_fill(a, $v, " . int8_array($lo) . ', ' . int8_array($hi) . ") IS NOT NULL FROM arr;",
		ref_where(in_box($lo, $hi, @d), "($v)::$dtype"));
	$st{m} = $mag if $mag > $st{m};
}

# A native array with the box's dimensions, element g (its position in the
# box, from 0) given by $elem: nested ARRAY(...) subqueries, one per axis.
sub nd_source
{
	my ($elem, $lo, $hi) = @_;
	my @len = map { $hi->[$_] - $lo->[$_] + 1 } 0 .. $#$lo;
	my @bs = strides(@len);
	my $g = join ' + ', map { "i$_ * $bs[$_]" } 0 .. $#len;
	my $sql = "(SELECT $elem FROM (SELECT $g AS g) gg)";
	for my $j (reverse 0 .. $#len)
	{
		$sql = "ARRAY(SELECT $sql FROM generate_series(0, $len[$j] - 1) i$j)";
	}
	return $sql;
}

sub op_box_set_slice
{
	return unless $st{n};
	my @d = dims();
	my ($lo, $hi) = box(2 * $perpage);
	my $count = 1;
	$count *= $hi->[$_] - $lo->[$_] + 1 for 0 .. $#d;
	my (undef, $elem, $mag) = source_array($count);
	my $source = nd_source("($elem)::$dtype", $lo, $hi);
	my $position = box_position($lo, $hi, @d);
	if (rand() < 0.6 || ($dtype eq 'int8' && $elem =~ /::int8/))
	{
		emit("SELECT ba_set_slice(a, " . int8_array($lo) . ", $source) IS NOT NULL FROM arr;");
	}
	else
	{
		my $subs = join '', map { "[$lo->[$_]:$hi->[$_]]" } 0 .. $#d;
		emit("UPDATE arr SET a$subs = $source;");
	}
	(my $ref_elem = $elem) =~ s/\bg\b/($position)/g;
	emit(ref_where(in_box($lo, $hi, @d), "($ref_elem)::$dtype"));
	$st{m} = $mag if $mag > $st{m};
}

# the raw bytes of one box written into another of the same dimensions
sub op_box_bytea
{
	return unless $st{n};
	my @d = dims();
	my ($lo, $hi) = box(2 * $perpage);
	my @lo2 = map { irand(1, $d[$_] - ($hi->[$_] - $lo->[$_])) } 0 .. $#d;
	my @hi2 = map { $lo2[$_] + $hi->[$_] - $lo->[$_] } 0 .. $#d;
	my @s = strides(@d);
	# the flat position (1-based) in the source box of the element at o
	my $source = '1 + ' . join ' + ', map {
		'(' . axis_index($_, @d) . " - $lo2[$_] + $lo->[$_] - 1) * $s[$_]" } 0 .. $#d;
	emit("SELECT ba_set_bytea(a, " . int8_array(\@lo2) . ', ' . int8_array(\@hi2)
		  . ", ba_to_bytea(a, " . int8_array($lo) . ', ' . int8_array($hi) . ")) IS NOT NULL FROM arr;",
		ref_where(in_box(\@lo2, \@hi2, @d), "v[$source]"));
}

# A check of box reads and reductions against the reference's aggregates.
sub op_box_check
{
	return unless $st{n};
	my @d = dims();
	my ($lo, $hi) = box(3 * $perpage);
	my ($los, $his) = (int8_array($lo), int8_array($hi));
	my $inbox = in_box($lo, $hi, @d);
	my $dimsql = join '', map { "[1:" . ($hi->[$_] - $lo->[$_] + 1) . "]" } 0 .. $#d;
	my ($read, $as) = integer_dtype() ? ('ba_slice_int8', 'int8') : ('ba_slice', 'float8');
	# subscripts read float8: int8 beyond 2^53 only through ba_slice_int8
	my $slice = rand() < 0.5 || $dtype eq 'int8' ? "$read(a, $los, $his)"
	  : "a" . join('', map { "[$lo->[$_]:$hi->[$_]]" } 0 .. $#d) . ($as eq 'int8' ? '::int8[]' : '');
	my $label = join(',', @$lo) . '..' . join(',', @$hi);
	# one element by n-d index: ba_get_int8 / ba_get, or a subscript
	my @idx = map { irand($lo->[$_], $hi->[$_]) } 0 .. $#d;
	my $flat = 1;
	{
		my @st = strides(@d);
		$flat += ($idx[$_] - 1) * $st[$_] for 0 .. $#d;
	}
	my $get = integer_dtype() ? 'ba_get_int8' : 'ba_get';
	my $element = rand() < 0.5 || $dtype eq 'int8' ? "$get(a, " . int8_array(\@idx) . ")"
	  : 'a' . join('', map {"[$_]"} @idx) . ($as eq 'int8' ? '::int8' : '');
	my $axis = irand(1, scalar @d);
	my @s = strides(@d);
	my $inner = $s[ $axis - 1 ];
	my $out = "((o - 1) / ($d[$axis - 1] * $inner) * $inner + (o - 1) % $inner)";
	my $near = sub { "abs($_[0] - $_[1]) <= 1e-9 * $_[2]" };
	my $sql = <<"SQL";
SELECT 'chk|box $label, axis $axis|' || CASE
	WHEN $element IS DISTINCT FROM v[$flat]::$as THEN 'element $flat differs'
	WHEN array_dims($slice) <> '$dimsql' THEN 'dims ' || array_dims($slice)
	WHEN ARRAY(SELECT unnest($slice)) IS DISTINCT FROM
	     ARRAY(SELECT x::$as FROM unnest(v) WITH ORDINALITY AS u(x, o) WHERE $inbox ORDER BY o)
	  THEN 'box read differs'
	WHEN (SELECT ba_min(a, $los, $his) IS DISTINCT FROM min(x)::float8
	          OR ba_max(a, $los, $his) IS DISTINCT FROM max(x)::float8
	      FROM unnest(v) WITH ORDINALITY AS u(x, o) WHERE $inbox)
	  THEN 'box min/max differ'
	WHEN NOT (SELECT @{[ $near->('ba_sum(a, ' . "$los, $his)", 'sum(x::float8)', '(sum(abs(x::float8)) + 1)') ]}
	              AND @{[ $near->('ba_mean(a, ' . "$los, $his)", 'avg(x::float8)', '(max(abs(x::float8)) + 1)') ]}
	          FROM unnest(v) WITH ORDINALITY AS u(x, o) WHERE $inbox)
	  THEN 'box sum/mean differ'
	WHEN NOT (SELECT bool_and(p.mn = q.mn AND p.mx = q.mx AND @{[ $near->('p.sm', 'q.sm', 'q.sa') ]}
	                          AND @{[ $near->('p.me', 'q.me', 'q.ma') ]})
	          FROM unnest(ba_min(a, axis => $axis), ba_max(a, axis => $axis), ba_sum(a, axis => $axis),
	                      ba_mean(a, axis => $axis)) WITH ORDINALITY AS p(mn, mx, sm, me, k)
	          JOIN (SELECT $out + 1 AS k, min(x)::float8 AS mn, max(x)::float8 AS mx,
	                       sum(x::float8) AS sm, sum(abs(x::float8)) + 1 AS sa,
	                       avg(x::float8) AS me, max(abs(x::float8)) + 1 AS ma
	                FROM unnest(v) WITH ORDINALITY AS u(x, o) GROUP BY 1) q USING (k))
	     OR cardinality(ba_sum(a, axis => $axis)) <> $st{n} / $d[$axis - 1]
	  THEN 'axis $axis reductions differ'
	ELSE 'ok' END FROM arr, ref;
SQL
	$nchecks++;
	push @prog, [ $session, 'check', $sql ];
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
	# element-wise arithmetic wants equal shapes: the addend takes arr's
	emit("INSERT INTO addend SELECT ba_reshape(bigarray_from($array), " . join(', ', dims()) . ");",
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

# A data operation whose effects are all undone: its statements, written as
# for any other, run inside a PL/pgSQL block that then fails and catches
# its own error; the model stays as it was.
sub op_error_caught
{
	my %before = %st;
	my $from = @prog;
	data_op();
	my @stmts = map { $_->[2] } splice(@prog, $from);
	return unless @stmts;
	s/^SELECT /PERFORM /, s/\$\$/\$q\$/g for @stmts;
	emit("DO \$\$ BEGIN\n" . join("\n", @stmts)
		  . "\nPERFORM 1 / 0;\nEXCEPTION WHEN division_by_zero THEN NULL;\nEND \$\$;");
	%st = %before;
}

# A statement that writes the array and then fails, or is cancelled by
# statement_timeout while it writes or after; what it leaves of the
# transaction or savepoint is rolled back.
sub failing_statement
{
	my ($cancel) = @_;
	my ($v) = value();
	my $write = pick("ba_fill(a, $v)", "ba_set(a, " . irand(1, $st{n} || 1) . ", $v)",
		"ba_scale(a, 0.5)", "ba_resize(a, " . irand(0, 5 * $perpage) . ")");
	$write = "ba_fill(b, $v) IS NOT NULL AND $write" if $ballast && rand() < 0.5;
	my $from = $write =~ /\bb\b/ ? 'arr, ballast' : 'arr';
	return $cancel
	  ? "SELECT $write IS NOT NULL, pg_sleep(0.2) FROM $from;"
	  : "SELECT CASE WHEN $write IS NOT NULL THEN 1 / 0 END FROM $from;";
}

sub op_error_in_tx
{
	my $cancel = rand() < 0.4;
	if (@saved && rand() < 0.7)
	{
		# rolled back to a savepoint taken before it (with its SET LOCAL)
		emit('SET LOCAL statement_timeout = ' . timeout_ms() . ';') if $cancel;
		emit_failing(failing_statement($cancel));
		op_rollback_to();
		return;
	}
	if ($cancel)
	{
		emit('SAVEPOINT c;', 'SET LOCAL statement_timeout = ' . timeout_ms() . ';');
		emit_failing(failing_statement(1));
		emit('ROLLBACK TO c;', 'RELEASE c;');
		return;
	}
	emit_failing(failing_statement(0));
	end_tx(0, 1);
}

# Long enough for the ROLLBACK after the cancelled statement not to be
# cancelled too; the statement itself sleeps 200 ms after its write.
sub timeout_ms { pick(5, 20, 50) }

sub op_cancel_alone
{
	emit('BEGIN;', 'SET LOCAL statement_timeout = ' . timeout_ms() . ';');
	emit_failing(failing_statement(1));
	emit('ROLLBACK;');
}

# The array dropped and the drop undone: by ROLLBACK TO, or by a caught
# exception; by ba_drop, or by bigarray_gc once its row is deleted.
sub op_drop_undone
{
	my $how = irand(1, 4);
	if ($how == 1)
	{
		emit('SAVEPOINT d;', 'SELECT ba_drop(a) FROM arr;');
		emit_failing('SELECT ba_get(a, 1) FROM arr;') if rand() < 0.5;
		emit('ROLLBACK TO d;', 'RELEASE d;');
	}
	elsif ($how == 2)
	{
		emit('SAVEPOINT d;', 'DELETE FROM arr;', 'SELECT bigarray_gc() >= 1;',
			'ROLLBACK TO d;', 'RELEASE d;');
	}
	elsif ($how == 3)
	{
		emit("DO \$\$ BEGIN PERFORM ba_drop(a) FROM arr; PERFORM 1 / 0;\n"
			  . "EXCEPTION WHEN division_by_zero THEN NULL; END \$\$;");
	}
	else
	{
		emit("DO \$\$ BEGIN DELETE FROM arr; PERFORM bigarray_gc(); PERFORM 1 / 0;\n"
			  . "EXCEPTION WHEN division_by_zero THEN NULL; END \$\$;");
	}
}

# the model at BEGIN, for ROLLBACK
my %at_begin;

# End session 1's transaction: COMMIT or ROLLBACK, sometimes through
# PREPARE TRANSACTION (with a look from either session while it is
# prepared: it must see the state before the transaction).  An aborted
# transaction can only be rolled back.
sub end_tx
{
	my ($commit, $aborted) = @_;
	if (!$aborted && rand() < 0.15)
	{
		emit("PREPARE TRANSACTION 'diff';");
		if (rand() < 0.5)
		{
			local $session = pick(1, 2);
			check('while prepared');
		}
		emit($commit ? "COMMIT PREPARED 'diff';" : "ROLLBACK PREPARED 'diff';");
	}
	else
	{
		emit($commit ? 'COMMIT;' : 'ROLLBACK;');
	}
	%st = %at_begin unless $commit;
	@saved = ();
	$in_tx = 0;
	reconnect() if rand() < 0.2;
	check($commit ? 'after COMMIT' : 'after ROLLBACK');
}

my @data_ops = (
	[ \&op_set, 25 ], [ \&op_set_slice, 12 ], [ \&op_fill, 10 ],
	[ \&op_append, 6 ], [ \&op_resize, 5 ], [ \&op_add, 8 ], [ \&op_scale, 6 ],
	[ \&op_reshape, 6 ], [ \&op_box_set, 8 ], [ \&op_box_fill, 5 ],
	[ \&op_box_set_slice, 5 ], [ \&op_box_bytea, 3 ]);

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

# Session 2 writes while session 1 is between transactions: one statement,
# or a short transaction it commits or rolls back.
sub session2_writes
{
	local $session = 2;
	if (rand() < 0.5)
	{
		data_op();
	}
	else
	{
		my %before = %st;
		emit('BEGIN;');
		data_op() for 1 .. irand(1, 3);
		if (rand() < 0.7) { emit('COMMIT;') }
		else { emit('ROLLBACK;'); %st = %before }
	}
	reconnect() if rand() < 0.1;
	check('session 2, after its write');
}

# The program for one run.
sub program
{
	my ($steps) = @_;
	@prog = ();
	@saved = ();
	$in_tx = 0;
	$nchecks = 0;
	$nballast = 0;
	$session = 1;
	my $n = int($perpage * (1.5 + rand(2)));
	%st = (n => $n, m => 0, p => 1, shape => $n);
	emit("CREATE TABLE arr (a bigarray);",
		"INSERT INTO arr SELECT bigarray_create('$dtype', $n);",
		"CREATE TABLE ref (v $dtype\[] NOT NULL, shape int8[] NOT NULL);",
		"INSERT INTO ref SELECT array_fill(0::$dtype, ARRAY[$n]), ARRAY[$n];",
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
			my $r = rand();
			if ($r < 0.12)
			{
				session2_writes();
				next;
			}
			if ($r < 0.24)
			{
				$r < 0.21 ? data_op() : op_cancel_alone();
				check('after an autocommit statement');
				next;
			}
			emit('BEGIN;');
			$in_tx = 1;
			%at_begin = %st;
		}
		my $r = rand(100);
		if    ($r < 50) { data_op() }
		elsif ($r < 58) { op_savepoint() }
		elsif ($r < 64) { op_rollback_to() }
		elsif ($r < 67) { op_release() }
		elsif ($r < 71) { check("step $step, in a transaction") }
		elsif ($r < 74) { op_box_check() }
		elsif ($r < 78) { local $session = 2; check("step $step, session 2 during a transaction") }
		elsif ($r < 81) { op_drop_undone() }
		elsif ($r < 84) { op_error_caught() }
		elsif ($r < 87) { op_error_in_tx() }
		elsif ($r < 96) { end_tx(1) }
		else            { end_tx(0) }
	}
	end_tx(1) if $in_tx;
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
	shape_ref int8[];
	s_ba float8;
	s_ref float8;
	bad text;
BEGIN
	SELECT ba_size(a), ba_shape(a) INTO n_ba, shape_ba FROM arr;
	SELECT cardinality(v), shape INTO n_ref, shape_ref FROM ref;
	IF n_ba <> n_ref OR shape_ba <> shape_ref THEN
		RETURN format('size %s shape %s, reference %s shape %s', n_ba, shape_ba, n_ref, shape_ref);
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


# ---- statistics against the reference ------------------------------------
#
# stats_check(): the statistics of a random flat range (and of the whole
# array) against PostgreSQL's aggregates over the reference's elements as
# float8: variances and sums to a relative 1e-9 (the order of additions
# differs), argmin/argmax, NaN counts, the nan* forms, the histogram
# (width_bucket's buckets, a value below hi whose quotient rounds up to
# nbins counted in the last, as later PostgreSQL versions count it) and a quantile
# (percentile_cont) exactly.
sub stats_check
{
	my ($where) = @_;
	# the range, as fractions of the size the checking session sees
	my $from = sprintf '%.3f', rand();
	my $len = sprintf '%.3f', rand();
	my $q = pick(0, 0.1, 0.5, 0.37, 0.9, 1);
	my $nbins = irand(1, 20);
	my $bound = ($st{m} + 1) * pick(0.5, 1, 1.5);
	my $near = sub { "abs($_[0] - $_[1]) <= 1e-9 * ($_[2])" };
	my $sql = <<"SQL";
SELECT 'chk|' || \$\$stats from $from length $len, $where\$\$ || '|' || CASE
	WHEN NOT (SELECT coalesce(@{[ $near->('ba_var(a, lo, hi)', 'var_samp(x)', 'var_pop(x) + avg(x) ^ 2 + 1') ]}, true)
	             AND coalesce(@{[ $near->('ba_var_pop(a, lo, hi)', 'var_pop(x)', 'var_pop(x) + avg(x) ^ 2 + 1') ]}, true)
	             AND coalesce(@{[ $near->('ba_stddev(a, lo, hi)', 'stddev_samp(x)', 'stddev_pop(x) + abs(avg(x)) + 1') ]}, true)
	             AND coalesce(@{[ $near->('ba_stddev_pop(a, lo, hi)', 'stddev_pop(x)', 'stddev_pop(x) + abs(avg(x)) + 1') ]}, true)
	             AND (ba_var(a, lo, hi) IS NULL) = (hi <= lo)
	             AND (ba_var_pop(a, lo, hi) IS NULL) = (hi < lo)
	             AND @{[ $near->('ba_nansum(a, lo, hi)', 'coalesce(sum(x), 0)', 'coalesce(sum(abs(x)), 0) + 1') ]}
	             AND coalesce(@{[ $near->('ba_nanmean(a, lo, hi)', 'avg(x)', 'max(abs(x)) + 1') ]}, true)
	             AND ba_nanmin(a, lo, hi) IS NOT DISTINCT FROM min(x)
	             AND ba_nanmax(a, lo, hi) IS NOT DISTINCT FROM max(x)
	             AND ba_count_nan(a, lo, hi) = count(*) FILTER (WHERE x = 'NaN')
	          FROM unnest(v[lo:hi]) AS u(y), LATERAL (SELECT y::float8 AS x) c)
	  THEN 'range statistics differ'
	WHEN ba_argmin(a, lo, hi) IS DISTINCT FROM
	     (SELECT o FROM unnest(v) WITH ORDINALITY AS u(x, o) WHERE o BETWEEN lo AND hi ORDER BY x, o LIMIT 1)
	     OR ba_argmax(a) IS DISTINCT FROM (SELECT o FROM unnest(v) WITH ORDINALITY AS u(x, o) ORDER BY x DESC, o LIMIT 1)
	  THEN 'argmin/argmax differ'
	WHEN ba_histogram(a, -$bound, $bound, $nbins) IS DISTINCT FROM
	     (SELECT array_agg(coalesce(c, 0) ORDER BY k)
	      FROM generate_series(1, $nbins) k
	      LEFT JOIN (SELECT least(width_bucket(x::float8, -$bound, $bound, $nbins), $nbins) AS k, count(*) AS c
	                 FROM unnest(v) x WHERE x::float8 >= -$bound AND x::float8 < $bound GROUP BY 1) h USING (k))
	  THEN 'histogram differs'
	WHEN ba_quantile(a, $q) IS DISTINCT FROM
	     (SELECT percentile_cont($q) WITHIN GROUP (ORDER BY x::float8) FROM unnest(v) x)
	  THEN 'quantile $q differs'
	ELSE 'ok' END
FROM arr, ref, LATERAL (SELECT 1 + floor($from * ba_size(a))::int8 AS lo) l,
     LATERAL (SELECT lo - 1 + ceil($len * (ba_size(a) - lo + 1))::int8 AS hi) h;
SQL
	$nchecks++;
	push @prog, [ $session, 'check', $sql ];
}


# ---- running a program ----------------------------------------------------

sub connect_session
{
	my $s = $node->background_psql('postgres', on_error_stop => 0);
	$s->set_query_timer_restart();
	$s->query_safe('SET client_min_messages = warning');
	return $s;
}

# Run the items; returns (number of checks passed, failures).
sub execute
{
	my ($small) = @_;
	local $ENV{PGOPTIONS} = $small
	  ? '-c bigarray.page_size=4kB -c bigarray.cache_size=8MB' : '';
	my @s = (undef, connect_session(), connect_session());
	my ($passed, @bad) = (0);
	my $peak_filled = 0;
	my $i = 0;
	while ($i < @prog && !@bad)
	{
		my ($sess, $kind, $sql) = @{ $prog[$i] };
		my $s = $s[$sess];
		if ($kind eq 'reconnect')
		{
			$s->quit;
			$s[$sess] = connect_session();
			$i++;
			next;
		}
		if ($kind eq 'do')
		{
			my @batch;
			while ($i < @prog && $prog[$i][0] == $sess && $prog[$i][1] eq 'do')
			{
				push @batch, $prog[$i++][2];
			}
			$sql = join "\n", @batch;
		}
		else
		{
			$i++;
		}
		my ($out, $failed) = $s->query($sql);
		my $err = $s->{stderr};
		$s->{stderr} = '';
		$peak_filled ||= grep { $_ >= 8 << 20 } $out =~ /^peak\|(\d+)$/mg;
		if ($kind eq 'do' && $failed)
		{
			push @bad, "session $sess: $err\nin: $sql";
		}
		elsif ($kind eq 'fail' && $err !~ /ERROR/)
		{
			push @bad, "session $sess: no ERROR from: $sql";
		}
		elsif ($kind eq 'check')
		{
			if ($out =~ /^chk\|.*\|ok$/ && !$failed) { $passed++ }
			else { push @bad, "session $sess: differs: $out $err" }
		}
	}
	$_->quit for @s[ 1, 2 ];
	push @bad, 'the cache never filled up' if $nballast && !$peak_filled && !@bad;
	return ($passed, @bad);
}

sub write_script
{
	my ($file) = @_;
	open my $fh, '>', $file or die "$file: $!";
	for (@prog)
	{
		my ($sess, $kind, $sql) = @$_;
		print $fh "-- session $sess" . ($kind eq 'do' ? '' : ", $kind") . "\n$sql\n";
	}
	close $fh;
}

sub cleanup
{
	$node->safe_psql('postgres', "ROLLBACK PREPARED 'diff'")
	  if $node->safe_psql('postgres', "SELECT count(*) FROM pg_prepared_xacts") > 0;
	$node->safe_psql('postgres',
		'DROP TABLE IF EXISTS arr, ref, addend, ballast; DROP FUNCTION IF EXISTS diff_check()');
}

# One generated run: each dtype and page size draws its own sequence.
sub run
{
	my ($seed, $steps, $config, $index) = @_;
	my $small = $config eq '4kB';
	srand($seed + $index);
	$ballast = $small;
	$perpage = ($small ? 4096 : 65536) / $elsize{$dtype};
	my $name = "$dtype, $config pages, seed $seed+$index, $steps steps";
	program($steps);
	my $file = "$PostgreSQL::Test::Utils::tmp_check/differential_${dtype}_${config}_$seed.sql";
	write_script($file);
	$node->safe_psql('postgres', check_function());
	my $t0 = time;
	my ($passed, @bad) = execute($small);
	my $ok = !@bad && $passed == $nchecks;
	ok($ok, sprintf("%s: %d comparisons equal%s (%.1f s)", $name, $passed,
		$nballast ? ", cache filled by $nballast ballast fills" : '', time - $t0));
	cleanup();
	return 1 if $ok;
	diag("program: $file");
	diag($_) for @bad;
	return 0;
}

# A kept program: SQL for one session, whose chk| lines must all say ok.
sub replay
{
	my ($file) = @_;
	my ($cfg) = $file =~ /_(4kB|64kB)\.sql$/;
	local $ENV{PGOPTIONS} = $cfg eq '4kB'
	  ? '-c bigarray.page_size=4kB -c bigarray.cache_size=8MB' : '';
	my ($ret, $out, $err) = $node->psql('postgres', slurp_file($file));
	my @checks = $out =~ /^chk\|(.*)$/mg;
	my @bad = grep { !/\|ok$/ } @checks;
	ok($ret == 0 && @checks && !@bad,
		basename($file) . ': ' . scalar(@checks) . ' comparisons equal');
	diag("psql: $err") if $ret;
	diag("differs $_") for @bad[ 0 .. ($#bad < 4 ? $#bad : 4) ];
	cleanup();
}

# ---- the runs -------------------------------------------------------------

replay($_) for sort glob("$FindBin::RealBin/data/diff_*.sql");

sub all_dtypes
{
	my ($seed, $steps) = @_;
	my ($index, $failed) = (0, 0);
	for my $d (qw(float8 float4 int8 int4 int2))
	{
		$dtype = $d;
		for my $config ('64kB', '4kB')
		{
			$failed++ unless run($seed, $steps, $config, $index);
			$index++;
		}
	}
	return $failed;
}

all_dtypes($fixed_seed, $fixed_steps);
diag("differential: random seed $random_seed, $random_steps steps "
	  . "(DIFF_SEED=$random_seed DIFF_STEPS=$random_steps repeats it)");
all_dtypes($random_seed, $random_steps);

# soak: fresh seeds until the time is up
if ($soak_seconds > 0)
{
	my $end = time + $soak_seconds;
	my ($seeds, $failing) = (0, 0);
	while (time < $end)
	{
		my $seed = int(rand(2**31));
		$seeds++;
		if (all_dtypes($seed, $random_steps))
		{
			$failing++;
			diag("soak: seed $seed failed (DIFF_SEED=$seed DIFF_STEPS=$random_steps)");
		}
	}
	diag("soak: $seeds seeds, $failing failing, " . $seeds * 10 * $random_steps
		  . " steps in " . $seeds * 10 . " runs");
}

$node->stop;
done_testing();
