#!/usr/bin/env python3
"""scripts/check-meta.py - check META.json against the PGXN meta spec 1.0.0.

https://pgxn.org/spec/ (no network needed): the required keys and their
types, semantic versions, license names, prereqs phases and relations,
release_status; and that META.json agrees with the tree: the extension it
provides is the one bigarray.control describes, at default_version, and the
files it names exist.  Prints one line per check and "N passed, M failed".

    python3 scripts/check-meta.py [META.json]
"""
import json
import os
import re
import sys

# SemVer as the PGXN spec 1.0.0 has it (SemVer 1.0.0: 1.2.3, 1.2.3beta1),
# and the 2.0.0 form 1.2.3-beta.1 that PGXN also accepts.
SEMVER = re.compile(r'^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)'
                    r'(?:-?[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$')
RANGE_PART = re.compile(r'^(?:(==|!=|>=|<=|>|<)\s*)?(\S+)$')
LICENSES = {
    'agpl_3', 'apache_1_1', 'apache_2_0', 'artistic_1', 'artistic_2', 'bsd',
    'freebsd', 'gfdl_1_2', 'gfdl_1_3', 'gpl_1', 'gpl_2', 'gpl_3', 'lgpl_2_1',
    'lgpl_3_0', 'mit', 'mozilla_1_0', 'mozilla_1_1', 'openssl', 'perl_5',
    'postgresql', 'qpl_1_0', 'ssleay', 'sun', 'zlib', 'open_source',
    'restricted', 'unrestricted', 'unknown',
}
PHASES = {'configure', 'build', 'runtime', 'test', 'develop'}
RELATIONS = {'requires', 'recommends', 'suggests', 'conflicts'}
RELEASE_STATUS = {'stable', 'testing', 'unstable'}

results = []


def check(name, ok, detail=''):
    results.append(ok)
    print(('ok   ' if ok else 'FAIL ') + name + ('' if ok or not detail else ': ' + detail))


def is_string(v):
    return isinstance(v, str) and v.strip() != ''


def is_string_list(v):
    return isinstance(v, list) and len(v) > 0 and all(is_string(x) for x in v)


def is_version_range(v):
    """'0' (any), a version, or comma-separated comparisons with versions."""
    if not isinstance(v, str):
        return False
    if v == '0':
        return True
    for part in v.split(','):
        m = RANGE_PART.match(part.strip())
        if not m or not SEMVER.match(m.group(2)):
            return False
    return True


def control_setting(path, key):
    with open(path) as f:
        for line in f:
            m = re.match(r"^\s*%s\s*=\s*'([^']*)'" % key, line)
            if m:
                return m.group(1)
    return None


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else 'META.json'
    root = os.path.dirname(os.path.abspath(path))
    try:
        with open(path) as f:
            meta = json.load(f)
        check('META.json is a JSON object', isinstance(meta, dict))
    except (OSError, ValueError) as e:
        check('META.json parses', False, str(e))
        meta = {}
    if not isinstance(meta, dict):
        meta = {}

    # required keys
    name = meta.get('name')
    check('name: a string of 2+ characters without /, \\ or spaces',
          is_string(name) and len(name) >= 2 and not re.search(r'[/\\\s]', name), repr(name))
    check('abstract: a string', is_string(meta.get('abstract')))
    check('version: a semantic version', isinstance(meta.get('version'), str)
          and bool(SEMVER.match(meta['version'])), repr(meta.get('version')))
    m = meta.get('maintainer')
    check('maintainer: a string or a list of strings', is_string(m) or is_string_list(m))
    lic = meta.get('license')
    check('license: a known license name, a list of them, or an object of name: URL',
          (isinstance(lic, str) and lic in LICENSES)
          or (isinstance(lic, list) and len(lic) > 0 and all(x in LICENSES for x in lic))
          or (isinstance(lic, dict) and len(lic) > 0 and all(is_string(u) for u in lic.values())),
          repr(lic))
    spec = meta.get('meta-spec')
    check('meta-spec: an object with version 1.0.0',
          isinstance(spec, dict) and spec.get('version') == '1.0.0', repr(spec))
    provides = meta.get('provides')
    ok = isinstance(provides, dict) and len(provides) > 0
    check('provides: an object with at least one extension', ok)
    for ext, p in (provides.items() if ok else []):
        check('provides.%s: file and version' % ext, isinstance(p, dict) and is_string(p.get('file'))
              and isinstance(p.get('version'), str) and bool(SEMVER.match(p['version'])), repr(p))
        if not isinstance(p, dict):
            continue
        for key in ('file', 'docfile'):
            if key in p:
                check('provides.%s.%s exists in the tree' % (ext, key),
                      is_string(p[key]) and os.path.isfile(os.path.join(root, p[key])), repr(p[key]))
        if 'abstract' in p:
            check('provides.%s.abstract: a string' % ext, is_string(p['abstract']))

    # optional keys, when present
    if 'description' in meta:
        check('description: a string', is_string(meta['description']))
    if 'tags' in meta:
        check('tags: a list of strings of at most 255 characters', is_string_list(meta['tags'])
              and all(len(t) <= 255 for t in meta['tags']))
    if 'release_status' in meta:
        check('release_status: stable, testing or unstable', meta['release_status'] in RELEASE_STATUS,
              repr(meta['release_status']))
    if 'no_index' in meta:
        ni = meta['no_index']
        check('no_index: an object of file and directory lists', isinstance(ni, dict)
              and set(ni) <= {'file', 'directory'} and all(is_string_list(v) for v in ni.values()))
    if 'prereqs' in meta:
        pr = meta['prereqs']
        ok = isinstance(pr, dict) and set(pr) <= PHASES
        for phase in (pr.values() if ok else []):
            ok = ok and isinstance(phase, dict) and set(phase) <= RELATIONS
            for rel in (phase.values() if ok else []):
                ok = ok and isinstance(rel, dict) and all(is_version_range(v) for v in rel.values())
        check('prereqs: phases of relations of version ranges', ok, repr(pr))
    if 'resources' in meta:
        check('resources: an object', isinstance(meta['resources'], dict))

    # agreement with the tree
    control = os.path.join(root, '%s.control' % name) if is_string(name) else ''
    check('%s exists' % os.path.basename(control or 'the control file'), os.path.isfile(control))
    if os.path.isfile(control) and isinstance(provides, dict):
        default = control_setting(control, 'default_version')
        # PGXN wants three-part versions: the control file's 0.2 is 0.2.0
        semver = default + '.0' * (2 - default.count('.')) if default else None
        check('version is the control file\'s default_version (%s)' % default,
              meta.get('version') == semver, repr(meta.get('version')))
        p = provides.get(name)
        check('provides.%s is at the control file\'s default_version' % name,
              isinstance(p, dict) and p.get('version') == semver, repr(p))

    failed = results.count(False)
    print('%d passed, %d failed' % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
