#!/usr/bin/env python3
"""scripts/check-reference.py - run doc/reference.md's examples and compare.

Every ```sql block runs, in the order of the file, in one fresh database
(bigarray_reference, made here with CREATE EXTENSION bigarray) through
`psql -XAtq`, its errors included; what it prints must be exactly the
```output block that follows it.  Every function of the extension (pg_proc
members by pg_depend) that users call by name needs a "### name(...)"
entry: the functions PostgreSQL calls for us (type input and output,
operators, operator classes, aggregate steps, planner support) need none.
Needs the server PG* points at, with bigarray installed.  Prints one line
per check and "N passed, M failed".

    python3 scripts/check-reference.py [doc/reference.md]
"""
import re
import subprocess
import sys

DB = 'bigarray_reference'

# the functions users call by name: not those PostgreSQL calls for the
# type, its operators and operator classes, aggregates and the planner
DOCUMENTED_FUNCTIONS = """
SELECT DISTINCT p.proname
FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_proc p ON p.oid = d.objid
WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.deptype = 'e'
  AND d.refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'bigarray')
  AND NOT EXISTS (SELECT FROM pg_catalog.pg_type t WHERE p.oid IN (t.typinput::oid,
        t.typoutput::oid, t.typreceive::oid, t.typsend::oid, t.typmodin::oid,
        t.typmodout::oid, t.typanalyze::oid, t.typsubscript::oid))
  AND NOT EXISTS (SELECT FROM pg_catalog.pg_operator o WHERE o.oprcode::oid = p.oid)
  AND NOT EXISTS (SELECT FROM pg_catalog.pg_proc s WHERE s.prosupport::oid = p.oid)
  AND NOT EXISTS (SELECT FROM pg_catalog.pg_amproc a WHERE a.amproc::oid = p.oid)
  AND NOT EXISTS (SELECT FROM pg_catalog.pg_aggregate a WHERE p.oid IN (a.aggtransfn::oid,
        a.aggfinalfn::oid, a.aggcombinefn::oid, a.aggserialfn::oid,
        a.aggdeserialfn::oid, a.aggmtransfn::oid, a.aggminvtransfn::oid,
        a.aggmfinalfn::oid))
ORDER BY 1
"""

results = []


def check(name, ok, detail=''):
    results.append(ok)
    print(('ok   ' if ok else 'FAIL ') + name)
    if not ok and detail:
        print('     ' + detail.replace('\n', '\n     '))


def psql(db, script):
    """What `psql -XAtq` prints for script, stderr included, as one text."""
    run = subprocess.run(['psql', '-XAtq', '-d', db, '-f', '-'], input=script,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return run.stdout.rstrip('\n'), run.returncode


def parse(path):
    """[(heading, line, [(sql, output or None), ...]), ...] in file order."""
    entries = []
    block = None      # (kind, start line, lines) while inside a fence
    with open(path) as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if block is not None:
                if line == '```':
                    kind, start, lines = block
                    text = '\n'.join(lines)
                    examples = entries[-1][2] if entries else None
                    if examples is None:
                        check('line %d: a ```%s block before the first ### entry' % (start, kind), False)
                    elif kind == 'sql':
                        examples.append([text, None, start])
                    elif examples and examples[-1][1] is None:
                        examples[-1][1] = text
                    else:
                        check('line %d: an output block follows no sql block' % start, False)
                    block = None
                else:
                    block[2].append(line)
            elif line in ('```sql', '```output'):
                block = (line[3:], number, [])
            elif line.startswith('### '):
                entries.append((line[4:], number, []))
    return entries


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else 'doc/reference.md'
    entries = parse(path)

    psql('postgres', 'DROP DATABASE IF EXISTS %s' % DB)
    out, rc = psql('postgres', 'CREATE DATABASE %s' % DB)
    if rc != 0:
        check('a fresh database', False, out)
    else:
        out, rc = psql(DB, 'CREATE EXTENSION bigarray')
        check('CREATE EXTENSION bigarray in a fresh database', rc == 0, out)

        for heading, line, examples in entries:
            if not examples:
                check('line %d: ### %s has an example' % (line, heading), False)
            for sql, expected, start in examples:
                if expected is None:
                    check('line %d: the sql block of ### %s has an output block' % (start, heading), False)
                    continue
                actual, _ = psql(DB, sql)
                check('line %d: ### %s' % (start, heading), actual == expected,
                      'expected:\n%s\nbut psql printed:\n%s' % (expected, actual))

        names, rc = psql(DB, DOCUMENTED_FUNCTIONS)
        documented = {m.group(1) for h, _, _ in entries
                      for m in [re.match(r'([A-Za-z_][A-Za-z0-9_]*)\(', h)] if m}
        if rc != 0 or not names:
            check('the extension\'s functions', False, names)
        for name in names.split('\n') if rc == 0 and names else []:
            check('%s has a ### entry' % name, name in documented)
        psql('postgres', 'DROP DATABASE %s' % DB)

    failed = results.count(False)
    print('%d passed, %d failed' % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
