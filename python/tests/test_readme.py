"""The README's "From Python" example runs as written, in a database of
its own (it installs the extension in the default schema)."""
import os
import re
import subprocess
import sys

import psycopg

HERE = os.path.dirname(os.path.abspath(__file__))
README = os.path.join(HERE, "..", "..", "README.md")


def readme_example():
    text = open(README).read()
    section = text.split("\n## From Python\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 1
    return blocks[0]


def test_readme_example(connect):
    admin = connect(autocommit=True)
    admin.execute("DROP DATABASE IF EXISTS bigarray_readme")
    admin.execute("CREATE DATABASE bigarray_readme")
    try:
        env = dict(os.environ, PGDATABASE="bigarray_readme",
                   PYTHONPATH=os.path.join(HERE, ".."))
        run = subprocess.run([sys.executable, "-c", readme_example()], env=env,
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        with psycopg.connect(dbname="bigarray_readme") as c:
            # it cleaned up after itself
            assert c.execute("SELECT count(*) FROM pg_largeobject_metadata").fetchone()[0] == 0
    finally:
        admin.execute("DROP DATABASE bigarray_readme")
