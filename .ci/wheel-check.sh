#!/usr/bin/env bash
# The install a user gets: build the wheel, install it (not editable) into a fresh venv,
# and from a folder outside the checkout run load, validate, query --list, a saved query
# and analyze. With --lowest, every dependency is pinned at its declared lower bound
# (pyproject.toml's ">=" versions). Prints what the install weighs; fails over 200 MB.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
mode=${1:-latest}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
say() { printf '[wheel-check %s] %s\n' "$mode" "$*"; }

"$python" -m venv "$work/venv"
pip="$work/venv/bin/pip"
"$pip" install -q --upgrade pip
"$pip" wheel -q --no-deps -w "$work/dist" "$root"
wheel=$(ls "$work"/dist/tdkg-*.whl)
constraints=()
if [ "$mode" = "--lowest" ]; then
  "$root/.ci/lower-bounds.py" > "$work/lowest.txt"
  say "pinned: $(tr '\n' ' ' < "$work/lowest.txt")"
  constraints=(-c "$work/lowest.txt")
fi
"$pip" install -q "${constraints[@]}" "$wheel"
site=$("$work/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
mb=$(du -sm "$site" | cut -f1)
say "core install: $mb MB in site-packages"
[ "$mb" -lt 200 ] || { say "the core install weighs $mb MB (limit 200)"; exit 1; }

cd "$work"                                     # outside the checkout: only the wheel's files
export PATH="$work/venv/bin:$PATH"
cp -r "$root/data/articles" articles
tdkg load articles --store store --quiet
tdkg validate "$root/tests/data/curated-ok.ttl" --store store
if tdkg validate "$root/tests/data/curated-bad.ttl" --store store > bad.txt; then
  say "curated-bad.ttl passed validation"; exit 1
fi
grep -q "violation" bad.txt
tdkg query --list > list.txt
[ "$(grep -c '^[a-z]' list.txt)" -eq "$(ls "$root"/queries/*.rq | wc -l)" ] || { say "query --list: $(cat list.txt)"; exit 1; }
tdkg query --saved partners-of-country --param country=EG --format csv --store store > partners.csv
grep -q "PS" partners.csv || { say "partners-of-country gave: $(cat partners.csv)"; exit 1; }
tdkg analyze --network countries --format json --store store > analysis.json
"$work/venv/bin/python" -c 'import json,sys; d=json.load(open("analysis.json")); sys.exit(0 if d["nodes"] >= 2 else 1)'
if tdkg plot --network countries --out c.png --store store 2> plot.txt; then
  say "tdkg plot ran without matplotlib"; exit 1
fi
grep -q "tdkg\[plot\]" plot.txt
# the pages, from the wheel's own templates and static files (in process: no port to pick)
"$work/venv/bin/python" - <<'PY'
import sys
from server import create_app
c = create_app({"STORE_PATH": "store"}).test_client()
html = {"Accept": "text/html"}
for path in ("/", "/browse", "/country/EG", "/pair/EG/PS", "/static/browse.css", "/static/app.css"):
    r = c.get(path, headers=html)
    if r.status_code != 200:
        sys.exit(f"{path}: HTTP {r.status_code}: {r.data[:300]!r}")
PY
say "ok: load, validate, query --list, a saved query, analyze, plot's message without [plot], the pages"
