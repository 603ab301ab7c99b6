"""numpy-style indexing and assignment, checked against numpy on the same
data: every key gives what numpy gives, every assignment leaves the array
as numpy's copy."""
import numpy as np
import pytest

from bigarray import BigArray

E = Ellipsis
KEYS = [
    0, 5, -1, -6, np.int64(2),
    (1, 2), (1, 2, 3), (-1, -2, -3), (0, -7, 7),
    slice(2, 5), slice(None), slice(None, None, 2), slice(None, None, -1),
    slice(5, 1, -2), slice(-2, None), slice(3, 3), slice(10, 20), slice(4, 1),
    (slice(None), 3), (slice(1, 4), slice(2, 6)), (slice(None), slice(None), 0),
    (E, 2), (1, E), (E,), (1, E, 3), (E, slice(1, 3)),
    (slice(None, None, 3), slice(None), slice(7, 0, -3)),
    (slice(None, None, -2), slice(1, None, 4), slice(None, None, -1)),
    (2, slice(None, None, 2), -1), (slice(1, 2), slice(0, 7), slice(0, 8)),
    (slice(0, 6), slice(3, 4), slice(2, 5)), (slice(5, 0, -1), 6),
]


@pytest.fixture
def pair(conn, server_kind):
    data = np.arange(6 * 7 * 8, dtype=np.int32).reshape(6, 7, 8) * 3 - 500
    return BigArray.from_numpy(conn, data), data


@pytest.mark.parametrize("key", KEYS, ids=repr)
def test_get(pair, key):
    arr, data = pair
    got, want = arr[key], data[key]
    assert type(got) is type(want)
    assert np.shape(got) == np.shape(want)
    assert np.array_equal(got, want)
    if isinstance(got, np.ndarray):
        assert got.dtype == want.dtype


@pytest.mark.parametrize("key", KEYS, ids=repr)
def test_set_scalar(pair, key):
    arr, data = pair
    arr[key] = 17
    data[key] = 17
    assert np.array_equal(arr.to_numpy(), data)


@pytest.mark.parametrize("key", KEYS, ids=repr)
def test_set_array(pair, key):
    arr, data = pair
    values = np.arange(np.size(data[key]), dtype=np.int64).reshape(np.shape(data[key])) + 1000
    arr[key] = values
    data[key] = values
    assert np.array_equal(arr.to_numpy(), data)


def test_set_broadcasts(pair):
    arr, data = pair
    row = np.arange(8) * -1
    arr[1:4] = row
    data[1:4] = row
    arr[:, 2] = np.arange(8)[None, :]           # leading length-1 dimension
    data[:, 2] = np.arange(8)[None, :]
    arr[..., ::3] = np.array([[5], [6], [7], [8], [9], [10], [11]])
    data[..., ::3] = np.array([[5], [6], [7], [8], [9], [10], [11]])
    assert np.array_equal(arr.to_numpy(), data)


@pytest.mark.parametrize("key", [
    (slice(None, None, 3), slice(5, 40), slice(10, 20)),
    (slice(None), slice(None), 7),
    (slice(39, 0, -2), 4, slice(None, None, -5)),
    (Ellipsis, slice(1, 59)),
], ids=repr)
def test_many_runs(conn, server_kind, key):
    """Boxes too sparse to read as whole rows: many runs (flat) or one box
    call; reads and writes as numpy."""
    data = np.random.default_rng(5).standard_normal((40, 50, 60))
    arr = BigArray.from_numpy(conn, data)
    assert np.array_equal(arr[key], data[key])
    values = np.arange(np.size(data[key]), dtype=np.float64).reshape(np.shape(data[key]))
    arr[key] = values
    data[key] = values
    assert np.array_equal(arr.to_numpy(), data)


def test_long_strided_1d(conn, server_kind):
    data = np.arange(100_000, dtype=np.float64)
    arr = BigArray.from_numpy(conn, data)
    assert np.array_equal(arr[::7], data[::7])
    assert np.array_equal(arr[99_999:0:-13], data[99_999:0:-13])
    arr[3::5] = -1.0
    data[3::5] = -1.0
    arr[1::5] = np.arange(len(data[1::5])) * 0.5
    data[1::5] = np.arange(len(data[1::5])) * 0.5
    assert np.array_equal(arr.to_numpy(), data)


def test_conversions_as_numpy(conn):
    ints = BigArray.from_numpy(conn, np.zeros(4, dtype=np.int16))
    ints[0] = 2.7
    ints[1:3] = np.array([-2.7, 1e4])
    ints[3] = True
    assert ints.to_numpy().tolist() == [2, -2, 10000, 1]
    floats = BigArray.from_numpy(conn, np.zeros(4, dtype=np.float32))
    floats[:] = np.array([0.1, np.nan, np.inf, -2**40])
    assert np.array_equal(floats.to_numpy(), np.array([0.1, np.nan, np.inf, -2**40], np.float32),
                          equal_nan=True)
    big = BigArray.from_numpy(conn, np.zeros(2, dtype=np.int64))
    big[0] = 2**63 - 1
    big[1] = -2**63
    assert big.to_numpy().tolist() == [2**63 - 1, -2**63]


@pytest.mark.parametrize("key", [
    6, -7, (0, 0, 8), (0, 0, 0, 0), (E, 1, E)], ids=repr)
def test_keys_numpy_refuses(pair, key):
    arr, data = pair
    with pytest.raises(IndexError):
        data[key]
    with pytest.raises(IndexError):
        arr[key]
    with pytest.raises(IndexError):
        arr[key] = 1


@pytest.mark.parametrize("key", [
    1.5, "a", None, True, [0, 1], np.array([1]), (0, None)], ids=repr)
def test_keys_not_supported(pair, key):
    arr, data = pair
    with pytest.raises(TypeError):
        arr[key]
    with pytest.raises(TypeError):
        arr[key] = 1


@pytest.mark.parametrize("key,value,error", [
    (slice(0, 3), np.ones(2), ValueError),              # shape mismatch
    (0, np.ones((7, 9)), ValueError),
    (0, np.nan, ValueError),                            # int32 cannot hold them
    (0, np.inf, ValueError),
    (0, 2**31, ValueError),
    (0, np.array([-2**31 - 1]), ValueError),
    (0, "x", TypeError),
    (0, 1 + 2j, TypeError),
    (0, [object()], TypeError),
], ids=repr)
def test_bad_values(pair, key, value, error):
    arr, data = pair
    with pytest.raises(error):
        arr[key] = value
    assert np.array_equal(arr.to_numpy(), data)
