"""README "Scaling out": the Virtuoso steps run as written (free ports, a temporary home folder).

The ini block is saved as ``~/virtuoso/virtuoso.ini`` and the bash block is run line by
line except ``sudo apt-get`` (``.ci/run`` installs the package) and the blocking ``tdkg
serve``; ``~`` is a temporary folder and the ports 1111/8890 are replaced by free ones. Real
processes on purpose: the README's commands are run as a user would type them.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, free_port
from stores import have_virtuoso


def section_blocks(lang: str) -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Scaling out")
    section = text[start:text.index("\n## ", start + 10)]
    return re.findall(rf"```{lang}\n(.*?)```", section, re.S)


def processes_in(folder: Path) -> list[int]:
    """Pids of the processes whose working directory is ``folder`` (the Virtuoso started)."""
    pids = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                if Path(os.readlink(f"/proc/{p}/cwd")) == folder:
                    pids.append(int(p))
            except OSError:
                pass
    return pids


def stop(pids: list[int]) -> None:
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        alive = []
        for pid in pids:
            try:
                os.kill(pid, sig)
                alive.append(pid)
            except ProcessLookupError:
                pass
        deadline = time.time() + wait
        while alive and time.time() < deadline:
            alive = [pid for pid in alive if Path(f"/proc/{pid}").exists()
                     and "zombie" not in Path(f"/proc/{pid}/status").read_text(errors="replace")]
            time.sleep(0.2)
        pids = alive
        if not pids:
            return


@pytest.mark.skipif(not have_virtuoso() or not shutil.which("curl"),
                    reason="needs Virtuoso (Debian virtuoso-opensource) and curl; .ci/run installs both")
def test_readme_virtuoso_steps_work_as_written(tmp_path):
    [ini] = section_blocks("ini")
    [script] = [b for b in section_blocks("bash") if "virtuoso-t" in b]
    sql, http = str(free_port()), str(free_port())
    home = tmp_path / "home"
    folder = home / "virtuoso"
    folder.mkdir(parents=True)
    (folder / "virtuoso.ini").write_text(ini.replace("1111", sql).replace("8890", http))
    lines = [line for line in script.replace("\\\n", "").splitlines()
             if line.strip() and not line.startswith(("sudo ", "tdkg serve"))]
    assert any(line.startswith("tdkg load") for line in lines)
    steps = "\n".join(lines).replace("1111", sql).replace("8890", http)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDKG_")}
    env.update(HOME=str(home), PATH=f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}")
    try:
        r = subprocess.run(["bash", "-euo", "pipefail", "-c", steps], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=600)
        log = (folder / "virtuoso.log").read_text(errors="replace")[-1500:] if (folder / "virtuoso.log").exists() else ""
        assert r.returncode == 0, f"{r.stdout[-2000:]}\n{r.stderr[-3000:]}\n{log}"
        stats = dict(re.findall(r"^(\w+)\s+([\d,]+)$", r.stdout, re.M))
        assert stats.get("articles") == "5" and int(stats["triples"].replace(",", "")) > 1000, r.stdout
        assert "country/PS" in r.stdout and "country/RU" in r.stdout       # Egypt's partners
        assert (folder / "virtuoso.db").exists()                        # its files in that folder
    finally:
        stop(processes_in(folder))
