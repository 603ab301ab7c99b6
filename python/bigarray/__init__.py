"""
bigarray: numpy on the client for PostgreSQL's bigarray extension.

    import psycopg, numpy as np, bigarray
    conn = psycopg.connect(...)
    bigarray.register(conn)
    a = bigarray.BigArray.from_numpy(conn, np.arange(10.0))
    a[2:5], a.sum(), a.to_numpy()
"""
from ._adapt import register
from ._array import BigArray

__all__ = ["BigArray", "register"]
