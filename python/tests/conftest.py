"""
Fixtures: every test runs against a real server, reached through the
libpq environment (PGHOST, PGPORT, PGUSER, PGDATABASE as pg_virtualenv
sets them).  The extension is installed once in a schema that is not on
anyone's search_path, so every statement the client sends must name it.

conn is a fresh connection in a transaction that is rolled back at the
end: what a test makes leaves nothing behind.  The run ends with the line
"N passed, M failed" that scripts/test.sh sums (errors count as failed).
"""
import os
import sys

import psycopg
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import bigarray  # noqa: E402

SCHEMA = "ba ext"
# a test waiting on a lock it can never get fails instead of hanging
os.environ.setdefault("PGOPTIONS", "-c lock_timeout=30s")   # a schema name that needs quoting


@pytest.fixture(scope="session")
def extension():
    with psycopg.connect(autocommit=True) as c:
        found = c.execute("SELECT extnamespace::regnamespace::text FROM pg_extension"
                          " WHERE extname = 'bigarray'").fetchone()
        if found is None:
            c.execute(f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"')
            c.execute(f'CREATE EXTENSION bigarray SCHEMA "{SCHEMA}"')
        elif found[0] != f'"{SCHEMA}"':
            pytest.fail(f"bigarray is installed in {found[0]}, the tests"
                        f" want it in \"{SCHEMA}\"")
    return SCHEMA


def ba(name):
    """An extension function's name, schema-qualified, for tests' SQL."""
    return f'"{SCHEMA}".{name}'


@pytest.fixture
def connect(extension):
    """connect(**kwargs): new connections, closed at the end of the test."""
    made = []

    def make(**kwargs):
        c = psycopg.connect(**kwargs)
        made.append(c)
        return c
    yield make
    for c in made:
        c.close()


@pytest.fixture
def conn(connect):
    c = connect()
    bigarray.register(c)
    yield c
    c.rollback()


@pytest.fixture(params=["box", "flat"])
def server_kind(request, conn):
    """Each test using it runs twice: with the server's n-d box functions,
    and as against a server without them (flat runs only)."""
    srv = bigarray._server.server(conn)
    if request.param == "flat":
        srv.has_box = False
    else:
        assert srv.has_box, "this server has the box functions"
    return request.param


def pytest_terminal_summary(terminalreporter):
    stats = terminalreporter.stats
    failed = len(stats.get("failed", [])) + len(stats.get("error", []))
    terminalreporter.write_line(f"{len(stats.get('passed', []))} passed, {failed} failed")
