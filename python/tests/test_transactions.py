"""Writes follow the connection's transaction: nothing is committed for
the caller, ROLLBACK undoes them, other sessions see them only after
COMMIT; under autocommit a write of many statements is all or nothing."""
import numpy as np
import psycopg
import pytest
from psycopg.pq import TransactionStatus

import bigarray
from bigarray import BigArray


@pytest.fixture
def committed(connect, conn):
    """A committed 2-D float8 array and its values, dropped at the end
    (once conn has let go of its write lock)."""
    c = connect(autocommit=True)
    data = np.arange(20.0).reshape(4, 5)
    arr = BigArray.from_numpy(c, data)
    yield arr.oid, data
    conn.rollback()
    c.execute('SELECT "ba ext".ba_drop(%t::"ba ext".bigarray)', (f"@{arr.oid}",))


def test_assignment_then_rollback(conn, connect, committed):
    oid, data = committed
    other = connect(autocommit=True)
    arr = BigArray(conn, oid)
    arr[1] = -1
    arr[2:, ::2] = np.array([7.0, 8.0, 9.0])
    arr[0, 0] = 42
    assert conn.info.transaction_status == TransactionStatus.INTRANS  # not committed
    assert arr[0, 0] == 42 and arr[1, 3] == -1
    assert np.array_equal(BigArray(other, oid).to_numpy(), data)     # not visible
    conn.rollback()
    assert np.array_equal(arr.to_numpy(), data)
    assert np.array_equal(BigArray(other, oid).to_numpy(), data)


def test_commit_makes_it_visible(conn, connect, committed):
    oid, data = committed
    reader = connect(autocommit=True)
    arr = BigArray(conn, oid)
    arr[3, 4] = 1e6
    assert BigArray(reader, oid)[3, 4] == data[3, 4]
    conn.commit()
    assert BigArray(reader, oid)[3, 4] == 1e6


def test_from_numpy_rolled_back_is_gone(conn, connect):
    arr = BigArray.from_numpy(conn, np.ones((3, 3)), chunk_bytes=16)
    oid = arr.oid
    conn.rollback()
    with pytest.raises(psycopg.errors.UndefinedObject):
        BigArray(connect(), oid).to_numpy()


def test_inside_a_savepoint(conn, committed):
    oid, data = committed
    arr = BigArray(conn, oid)
    arr[0] = 5
    with pytest.raises(psycopg.errors.ArraySubscriptError):
        with conn.transaction():
            arr[1] = 6
            conn.execute('SELECT "ba ext".ba_get(%t::"ba ext".bigarray, 1000)', (f"@{oid}",))
    assert arr[0].tolist() == [5] * 5 and np.array_equal(arr[1], data[1])


def test_autocommit_write_is_all_or_nothing(connect):
    """Under autocommit, from_numpy failing after its first chunk leaves
    no array behind."""
    c = connect(autocommit=True)
    count = 'SELECT count(*) FROM pg_catalog.pg_largeobject_metadata'
    before = c.execute(count).fetchone()[0]

    def stop(done, total):
        if done >= 800:
            raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        BigArray.from_numpy(c, np.ones(1000), chunk_bytes=800, progress=stop)
    assert c.info.transaction_status == TransactionStatus.IDLE
    assert c.execute(count).fetchone()[0] == before


def test_autocommit_read_is_one_snapshot(connect, committed):
    """Under autocommit, a commit between the chunks of to_numpy does not
    show in its result."""
    oid, data = committed
    c = connect(autocommit=True)
    writer = connect()
    arr = BigArray(c, oid)

    wrote = []

    def commit_meanwhile(done, total):
        if 0 < done < total and not wrote:
            BigArray(writer, oid)[3] = -5
            writer.commit()
            wrote.append(done)
    back = arr.to_numpy(chunk_bytes=40, progress=commit_meanwhile)
    assert wrote and np.array_equal(back, data)
    assert arr.to_numpy()[3].tolist() == [-5] * 5


def test_concurrent_connections(connect, committed):
    oid, data = committed
    a, b = connect(), connect()
    for c in (a, b):
        bigarray.register(c)
    BigArray(a, oid)[0, 0] = 1
    a.commit()
    b_arr = BigArray(b, oid)
    b_arr[0, 1] = 2            # b waits for nobody: a committed
    b.commit()
    assert BigArray(a, oid)[0, :2].tolist() == [1, 2]
