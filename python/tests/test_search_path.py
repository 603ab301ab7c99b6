"""Every statement the client sends names the extension's schema and
pg_catalog: functions, operators and types that a hostile search_path
puts first are never called."""
import numpy as np
import psycopg
import pytest

import bigarray
from bigarray import BigArray

TRAPS = """
CREATE SCHEMA trap;
CREATE TABLE trap.calls (what text);
CREATE FUNCTION trap.called(what text) RETURNS bool LANGUAGE sql
	AS $$INSERT INTO trap.calls VALUES (what) RETURNING true$$;
CREATE FUNCTION trap.ba_to_bytea(bigarray, int8, int8) RETURNS bytea LANGUAGE sql
	AS $$SELECT CASE WHEN trap.called('ba_to_bytea') THEN '\\x'::bytea END$$;
CREATE FUNCTION trap.ba_set_bytea(bigarray, int8, bytea) RETURNS bigarray LANGUAGE sql
	AS $$SELECT CASE WHEN trap.called('ba_set_bytea') THEN $1 END$$;
CREATE FUNCTION trap.ba_to_bytea(bigarray, int8[], int8[]) RETURNS bytea LANGUAGE sql
	AS $$SELECT CASE WHEN trap.called('ba_to_bytea[]') THEN '\\x'::bytea END$$;
CREATE FUNCTION trap.ba_set_bytea(bigarray, int8[], int8[], bytea) RETURNS bigarray LANGUAGE sql
	AS $$SELECT CASE WHEN trap.called('ba_set_bytea[]') THEN $1 END$$;
CREATE FUNCTION trap.ba_fill(bigarray, float8, int8[], int8[]) RETURNS bigarray LANGUAGE sql
	AS $$SELECT CASE WHEN trap.called('ba_fill[]') THEN $1 END$$;
CREATE FUNCTION trap.ba_fill(bigarray, float8, int8, int8) RETURNS bigarray LANGUAGE sql
	AS $$SELECT CASE WHEN trap.called('ba_fill') THEN $1 END$$;
CREATE FUNCTION trap.ba_oid(bigarray) RETURNS oid LANGUAGE sql
	AS $$SELECT CASE WHEN trap.called('ba_oid') THEN 0::oid END$$;
CREATE FUNCTION trap.bigarray_create(regtype, VARIADIC int8[]) RETURNS bigarray LANGUAGE sql
	AS $$SELECT CASE WHEN trap.called('bigarray_create') THEN NULL::bigarray END$$;
CREATE FUNCTION trap.ba_sum(bigarray) RETURNS float8 LANGUAGE sql
	AS $$SELECT CASE WHEN trap.called('ba_sum') THEN -1::float8 END$$;
CREATE FUNCTION trap.ba_sum(bigarray, int4) RETURNS float8[] LANGUAGE sql
	AS $$SELECT CASE WHEN trap.called('ba_sum axis') THEN '{}'::float8[] END$$;
CREATE FUNCTION trap.ba_shape(bigarray) RETURNS int8[] LANGUAGE sql
	AS $$SELECT CASE WHEN trap.called('ba_shape') THEN '{1}'::int8[] END$$;
CREATE FUNCTION trap.unnest(int8[]) RETURNS SETOF int8 LANGUAGE sql
	AS $$SELECT 0::int8 WHERE trap.called('unnest')$$;
CREATE FUNCTION trap.count(anyelement) RETURNS int8 LANGUAGE sql
	AS $$SELECT CASE WHEN trap.called('count') THEN 0::int8 END$$;
CREATE FUNCTION trap.substr(bytea, int4, int4) RETURNS bytea LANGUAGE sql
	AS $$SELECT CASE WHEN trap.called('substr') THEN $1 END$$;
CREATE FUNCTION trap.eq(oid, oid) RETURNS bool LANGUAGE sql
	AS $$SELECT trap.called('=')$$;
CREATE OPERATOR trap.= (FUNCTION = trap.eq, LEFTARG = oid, RIGHTARG = oid);
CREATE FUNCTION trap.eqname(name, name) RETURNS bool LANGUAGE sql
	AS $$SELECT trap.called('=')$$;
CREATE OPERATOR trap.= (FUNCTION = trap.eqname, LEFTARG = name, RIGHTARG = name);
CREATE DOMAIN trap.float8 AS pg_catalog.int2;
CREATE DOMAIN trap.int8 AS pg_catalog.int2;
"""


@pytest.fixture
def hostile(connect, extension):
    """A connection whose search_path puts the trap schema first and does
    not hold the extension's schema at all."""
    setup = connect(autocommit=True)
    setup.execute(f'SET search_path = "{extension}", public')
    setup.execute(TRAPS)
    c = connect()
    c.execute("SET search_path = trap, pg_catalog, public")
    c.commit()
    yield c
    c.rollback()
    setup.execute("DROP SCHEMA trap CASCADE")


@pytest.mark.parametrize("flat", [False, True], ids=["box", "flat"])
def test_every_path_ignores_the_traps(hostile, flat):
    bigarray.register(hostile)
    bigarray._server.server(hostile).has_box = not flat
    # rows of 80 kB: too wide to read a sparse box as whole rows
    data = np.arange(30000, dtype=np.float64).reshape(3, 100, 100)
    arr = BigArray.from_numpy(hostile, data, chunk_bytes=64 << 10)
    assert np.array_equal(arr.to_numpy(chunk_bytes=64 << 10), data)
    assert np.array_equal(BigArray(hostile, arr.oid).to_numpy(), data)
    assert np.array_equal(arr[1:, ::2, 3], data[1:, ::2, 3])      # many runs / a box
    arr[:, 1] = np.ones((3, 100))                                  # runs / box written
    arr[2, 2, ::2] = 9.0                                           # fill
    arr[:2, 5:7] = -1.0                                            # fill runs / box
    arr[0] = np.zeros((100, 100))                                  # one run
    data[:, 1] = 1
    data[2, 2, ::2] = 9
    data[:2, 5:7] = -1
    data[0] = 0
    assert np.array_equal(arr.to_numpy(), data)
    assert arr.sum() == data.sum()
    assert np.allclose(arr.sum(axis=1), data.sum(axis=1))
    hostile.execute("CREATE TEMP TABLE t (a \"ba ext\".bigarray)")
    hostile.execute("INSERT INTO t VALUES (%s)", (arr,))
    assert hostile.execute("SELECT a FROM t").fetchone()[0].oid == arr.oid
    calls = hostile.execute("SELECT count(*) FROM trap.calls").fetchone()[0]
    assert calls == 0


def test_traps_would_fire(hostile):
    """The traps are live: unqualified calls reach them."""
    hostile.execute("SELECT unnest('{1}'::pg_catalog.int8[])")
    hostile.execute("SELECT 1::oid = 1::oid")
    assert hostile.execute("SELECT count(*) FROM trap.calls").fetchone()[0] == 2
