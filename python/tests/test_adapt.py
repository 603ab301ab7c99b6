"""register(conn): a bigarray column loads as a BigArray bound to the
connection, in text and binary results; a BigArray passes as a parameter
in either format.  And the server-side reductions."""
import numpy as np
import psycopg
import pytest

import bigarray
from bigarray import BigArray
from conftest import ba


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_column_loads_as_bigarray(conn, binary):
    conn.execute(f"CREATE TEMP TABLE t (id int, a {ba('bigarray')})")
    conn.execute(f"INSERT INTO t SELECT 1, {ba('bigarray_from')}('{{{{1,2}},{{3,4}}}}'::int4[])")
    arr = conn.cursor(binary=binary).execute("SELECT a FROM t").fetchone()[0]
    assert isinstance(arr, BigArray) and arr.connection is conn
    assert arr.shape == (2, 2) and arr.dtype == np.int32
    assert arr.to_numpy().tolist() == [[1, 2], [3, 4]]


@pytest.mark.parametrize("placeholder", ["%s", "%t", "%b"])
def test_passes_as_parameter(conn, placeholder):
    arr = BigArray.from_numpy(conn, np.arange(5, dtype=np.int64))
    conn.execute(f"CREATE TEMP TABLE t (a {ba('bigarray')})")
    conn.execute(f"INSERT INTO t VALUES ({placeholder})", (arr,))
    oid, total = conn.execute(f"SELECT {ba('ba_oid')}(a), {ba('ba_sum')}(a) FROM t").fetchone()
    assert (oid, total) == (arr.oid, 10)
    assert conn.execute(f'SELECT {placeholder} OPERATOR("ba ext".=) a FROM t', (arr,)).fetchone()[0]


def test_old_text_form_loads(conn):
    arr = BigArray.from_numpy(conn, np.ones(2))
    # what a 0.1 client kept: dtype[shape]@oid, read back by the server
    got = conn.execute(f"SELECT %s::{ba('bigarray')}", (f"float8[2]@{arr.oid}",)).fetchone()[0]
    assert got.oid == arr.oid


def test_unregistered_connection_sees_text(connect, conn):
    arr = BigArray.from_numpy(conn, np.ones(2))
    conn.commit()
    plain = connect()
    assert plain.execute("SELECT %t::\"ba ext\".bigarray::text", (f"@{arr.oid}",)).fetchone()[0] == f"@{arr.oid}"


def test_reductions(conn):
    data = np.array([[1.5, -2.0, 8.0], [0.25, 3.0, -7.5]])
    arr = BigArray.from_numpy(conn, data)
    assert arr.sum() == data.sum()
    assert arr.min() == -7.5 and arr.max() == 8.0
    assert arr.mean() == pytest.approx(data.mean())
    empty = BigArray.create(conn, "int4", 0)
    assert empty.sum() == 0
    assert np.isnan(empty.mean())
    with pytest.raises(ValueError):
        empty.min()
    with pytest.raises(ValueError):
        empty.max()
    with pytest.raises(ValueError):
        arr.sum(axis=2)
    with pytest.raises(TypeError):
        arr.sum(axis=(0, 1))


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -3])
def test_reductions_along_an_axis(conn, axis):
    data = np.random.default_rng(9).standard_normal((4, 5, 6))
    arr = BigArray.from_numpy(conn, data)
    for name in ("sum", "min", "max", "mean"):
        got = getattr(arr, name)(axis=axis)
        want = getattr(data, name)(axis=axis)
        assert got.shape == want.shape and np.allclose(got, want), name


def test_reductions_along_an_axis_edges(conn):
    line = BigArray.from_numpy(conn, np.array([3, -1, 7], dtype=np.int16))
    assert (line.sum(axis=0), line.min(axis=-1), line.max(axis=0)) == (9, -1, 7)
    assert line.mean(axis=0) == 3
    empty = BigArray.create(conn, "float8", (0, 3))
    assert np.array_equal(empty.sum(axis=0), np.zeros(3))
    assert np.isnan(empty.mean(axis=0)).all()
    with pytest.raises(ValueError):
        empty.min(axis=0)
    assert empty.sum(axis=1).shape == (0,)


def test_repr_and_refresh(conn):
    arr = BigArray.from_numpy(conn, np.zeros((2, 3), np.int16))
    assert repr(arr) == f"BigArray(@{arr.oid}, dtype=int16, shape=(2, 3))"
    conn.execute(f"SELECT {ba('ba_append')}(%s, '{{1,2,3}}'::int2[])", (arr,))
    assert arr.shape == (2, 3)            # kept until refreshed
    assert arr.refresh().shape == (3, 3) and len(arr) == 3
    assert arr[2].tolist() == [1, 2, 3]
    assert repr(BigArray(conn, arr.oid)) == f"BigArray(@{arr.oid})"
