"""npm packages for tests, installed once into a cache folder outside the repository.

``npm_install("comunica", {"@comunica/query-sparql": "5.4.1"}, overrides={"undici": "^7"})``
returns a folder holding ``node_modules``; it is reused while its spec is unchanged.
Parallel runs are safe: one process installs under an exclusive lock into a scratch
folder, which is renamed into place only when the install succeeded; the others wait
for the lock and then reuse the result. A missing node/npm, or a registry that cannot
be reached, skips the calling test with the reason; any other install failure fails it.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

STAMP = "tdkg-npm-spec.json"
# npm's error codes and messages for "no registry here" (offline, DNS, proxy, refused).
NETWORK_ERRORS = ("ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENETUNREACH",
                  "EHOSTUNREACH", "network request", "request to https://", "proxy", "ERR_SOCKET_TIMEOUT",
                  "getaddrinfo", "UNABLE_TO_GET_ISSUER_CERT", "SELF_SIGNED_CERT", "ENOTCACHED",
                  "code E5", "code E403", "code E407")


def cache_root() -> Path:
    """$TDKG_TEST_CACHE, else $XDG_CACHE_HOME/tdkg-test, else ~/.cache/tdkg-test."""
    if os.environ.get("TDKG_TEST_CACHE"):
        return Path(os.environ["TDKG_TEST_CACHE"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "tdkg-test"


def require_node() -> tuple[str, str]:
    """Paths of node and npm, or skip."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip(f"needs Node.js and npm on PATH (node: {node or 'missing'}, npm: {npm or 'missing'})")
    return node, npm


def _spec(packages: dict[str, str], overrides: dict[str, str] | None) -> dict:
    return {"dependencies": dict(sorted(packages.items())), "overrides": dict(sorted((overrides or {}).items()))}


def _is_installed(folder: Path, spec: dict) -> bool:
    try:
        return json.loads((folder / STAMP).read_text()) == spec and (folder / "node_modules").is_dir()
    except (OSError, ValueError):
        return False


def npm_install(name: str, packages: dict[str, str], overrides: dict[str, str] | None = None,
                timeout: float = 900) -> Path:
    """The cache folder ``<cache>/<name>`` with ``packages`` installed (exact versions)."""
    _, npm = require_node()
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    folder = root / name
    spec = _spec(packages, overrides)
    if _is_installed(folder, spec):
        return folder
    with open(root / f".{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)              # parallel runs wait here, then reuse
        if _is_installed(folder, spec):
            return folder
        scratch = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=root))
        try:
            manifest = {"name": f"tdkg-test-{name}", "version": "0.0.0", "private": True,
                        "description": "npm packages for the tdkg tests (a cache; safe to delete)",
                        "license": "UNLICENSED", **spec}
            (scratch / "package.json").write_text(json.dumps(manifest, indent=2))
            cmd = [npm, "install", "--no-audit", "--no-fund", "--no-update-notifier", "--loglevel=error",
                   "--save-exact"]
            try:
                r = subprocess.run(cmd, cwd=scratch, capture_output=True, text=True, timeout=timeout,
                                   env={**os.environ, "npm_config_update_notifier": "false"})
            except subprocess.TimeoutExpired:
                pytest.skip(f"npm install of {', '.join(packages)} took over {timeout:.0f} s "
                            "(a slow or unreachable registry)")
            if r.returncode != 0:
                out = (r.stdout + r.stderr)[-3000:]
                hits = [line.strip() for line in out.splitlines()
                        if any(k.lower() in line.lower() for k in NETWORK_ERRORS)]
                if hits:
                    pytest.skip(f"npm cannot reach its registry to install {', '.join(packages)}: "
                                f"{' / '.join(hits[:2])[:300]}")
                raise AssertionError(f"npm install failed ({r.returncode}) in {scratch}:\n{out}")
            (scratch / STAMP).write_text(json.dumps(spec))
            if folder.exists():                       # a stale or older install: move it aside first
                old = Path(tempfile.mkdtemp(prefix=f".{name}.old.", dir=root))
                os.rename(folder, old / "x")
                shutil.rmtree(old, ignore_errors=True)
            os.rename(scratch, folder)                # atomic: readers see all or nothing
        finally:
            if scratch.exists():
                shutil.rmtree(scratch, ignore_errors=True)
    return folder


def bin_path(folder: Path, command: str) -> Path:
    path = folder / "node_modules" / ".bin" / command
    if not path.exists():
        raise AssertionError(f"{command} missing from {folder}/node_modules/.bin: the npm package changed?")
    return path
