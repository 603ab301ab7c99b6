"""
psycopg 3 adapters for the bigarray type on one connection: a bigarray
value (text @oid, or 0.1's dtype[d1,...]@oid; binary a 4-byte oid) loads
as a BigArray bound to the connection, and a BigArray passes as a
parameter.
"""
import struct

from psycopg.adapt import Dumper, Loader
from psycopg.pq import Format

from ._array import BigArray
from ._server import server


class _TextLoader(Loader):
    format = Format.TEXT

    def load(self, data):
        text = bytes(data).decode("ascii")
        return BigArray(self.connection, int(text[text.rindex("@") + 1:]))


class _BinaryLoader(Loader):
    format = Format.BINARY

    def load(self, data):
        (oid,) = struct.unpack("!I", data)
        return BigArray(self.connection, oid)


class _TextDumper(Dumper):
    format = Format.TEXT

    def dump(self, obj):
        return b"@%d" % obj.oid


class _BinaryDumper(Dumper):
    format = Format.BINARY

    def dump(self, obj):
        return struct.pack("!I", obj.oid)


def register(conn):
    """Adapt the bigarray type on conn: values fetched from a bigarray
    column become BigArray objects bound to conn, and BigArray objects
    pass as query parameters.  The type is looked up in the extension's
    schema, whatever conn's search_path."""
    type_oid = server(conn).type_oid
    for loader in (_TextLoader, _BinaryLoader):
        conn.adapters.register_loader(type_oid, loader)
    for base in (_TextDumper, _BinaryDumper):
        dumper = type(base.__name__, (base,), {"oid": type_oid})
        conn.adapters.register_dumper(BigArray, dumper)
