"""Quick pipeline check: python bench/quick.py extract N | plain N JOBS | gate N JOBS (first N articles of bench/out/corpus)."""
import glob, resource, sys, tempfile, time, json, os
from pathlib import Path
files = sorted(glob.glob("bench/out/corpus/*.txt"))
mode, n = sys.argv[1], int(sys.argv[2])
t0 = time.time(); c0 = time.process_time()
if mode == "extract":
    from kg.extract import extract_text
    from kg.rdf import article_graph
    from kg.reading import read_article
    for i, f in enumerate(files[:n]):
        article_graph(extract_text(read_article(f), Path(f).stem))
    out = {"articles": n}
else:
    from kg.store import Store
    from kg.loader import load
    s = Store(tempfile.mkdtemp() + "/kg")
    r = load(s, files[:n], validate=(mode == "gate"), progress=False, jobs=int(sys.argv[3]))
    out = {"articles": n, "summary": r.summary()}
wall = time.time() - t0; cpu = time.process_time() - c0
out.update(mode=mode, wall=round(wall, 1), per_s=round(n / wall, 1), per_cpu_s=round(n / cpu, 1) if mode != "gate" or sys.argv[3] == "1" else None,
           maxrss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
print(json.dumps(out, ensure_ascii=False))
