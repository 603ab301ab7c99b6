"""
numpy-style keys turned into what the server is asked for.

A key selects, in each dimension, a Python range of 0-based indices (an
integer selects one and drops the dimension).  A selection whose ranges
all have step 1 is a box; in C order a box is a set of equally long
contiguous flat runs, one per combination of the indices of its outer
dimensions.  Nothing here talks to the server.
"""
import operator

import numpy as np


class Selection:
    """Per dimension a range of indices, and which dimensions stay."""

    def __init__(self, ranges, kept):
        self.ranges = ranges        # one range per dimension of the array
        self.kept = kept            # False where an integer dropped it

    @property
    def grid_shape(self):
        """Shape of the selected elements, dropped dimensions as 1."""
        return tuple(len(r) for r in self.ranges)

    @property
    def shape(self):
        """Shape of the result, as numpy gives it."""
        return tuple(len(r) for r, k in zip(self.ranges, self.kept) if k)

    @property
    def size(self):
        return int(np.prod(self.grid_shape, dtype=np.int64))

    def covering_box(self):
        """The smallest box (step 1 everywhere) holding every element."""
        box = []
        for r in self.ranges:
            if len(r) == 0:
                box.append(range(0, 0))
            else:
                first, last = min(r[0], r[-1]), max(r[0], r[-1])
                box.append(range(first, last + 1))
        return box

    def within(self, box):
        """numpy key picking this selection out of an array holding box."""
        key = []
        for r, b, kept in zip(self.ranges, box, self.kept):
            if not kept:
                key.append(r[0] - b.start)
            elif len(r) == 0:
                key.append(slice(0, 0))
            else:
                start = r[0] - b.start
                stop = r[-1] - b.start + (1 if r.step > 0 else -1)
                key.append(slice(start, stop if stop >= 0 else None, r.step))
        return tuple(key)


def select(shape, key):
    """The Selection of key in an array of shape, as numpy indexes.

    Raises IndexError for indices out of bounds or too many of them and
    TypeError for keys that are not integers, slices or Ellipsis.
    """
    if not isinstance(key, tuple):
        key = (key,)
    if sum(k is Ellipsis for k in key) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    explicit = sum(k is not Ellipsis for k in key)
    if explicit > len(shape):
        raise IndexError(
            f"too many indices: the array is {len(shape)}-dimensional,"
            f" but {explicit} were indexed")
    expanded = []
    for k in key:
        if k is Ellipsis:
            expanded.extend([slice(None)] * (len(shape) - explicit))
        else:
            expanded.append(k)
    expanded.extend([slice(None)] * (len(shape) - len(expanded)))

    ranges, kept = [], []
    for dim, (k, n) in enumerate(zip(expanded, shape)):
        if isinstance(k, slice):
            ranges.append(range(*k.indices(n)))
            kept.append(True)
            continue
        if isinstance(k, (bool, np.bool_)):
            raise TypeError("boolean indices are not supported")
        try:
            i = operator.index(k)
        except TypeError:
            raise TypeError(
                "only integers, slices and Ellipsis are valid bigarray"
                f" indices, not {type(k).__name__}") from None
        if not -n <= i < n:
            raise IndexError(
                f"index {i} is out of bounds for axis {dim} with size {n}")
        i = i + n if i < 0 else i
        ranges.append(range(i, i + 1))
        kept.append(False)
    return Selection(ranges, kept)


def strides(shape):
    """Elements per step of each dimension, C order."""
    out = [1] * len(shape)
    for d in range(len(shape) - 2, -1, -1):
        out[d] = out[d + 1] * shape[d + 1]
    return out


def runs(shape, ranges):
    """The selection's elements as contiguous flat runs, in C order.

    Returns (starts, length): 0-based flat starts (an int64 ndarray) of
    runs of length elements each; the selection's elements in C order are
    the runs one after another.  Inner dimensions merge into one run while
    they are covered whole with step 1.
    """
    ndim = len(shape)
    if any(len(r) == 0 for r in ranges):
        return np.zeros(0, dtype=np.int64), 0
    st = strides(shape)
    length = 1
    d = ndim - 1
    while d >= 0:
        r = ranges[d]
        if len(r) > 1 and r.step != 1:
            break               # a stepped dimension: one run per index
        length *= len(r)
        whole = r.start == 0 and len(r) == shape[d]
        d -= 1
        if not whole:
            break
    # dimensions 0..d are iterated; the run starts at the inner ranges' starts
    base = sum(ranges[j].start * st[j] for j in range(d + 1, ndim))
    starts = np.array([base], dtype=np.int64)
    for j in range(d + 1):
        idx = np.fromiter(ranges[j], dtype=np.int64, count=len(ranges[j]))
        starts = np.add.outer(starts, idx * st[j]).ravel()
    return starts, length


def widen(shape, box, need_bytes, elsize, slack_bytes=65536):
    """The box to read for box: wider rows if that saves runs cheaply.

    From the outermost dimension inwards, the first k such that the box
    with every dimension after k taken whole reads at most twice the bytes
    needed (or at most slack_bytes): fewer, longer runs for little more
    data.  The box itself always qualifies.
    """
    limit = max(2 * need_bytes, slack_bytes)
    for k in range(len(shape)):
        wide = list(box[:k + 1]) + [range(0, n) for n in shape[k + 1:]]
        nbytes = elsize * int(np.prod([len(r) for r in wide], dtype=np.int64))
        if nbytes <= limit:
            return wide
    return list(box)


def is_box(ranges):
    """Whether ranges are a box: every one of step 1 (or one index)."""
    return all(r.step == 1 or len(r) <= 1 for r in ranges)


def corners(box):
    """The box's 1-based inclusive corners, as int8[] text for the server."""
    lo = ",".join(str(r[0] + 1) for r in box)
    hi = ",".join(str(r[-1] + 1) for r in box)
    return "{" + lo + "}", "{" + hi + "}"


def pieces(box, max_elems):
    """box cut into boxes of at most max_elems elements, in C order.

    The cut is along the outermost dimension longer than 1 (those before it
    have one index, so the pieces follow one another in C order); a piece
    that one index of that dimension still makes too large is cut again.
    """
    n = int(np.prod([len(r) for r in box], dtype=np.int64))
    if n <= max_elems:
        yield box
        return
    d = next(j for j, r in enumerate(box) if len(r) > 1)
    inner = n // len(box[d])
    step = max(1, max_elems // inner)
    for s in range(box[d].start, box[d].stop, step):
        sub = list(box)
        sub[d] = range(s, min(s + step, box[d].stop))
        yield from pieces(sub, max_elems)
