"""Reads and writes touch only the covered range on the server: a small
box of a large array loads a handful of pages into the reading backend's
cache, not the array."""
import numpy as np

import pytest

import bigarray
from bigarray import BigArray
from conftest import ba


def loads(c):
    return c.execute(f"SELECT {ba('bigarray_cache_loads')}()").fetchone()[0]


@pytest.mark.parametrize("flat", [False, True], ids=["box", "flat"])
def test_small_box_loads_few_pages(conn, connect, flat):
    # 2000 x 2000 float8 = 32 MB = 489 pages of 64 kB; a row is 16,000 bytes
    data = np.random.default_rng(3).standard_normal((2000, 2000))
    arr = BigArray.from_numpy(conn, data)
    conn.commit()
    try:
        reader = connect()                 # a new backend: an empty cache
        box = BigArray(reader, arr.oid)
        if flat:
            bigarray._server.server(reader).has_box = False
        box.refresh()
        before = loads(reader)
        got = box[1000:1010, 300:310]
        used = loads(reader) - before
        assert np.array_equal(got, data[1000:1010, 300:310])
        # 10 rows of 16,000 bytes span at most 4 pages of 64 kB; a cold
        # read loads the parts of a page it needs, a second read of the
        # same page the whole of it: at most 2 loads per page
        assert 1 <= used <= 8
        before = loads(reader)
        box[1500, 7] = 1.0
        box[1500:1502, 8:10] = np.zeros((2, 2))
        assert loads(reader) - before <= 2
        reader.rollback()
        before = loads(reader)
        box.to_numpy()
        assert loads(reader) - before >= 480   # the whole array, for scale
    finally:
        conn.execute(f"SELECT {ba('ba_drop')}(%s)", (arr,))
        conn.commit()
