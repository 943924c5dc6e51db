#!/usr/bin/env python3
"""Print pip constraints pinning every dependency of pyproject.toml at its lower bound.

Core dependencies and the [plot] and [test] extras: ``rdflib>=7.0`` gives ``rdflib==7.0``.
"""
import re
import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())["project"]
extras = project["optional-dependencies"]
for spec in project["dependencies"] + extras["plot"] + extras["test"]:
    m = re.match(r"^([A-Za-z0-9_.\[\]-]+?)(\[[^\]]*\])?\s*>=\s*([^,;\s]+)", spec)
    if m:
        print(f"{m.group(1)}=={m.group(3)}")
    elif not spec.startswith("tdkg"):
        sys.exit(f"no lower bound in {spec!r}: every dependency needs one")
