"""Round trips: every dtype, 1-D to 3-D, empty and one-element arrays,
NaN/Inf and the extremes of each integer dtype, bit for bit; and what the
server sees of them."""
import numpy as np
import pytest

from bigarray import BigArray
from conftest import ba

DTYPES = [np.float64, np.float32, np.int64, np.int32, np.int16]
SHAPES = [(0,), (1,), (1000,), (3, 4), (5, 0), (2, 3, 4), (1, 1, 1)]


def sample(dtype, shape, seed=7):
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    if np.dtype(dtype).kind == "f":
        v = rng.standard_normal(n).astype(dtype) * 1e3
        special = np.array([np.nan, np.inf, -np.inf, -0.0, np.finfo(dtype).max,
                            np.finfo(dtype).tiny], dtype=dtype)
    else:
        info = np.iinfo(dtype)
        v = rng.integers(info.min, info.max, n, endpoint=True, dtype=dtype)
        special = np.array([info.min, info.max, 0, -1], dtype=dtype)
    v[:min(n, len(special))] = special[:n]
    return v.reshape(shape)


def same_bits(a, b):
    return (a.shape == b.shape and a.dtype == b.dtype
            and a.tobytes() == b.tobytes())


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_roundtrip(conn, dtype, shape):
    data = sample(dtype, shape)
    arr = BigArray.from_numpy(conn, data)
    assert (arr.shape, arr.dtype, arr.ndim, arr.size) == (shape, np.dtype(dtype), len(shape), data.size)
    assert len(arr) == shape[0]
    assert same_bits(arr.to_numpy(), data)
    assert same_bits(np.asarray(arr), data)
    # a new object for the same handle reads dtype and shape from the server
    again = BigArray(conn, arr.oid)
    assert (again.shape, again.dtype) == (shape, np.dtype(dtype))
    assert same_bits(again.to_numpy(), data)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_server_sees_the_values(conn, dtype):
    data = sample(dtype, (4, 5))
    arr = BigArray.from_numpy(conn, data)
    shape, raw, oid = conn.execute(
        f"SELECT {ba('ba_shape')}(%s), {ba('ba_to_bytea')}(%s), {ba('ba_oid')}(%s)",
        (arr, arr, arr)).fetchone()
    assert shape == [4, 5] and oid == arr.oid
    assert raw == data.astype(np.dtype(dtype).newbyteorder("<")).tobytes()


def test_any_layout_and_byte_order(conn):
    data = np.arange(24, dtype=">i4").reshape(4, 6).T[::-1]   # big-endian, strided
    arr = BigArray.from_numpy(conn, data)
    assert arr.dtype == np.dtype("<i4")
    assert np.array_equal(arr.to_numpy(), data)


def test_create_zeros(conn):
    arr = BigArray.create(conn, "float4", (2, 3))
    assert arr.dtype == np.float32 and arr.shape == (2, 3)
    assert np.array_equal(arr.to_numpy(), np.zeros((2, 3), np.float32))
    assert BigArray.create(conn, np.int16, 5).shape == (5,)
    assert BigArray.create(conn, "int64", [0]).to_numpy().shape == (0,)


def test_array_protocol_dtype(conn):
    arr = BigArray.from_numpy(conn, np.array([1.5, 2.5]))
    assert np.array_equal(np.asarray(arr, dtype=np.int32), [1, 2])
    assert np.asarray(arr).dtype == np.float64
