"""
BigArray: a bigarray on the server, bound to one psycopg 3 connection,
read and written like a numpy array.

Elements travel as raw little-endian bytes (ba_to_bytea / ba_set_bytea) in
binary format, in chunks of at most chunk_bytes.  Every read goes through
_read_box and every write through _write_selection / _fill_selection: the
places that choose between the server's flat calls (one per contiguous
run, many runs per statement) and its n-d box calls (servers that have
them, see _server.has_box).

Transactions are the caller's: statements join the transaction in
progress and nothing is ever committed for the caller.  Only on a
connection in autocommit mode, where each statement would otherwise
commit on its own, does an operation of several statements run as one
transaction of its own (a write all or nothing, a read under one snapshot).
"""
import contextlib
import operator

import numpy as np
from psycopg.pq import TransactionStatus

from . import _index
from ._progress import Progress, check as check_progress
from ._server import server

# numpy dtype (little-endian) -> the server's dtype and its type oid
_DTYPES = {
    np.dtype("<f8"): ("float8", 701),
    np.dtype("<f4"): ("float4", 700),
    np.dtype("<i8"): ("int8", 20),
    np.dtype("<i4"): ("int4", 23),
    np.dtype("<i2"): ("int2", 21),
}
_BY_TYPE_OID = {oid: dt for dt, (_, oid) in _DTYPES.items()}
_BY_NAME = {name: dt for dt, (name, _) in _DTYPES.items()}
MAX_DIMS = 16
# a bytea holds less than 1 GB; larger chunks would not fit one value
_MAX_CHUNK_BYTES = 512 << 20
# Pieces this small are allocated from memory the client's and the
# server's malloc have already touched and kept; a piece of 16 MiB or more
# is new memory for every piece (its own mmap) and costs a page fault for
# every 4 kB of it, on both sides: on a machine where faults are dear that
# made 256 MiB take 6 s to read instead of 0.9 s (bench/client.md).
DEFAULT_CHUNK_BYTES = 4 << 20
# runs per statement when a selection is many short runs
_MAX_RUNS_PER_STATEMENT = 65536


def dtype_of(dtype):
    """The little-endian numpy dtype for dtype, or TypeError."""
    if isinstance(dtype, str) and dtype in _BY_NAME:
        return _BY_NAME[dtype]
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is not None:
        dt = dt.newbyteorder("<")
        if dt in _DTYPES:
            return dt
    raise TypeError(
        f"bigarray has no dtype {dtype!r}: use float64, float32, int64,"
        " int32 or int16")


def _check_chunk_bytes(chunk_bytes):
    if isinstance(chunk_bytes, bool) or not isinstance(chunk_bytes, int):
        raise TypeError("chunk_bytes must be an int")
    if chunk_bytes <= 0:
        raise ValueError("chunk_bytes must be positive")
    return min(chunk_bytes, _MAX_CHUNK_BYTES)


def _check_shape(shape):
    """shape as a tuple of ints, checked: 1 to MAX_DIMS, none negative."""
    if not isinstance(shape, (tuple, list)):
        shape = (shape,)
    try:
        shape = tuple(operator.index(n) for n in shape)
    except TypeError:
        raise TypeError("shape must be an int or a sequence of ints") from None
    if any(n < 0 for n in shape):
        raise ValueError(f"negative dimension in shape {shape}")
    if not 1 <= len(shape) <= MAX_DIMS:
        raise ValueError(
            f"a bigarray has 1 to {MAX_DIMS} dimensions, not {len(shape)}")
    return shape


def _int_list(values):
    """An int8[] in text form: a run list costs no per-element adapting."""
    return "{" + ",".join(map(str, values.tolist())) + "}"


@contextlib.contextmanager
def _own_transaction(conn, snapshot=False):
    """One transaction for several statements, only under autocommit.

    snapshot: a read under one REPEATABLE READ snapshot, so that a read in
    chunks never mixes contents from before and after another commit.
    """
    if conn.autocommit and conn.info.transaction_status == TransactionStatus.IDLE:
        with conn.transaction():
            if snapshot:
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ,"
                             " READ ONLY")
            yield
    else:
        yield


class BigArray:
    """A bigarray on the server, reached through connection.

    shape and dtype are read from the server at first use and kept (the
    dtype never changes; only shape[0] can, by ba_append or ba_resize);
    refresh() reads them again.  Indices are 0-based, as in numpy.
    """

    def __init__(self, connection, oid):
        self.connection = connection
        self.oid = int(oid)
        self._dtype = None
        self._shape = None

    # ---- making arrays ---------------------------------------------------

    @classmethod
    def create(cls, conn, dtype, shape):
        """A new zero-filled array of dtype and shape."""
        dt = dtype_of(dtype)
        shape = _check_shape(shape)
        srv = server(conn)
        with conn.cursor() as cur:
            cur.execute(
                srv.q("SELECT {s}.ba_oid({s}.bigarray_create("
                      "%s::pg_catalog.regtype, VARIADIC %t::pg_catalog.int8[]))"),
                ("pg_catalog." + _DTYPES[dt][0], "{" + ",".join(map(str, shape)) + "}"))
            arr = cls(conn, cur.fetchone()[0])
        arr._dtype, arr._shape = dt, shape
        return arr

    @classmethod
    def from_numpy(cls, conn, array, chunk_bytes=DEFAULT_CHUNK_BYTES,
                   progress=None):
        """A new array holding array's dtype, shape and values.

        Sent in chunks of chunk_bytes, calling progress(done_bytes,
        total_bytes) after each (or a tqdm bar for progress=True).
        """
        if not isinstance(array, np.ndarray):
            raise TypeError(
                f"from_numpy takes a numpy.ndarray, not {type(array).__name__}")
        dt = dtype_of(array.dtype)
        shape = _check_shape(array.shape)
        chunk_bytes = _check_chunk_bytes(chunk_bytes)
        check_progress(progress)
        data = np.ascontiguousarray(array, dtype=dt)
        with _own_transaction(conn):
            arr = cls.create(conn, dt, shape)
            with Progress(progress, data.nbytes) as prog:
                arr._write_flat(0, data.reshape(-1), prog, chunk_bytes)
        return arr

    # ---- what it is ------------------------------------------------------

    @property
    def _server(self):
        return server(self.connection)

    def refresh(self):
        """Read dtype and shape from the server again; returns self."""
        srv = self._server
        with self.connection.cursor() as cur:
            cur.execute(
                srv.q("SELECT {s}.ba_dtype(h)::pg_catalog.oid, {s}.ba_shape(h)"
                      " FROM (SELECT %t::{s}.bigarray) AS a(h)"),
                (self._handle(),))
            type_oid, shape = cur.fetchone()
        self._dtype = _BY_TYPE_OID[type_oid]
        self._shape = tuple(shape)
        return self

    def _handle(self):
        return f"@{self.oid}"

    @property
    def dtype(self):
        """The numpy dtype of the elements (little-endian)."""
        if self._dtype is None:
            self.refresh()
        return self._dtype

    @property
    def shape(self):
        if self._shape is None:
            self.refresh()
        return self._shape

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def nbytes(self):
        return self.size * self.dtype.itemsize

    def __len__(self):
        return self.shape[0]

    def __repr__(self):
        if self._shape is None:
            return f"BigArray(@{self.oid})"
        return (f"BigArray(@{self.oid}, dtype={self._dtype.name},"
                f" shape={self._shape})")

    # ---- whole-array transfers -------------------------------------------

    def to_numpy(self, progress=None, chunk_bytes=DEFAULT_CHUNK_BYTES):
        """The whole array as a numpy array, read in chunks.

        The shape is read again first; under autocommit the chunks are read
        under one snapshot.
        """
        chunk_bytes = _check_chunk_bytes(chunk_bytes)
        check_progress(progress)
        with _own_transaction(self.connection, snapshot=True):
            self.refresh()
            box = [range(0, n) for n in self._shape]
            with Progress(progress, self.nbytes) as prog:
                return self._read_box(box, prog, chunk_bytes)

    def __array__(self, dtype=None, copy=None):
        data = self.to_numpy()
        return data if dtype is None else data.astype(dtype, copy=False)

    # ---- indexing --------------------------------------------------------

    def __getitem__(self, key):
        """Elements as numpy indexes them: a numpy scalar or a new ndarray.

        The covering box is fetched and the steps are taken here.
        """
        sel = _index.select(self.shape, key)
        if sel.size == 0:
            return np.empty(sel.shape, dtype=self.dtype)
        box = sel.covering_box()
        if self._server.has_box:
            wide = box
        else:
            # runs only: wider rows, if cheap, make fewer runs
            elsize = self.dtype.itemsize
            need = elsize * int(np.prod([len(r) for r in box], dtype=np.int64))
            wide = _index.widen(self.shape, box, need, elsize)
        data = self._read_box(wide, None, DEFAULT_CHUNK_BYTES)
        result = data[sel.within(wide)]
        if isinstance(result, np.ndarray) and result.base is not None:
            result = result.copy()
        return result

    def __setitem__(self, key, value):
        """Assign a scalar (broadcast) or an array of the selection's shape.

        Only the selected elements are written.  Values are converted as
        numpy converts them; one the dtype cannot hold raises ValueError.
        """
        sel = _index.select(self.shape, key)
        values = self._coerce(value, sel)
        if sel.size == 0:
            return
        with _own_transaction(self.connection):
            if values.ndim == 0:
                self._fill_selection(sel.ranges, values)
            else:
                self._write_selection(sel.ranges, values.reshape(-1))

    def _coerce(self, value, sel):
        """value as elements of the dtype: a 0-d array for a scalar, else
        the selection's grid in C order.  Raises before anything is sent."""
        if isinstance(value, BigArray):
            raise TypeError("assign a BigArray's values with"
                            " numpy.asarray(other) or other[...]")
        v = np.asarray(value)
        if v.dtype.kind not in "biuf":
            raise TypeError(f"cannot store {v.dtype} values in a"
                            f" {self.dtype.name} bigarray")
        dt = self.dtype
        if v.size:
            if dt.kind == "i":
                if v.dtype.kind == "f":
                    if not np.isfinite(v).all():
                        raise ValueError("cannot store NaN or infinity in an"
                                         f" {dt.name} bigarray")
                    v = np.trunc(v)
                info = np.iinfo(dt)
                lo, hi = v.min(), v.max()
                if lo < info.min or hi > info.max:
                    raise ValueError(f"value out of range for {dt.name}")
            elif dt == np.float32 and v.dtype.kind == "f":
                finite = v[np.isfinite(v)]
                if finite.size and np.abs(finite).max() > np.finfo(np.float32).max:
                    raise ValueError("value out of range for float32")
        if v.ndim == 0:
            return v.astype(dt)
        while v.ndim > len(sel.shape) and v.shape[0] == 1:
            v = v[0]
        v = np.broadcast_to(v, sel.shape)   # ValueError if it cannot
        return np.ascontiguousarray(v.reshape(sel.grid_shape), dtype=dt)

    # ---- reductions ------------------------------------------------------

    def _reduce(self, function, axis):
        """function over the whole array, or along axis (numpy's, 0-based)
        as an ndarray of the other axes' shape; None where the server
        returns NULL (min, max and mean of nothing)."""
        srv = self._server
        if axis is None:
            with self.connection.cursor() as cur:
                cur.execute(srv.q("SELECT {s}." + function + "(%t::{s}.bigarray)"),
                            (self._handle(),))
                return cur.fetchone()[0]
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise TypeError("axis must be an int or None")
        shape = self.shape
        if not -len(shape) <= axis < len(shape):
            raise ValueError(f"axis {axis} is out of bounds for an array of"
                             f" {len(shape)} dimensions")
        axis = int(axis) % len(shape)
        rest = shape[:axis] + shape[axis + 1:]
        if shape[axis] == 0:        # as numpy: sums 0, means nan, no min
            if function in ("ba_min", "ba_max"):
                return None
            empty = 0.0 if function == "ba_sum" else np.nan
            return np.full(rest, empty) if rest else empty
        if 0 in rest:
            return np.empty(rest)
        if not srv.has_axis:
            raise ValueError("reductions along an axis need a server that has"
                             " them (bigarray 0.2 with ba_sum(a, axis))")
        with self.connection.cursor(binary=True) as cur:
            cur.execute(srv.q("SELECT {s}." + function +
                              "(%t::{s}.bigarray, %s::pg_catalog.int4)"),
                        (self._handle(), axis + 1))
            values = cur.fetchone()[0]
        result = np.array(values, dtype=np.float64).reshape(rest)
        return result if rest else float(result)

    def sum(self, axis=None):
        """The sum of all elements, or along axis (an ndarray of the other
        axes), in float8 on the server (0 if empty)."""
        return self._reduce("ba_sum", axis)

    def mean(self, axis=None):
        """The mean, or means along axis, on the server (nan if empty)."""
        result = self._reduce("ba_mean", axis)
        return float("nan") if result is None else result

    def min(self, axis=None):
        """The smallest element, or minima along axis, on the server;
        ValueError if there is nothing to take it of."""
        return self._nonempty(self._reduce("ba_min", axis), "minimum")

    def max(self, axis=None):
        """The largest element, or maxima along axis, on the server;
        ValueError if there is nothing to take it of."""
        return self._nonempty(self._reduce("ba_max", axis), "maximum")

    @staticmethod
    def _nonempty(result, what):
        if result is None:
            raise ValueError(f"zero-size array to reduction operation {what}"
                             " which has no identity")
        return result

    # ---- the server calls ------------------------------------------------

    def _read_box(self, box, prog, chunk_bytes):
        """The elements of box (step-1 ranges) as an ndarray of its shape.

        One flat run is read in chunks; a box of several runs in boxes of
        at most chunk_bytes if the server has box reads, else as runs.
        """
        shape = tuple(len(r) for r in box)
        starts, length = _index.runs(self.shape, box)
        out = np.empty(int(np.prod(shape, dtype=np.int64)), dtype=self.dtype)
        if len(starts) == 1:
            self._read_flat(int(starts[0]), out, prog, chunk_bytes)
        elif len(starts) > 1 and self._server.has_box:
            self._read_boxes(box, out, prog, chunk_bytes)
        elif len(starts) > 1:
            self._read_runs(starts, length, out, prog, chunk_bytes)
        return out.reshape(shape)

    def _read_boxes(self, box, out, prog, chunk_bytes):
        """box into out through the server's box reads, piece by piece."""
        query = self._server.q(
            "SELECT {s}.ba_to_bytea(%t::{s}.bigarray,"
            " %t::pg_catalog.int8[], %t::pg_catalog.int8[])")
        per_piece = max(1, chunk_bytes // self.dtype.itemsize)
        pos = 0
        with self.connection.cursor(binary=True) as cur:
            for piece in _index.pieces(box, per_piece):
                lo, hi = _index.corners(piece)
                cur.execute(query, (self._handle(), lo, hi))
                n = int(np.prod([len(r) for r in piece], dtype=np.int64))
                self._take(cur.fetchone()[0], out, pos, n, prog)
                pos += n

    def _read_flat(self, first, out, prog, chunk_bytes):
        """Elements [first, first + len(out)) into out, chunk by chunk."""
        srv = self._server
        per_chunk = max(1, chunk_bytes // self.dtype.itemsize)
        query = srv.q("SELECT {s}.ba_to_bytea(%t::{s}.bigarray,"
                      " %s::pg_catalog.int8, %s::pg_catalog.int8)")
        with self.connection.cursor(binary=True) as cur:
            for pos in range(0, len(out), per_chunk):
                n = min(per_chunk, len(out) - pos)
                cur.execute(query, (self._handle(), first + pos + 1,
                                    first + pos + n))
                self._take(cur.fetchone()[0], out, pos, n, prog)

    def _read_runs(self, starts, length, out, prog, chunk_bytes):
        """Runs of length elements from each of starts, one after another,
        into out: many runs per statement."""
        srv = self._server
        query = srv.q(
            "SELECT {s}.ba_to_bytea(%t::{s}.bigarray, r.lo, r.hi)"
            " FROM ROWS FROM (pg_catalog.unnest(%t::pg_catalog.int8[]), pg_catalog.unnest(%t::pg_catalog.int8[]))"
            " WITH ORDINALITY AS r(lo, hi, n) ORDER BY r.n")
        per_statement = max(1, min(_MAX_RUNS_PER_STATEMENT,
                                   chunk_bytes // (length * self.dtype.itemsize)))
        pos = 0
        with self.connection.cursor(binary=True) as cur:
            for i in range(0, len(starts), per_statement):
                batch = starts[i:i + per_statement]
                cur.execute(query, (self._handle(), _int_list(batch + 1),
                                    _int_list(batch + length)))
                for (chunk,) in cur:
                    self._take(chunk, out, pos, length, prog)
                    pos += length

    def _take(self, chunk, out, pos, n, prog):
        if len(chunk) != n * self.dtype.itemsize:
            raise RuntimeError(f"the server sent {len(chunk)} bytes for"
                               f" {n} elements")
        out[pos:pos + n] = np.frombuffer(chunk, dtype=self.dtype)
        if prog is not None:
            prog.add(len(chunk))

    def _write_selection(self, ranges, values):
        """values (flat, the selection's grid in C order) into ranges: one
        flat run in chunks, a box through the server's box writes if it
        has them, anything else as runs."""
        starts, length = _index.runs(self.shape, ranges)
        if len(starts) == 1:
            self._write_flat(int(starts[0]), values, None, DEFAULT_CHUNK_BYTES)
        elif self._server.has_box and _index.is_box(ranges):
            self._write_boxes(ranges, values)
        else:
            self._write_runs(starts, length, values)

    def _write_boxes(self, box, values):
        """values into box through the server's box writes, in pieces."""
        query = self._server.q(
            "SELECT {s}.ba_oid({s}.ba_set_bytea(%t::{s}.bigarray,"
            " %t::pg_catalog.int8[], %t::pg_catalog.int8[], %b::pg_catalog.bytea))")
        elsize = self.dtype.itemsize
        raw = memoryview(values.view(np.uint8))
        pos = 0
        with self.connection.cursor() as cur:
            for piece in _index.pieces(box, DEFAULT_CHUNK_BYTES // elsize):
                lo, hi = _index.corners(piece)
                n = int(np.prod([len(r) for r in piece], dtype=np.int64))
                cur.execute(query, (self._handle(), lo, hi,
                                    raw[pos * elsize:(pos + n) * elsize]))
                pos += n

    def _write_flat(self, first, values, prog, chunk_bytes):
        """values into elements [first, first + len(values)), in chunks."""
        srv = self._server
        per_chunk = max(1, chunk_bytes // self.dtype.itemsize)
        query = srv.q("SELECT {s}.ba_oid({s}.ba_set_bytea(%t::{s}.bigarray,"
                      " %s::pg_catalog.int8, %b::pg_catalog.bytea))")
        raw = memoryview(values.view(np.uint8))
        elsize = self.dtype.itemsize
        with self.connection.cursor() as cur:
            for pos in range(0, len(values), per_chunk):
                n = min(per_chunk, len(values) - pos)
                cur.execute(query, (self._handle(), first + pos + 1,
                                    raw[pos * elsize:(pos + n) * elsize]))
                if prog is not None:
                    prog.add(n * elsize)

    def _write_runs(self, starts, length, values):
        """Runs of length elements at each of starts from values, many runs
        per statement: one bytea, cut on the server."""
        srv = self._server
        query = srv.q(
            "SELECT pg_catalog.count({s}.ba_set_bytea(%t::{s}.bigarray, r.lo,"
            " pg_catalog.substr(%b::pg_catalog.bytea, r.off, %s::pg_catalog.int4)))"
            " FROM ROWS FROM (pg_catalog.unnest(%t::pg_catalog.int8[]), pg_catalog.unnest(%t::pg_catalog.int4[]))"
            " AS r(lo, off)")
        elsize = self.dtype.itemsize
        run_bytes = length * elsize
        per_statement = max(1, min(_MAX_RUNS_PER_STATEMENT,
                                   DEFAULT_CHUNK_BYTES // run_bytes))
        raw = memoryview(values.view(np.uint8))
        with self.connection.cursor() as cur:
            for i in range(0, len(starts), per_statement):
                batch = starts[i:i + per_statement]
                offsets = np.arange(len(batch), dtype=np.int64) * run_bytes + 1
                cur.execute(query, (
                    self._handle(),
                    raw[i * run_bytes:(i + len(batch)) * run_bytes],
                    run_bytes, _int_list(batch + 1), _int_list(offsets)))

    def _fill_selection(self, ranges, value):
        """Every selected element := value (a 0-d array of the dtype)."""
        srv = self._server
        if self.dtype.kind == "i":
            v, vtype = int(value), "int8"
        else:
            v, vtype = float(value), "float8"
        query = srv.q(
            "SELECT pg_catalog.count({s}.ba_fill(%t::{s}.bigarray,"
            " %s::pg_catalog." + vtype + ", r.lo, r.hi))"
            " FROM ROWS FROM (pg_catalog.unnest(%t::pg_catalog.int8[]), pg_catalog.unnest(%t::pg_catalog.int8[]))"
            " AS r(lo, hi)")
        starts, length = _index.runs(self.shape, ranges)
        with self.connection.cursor() as cur:
            if len(starts) > 1 and srv.has_box and _index.is_box(ranges):
                lo, hi = _index.corners(ranges)
                cur.execute(srv.q(
                    "SELECT {s}.ba_oid({s}.ba_fill(%t::{s}.bigarray,"
                    " %s::pg_catalog." + vtype + ","
                    " %t::pg_catalog.int8[], %t::pg_catalog.int8[]))"),
                    (self._handle(), v, lo, hi))
                return
            for i in range(0, len(starts), _MAX_RUNS_PER_STATEMENT):
                batch = starts[i:i + _MAX_RUNS_PER_STATEMENT]
                cur.execute(query, (self._handle(), v, _int_list(batch + 1),
                                    _int_list(batch + length)))
