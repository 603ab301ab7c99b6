"""
What the client knows about one connection's server: the schema the
extension lives in, the bigarray type's oid, whether it has the n-d box
functions and axis reductions, and the SQL it sends there.

Every statement names the extension's functions and types with that schema
and PostgreSQL's with pg_catalog, so nothing the caller's search_path puts
first (a hostile function, type or operator) is ever run.  The schema is
looked up once per connection, by a query that is itself qualified.
"""
import threading
import weakref

from psycopg import sql

_LOOKUP = """
SELECT n.nspname, t.oid,
	EXISTS (SELECT FROM pg_catalog.pg_proc p
		WHERE p.pronamespace OPERATOR(pg_catalog.=) n.oid
			AND p.proname OPERATOR(pg_catalog.=) 'ba_set_bytea'
			AND p.pronargs OPERATOR(pg_catalog.=) 4),
	EXISTS (SELECT FROM pg_catalog.pg_proc p
		WHERE p.pronamespace OPERATOR(pg_catalog.=) n.oid
			AND p.proname OPERATOR(pg_catalog.=) 'ba_sum'
			AND p.pronargs OPERATOR(pg_catalog.=) 2)
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) e.extnamespace
JOIN pg_catalog.pg_type t ON t.typnamespace OPERATOR(pg_catalog.=) e.extnamespace
	AND t.typname OPERATOR(pg_catalog.=) 'bigarray'
WHERE e.extname OPERATOR(pg_catalog.=) 'bigarray'
"""

class Server:
    """The extension's schema and type oid on one connection, and its SQL."""

    def __init__(self, conn):
        with conn.cursor() as cur:
            cur.execute(_LOOKUP)
            row = cur.fetchone()
            if row is None:
                raise LookupError(
                    "the bigarray extension is not installed in this database"
                    " (CREATE EXTENSION bigarray)")
            # has_box: the server reads and writes n-d boxes in one call
            # (ba_to_bytea / ba_set_bytea / ba_fill with int8[] corners)
            # has_axis: it reduces along an axis (ba_sum(a, axis int4) ...)
            self.schema, self.type_oid, self.has_box, self.has_axis = row
        self._sql = {}

    def q(self, template):
        """template with {s} as the extension's schema, composed once."""
        composed = self._sql.get(template)
        if composed is None:
            composed = sql.SQL(template).format(s=sql.Identifier(self.schema))
            self._sql[template] = composed
        return composed


_servers = weakref.WeakKeyDictionary()
_servers_lock = threading.Lock()


def server(conn):
    """The Server of conn, looked up at its first use."""
    with _servers_lock:
        found = _servers.get(conn)
    if found is None:
        found = Server(conn)
        with _servers_lock:
            _servers.setdefault(conn, found)
    return found
