"""Server errors surface as psycopg errors with their SQLSTATE; bad input
on the client raises ValueError/TypeError before anything is sent (shown
on a closed connection, where sending anything would fail otherwise)."""
import numpy as np
import psycopg
import pytest

from bigarray import BigArray
from conftest import ba


def test_dropped_array_42704(conn):
    arr = BigArray.from_numpy(conn, np.ones(3))
    conn.execute(f"SELECT {ba('ba_drop')}(%s)", (arr,))
    with pytest.raises(psycopg.errors.UndefinedObject) as e:
        arr.to_numpy()
    assert e.value.sqlstate == "42704"


def test_read_only_transaction_25006(conn):
    arr = BigArray.from_numpy(conn, np.ones(3))
    conn.commit()
    conn.execute("SET TRANSACTION READ ONLY")
    assert arr.sum() == 3
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction) as e:
        arr[0] = 2
    assert e.value.sqlstate == "25006"


def test_no_privilege_42501(conn):
    arr = BigArray.from_numpy(conn, np.ones(3))
    conn.execute("CREATE ROLE bigarray_py_nobody")
    conn.execute("SET ROLE bigarray_py_nobody")
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as e:
        arr[1:]
    assert e.value.sqlstate == "42501"


def test_stale_shape_2202E(conn, connect):
    """A shape cached before another session shrank the array: the server,
    not the client, refuses the elements that are gone."""
    arr = BigArray.from_numpy(conn, np.arange(10.0).reshape(5, 2))
    conn.commit()
    other = connect()
    other.execute(f"SELECT {ba('ba_resize')}(%t::{ba('bigarray')}, 4)", (f"@{arr.oid}",))
    other.commit()
    with pytest.raises(psycopg.errors.ArraySubscriptError) as e:
        arr[4, 1]
    assert e.value.sqlstate == "2202E"
    conn.rollback()
    assert arr.refresh().shape == (2, 2)
    conn.execute(f"SELECT {ba('ba_drop')}(%s)", (arr,))
    conn.commit()


@pytest.fixture
def closed(connect):
    c = connect()
    c.close()
    return c


@pytest.mark.parametrize("make,error", [
    (lambda c: BigArray.from_numpy(c, np.ones(3, np.uint8)), TypeError),
    (lambda c: BigArray.from_numpy(c, np.ones(3, np.float16)), TypeError),
    (lambda c: BigArray.from_numpy(c, np.ones(3, bool)), TypeError),
    (lambda c: BigArray.from_numpy(c, np.ones(3, complex)), TypeError),
    (lambda c: BigArray.from_numpy(c, np.array(["a"])), TypeError),
    (lambda c: BigArray.from_numpy(c, [1.0, 2.0]), TypeError),
    (lambda c: BigArray.from_numpy(c, np.float64(1.0)), TypeError),
    (lambda c: BigArray.from_numpy(c, np.array(1.0)), ValueError),
    (lambda c: BigArray.from_numpy(c, np.ones((1,) * 17)), ValueError),
    (lambda c: BigArray.from_numpy(c, np.ones(3), chunk_bytes=0), ValueError),
    (lambda c: BigArray.from_numpy(c, np.ones(3), chunk_bytes=1.5), TypeError),
    (lambda c: BigArray.from_numpy(c, np.ones(3), progress="yes"), TypeError),
    (lambda c: BigArray.create(c, "numeric", 3), TypeError),
    (lambda c: BigArray.create(c, np.uint32, 3), TypeError),
    (lambda c: BigArray.create(c, "float8", -1), ValueError),
    (lambda c: BigArray.create(c, "float8", (2, -1)), ValueError),
    (lambda c: BigArray.create(c, "float8", ()), ValueError),
    (lambda c: BigArray.create(c, "float8", 2.5), TypeError),
    (lambda c: BigArray(c, 1).to_numpy(progress=1), TypeError),
    (lambda c: BigArray(c, 1).to_numpy(chunk_bytes=-1), ValueError),
])
def test_refused_before_sending(closed, make, error):
    with pytest.raises(error):
        make(closed)


def test_assignment_refused_before_sending(connect):
    c = connect()
    arr = BigArray.from_numpy(c, np.zeros((2, 3), np.int32))
    c.close()
    for key, value, error in [((0,), np.ones(2), ValueError), (0, np.nan, ValueError),
                              (0, 2**40, ValueError), (0, "x", TypeError),
                              (5, 1, IndexError), (1.0, 1, TypeError)]:
        with pytest.raises(error):
            arr[key] = value
    with pytest.raises(psycopg.OperationalError):
        arr[0] = 1          # a valid one does reach for the server


def test_no_extension(connect):
    c = connect(autocommit=True)
    c.execute("CREATE DATABASE bigarray_py_none")
    try:
        with psycopg.connect(dbname="bigarray_py_none") as other:
            with pytest.raises(LookupError):
                BigArray.create(other, "float8", 3)
    finally:
        c.execute("DROP DATABASE bigarray_py_none")
