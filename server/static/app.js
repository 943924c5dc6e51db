// tdkg page: run SPARQL on /sparql or a saved query on /queries/NAME.json, show a table.
// Plain JS, no build step, no requests to any other origin.
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const el = (tag, props, text) => {
    const e = Object.assign(document.createElement(tag), props || {});
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const meta = document.querySelector('meta[name="tdkg-root"]');
  const ROOT = meta ? meta.content : "";       // the app's mount point ("" at /)
  const ARABIC = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;
  const NUMERIC = /#(integer|decimal|double|float|long|int|short|byte|(non)?(Negative|Positive)Integer)$/i;
  const SAFE_IRI = /^[^\x00-\x20<>"{}|^`\\]+$/;
  const MAX_SHOWN = 2000;        // rows drawn; the downloads have all of them
  const ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9";
  const PREFIXES = {             // the store's usual prefixes (kg/store.py), for display and for
    tdo: "https://w3id.org/tdkg/ontology#",           // queries that use them undeclared
    tdr: "https://w3id.org/tdkg/resource/",
    country: "https://w3id.org/tdkg/country/",
    topic: "https://w3id.org/tdkg/topic/",
    dct: "http://purl.org/dc/terms/",
    skos: "http://www.w3.org/2004/02/skos/core#",
    rdfs: "http://www.w3.org/2000/01/rdf-schema#",
    rdf: "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    owl: "http://www.w3.org/2002/07/owl#",
    xsd: "http://www.w3.org/2001/XMLSchema#",
    prov: "http://www.w3.org/ns/prov#",
    wd: "http://www.wikidata.org/entity/",
  };

  // ------------------------------------------------------------ terms

  function compact(iri) {
    for (const [p, ns] of Object.entries(PREFIXES)) {
      if (iri.startsWith(ns) && iri.length > ns.length) return p + ":" + iri.slice(ns.length);
    }
    return iri;
  }

  /** The query with PREFIX lines added for the usual prefixes it uses without declaring. */
  function withPrefixes(text) {
    const declared = new Set([...text.matchAll(/PREFIX\s+([\w.-]*):/gi)].map((m) => m[1]));
    const added = Object.keys(PREFIXES).filter((p) => !declared.has(p) &&
      new RegExp("(^|[^\\w:.-])" + p + ":").test(text));
    const head = added.map((p) => "PREFIX " + p + ": <" + PREFIXES[p] + ">\n").join("");
    return { text: head + text, added };
  }

  // labels of IRIs shown: IRI -> {ar, en, any} (each {value, lang}); null while looked up / none
  const labels = new Map();

  async function lookupLabels(iris) {
    const todo = [...new Set(iris)].filter((i) => !labels.has(i) && SAFE_IRI.test(i)).slice(0, 1000);
    if (!todo.length) return;
    todo.forEach((i) => labels.set(i, null));
    // rdfs:label first; skos:prefLabel and dct:title (articles' headlines) where there is none
    const query = "SELECT ?s ?l WHERE { VALUES ?s { " + todo.map((i) => "<" + i + ">").join(" ") + " }\n" +
      "  VALUES (?p ?rank) { (<" + PREFIXES.rdfs + "label> 0) (<" + PREFIXES.skos + "prefLabel> 1) (<" +
      PREFIXES.dct + "title> 2) }\n  ?s ?p ?l FILTER(isLiteral(?l)) } ORDER BY ?rank";
    try {
      const resp = await postQuery(query);
      if (!resp.ok) return;
      (await resp.json()).results.bindings.forEach((b) => {
        const lang = (b.l["xml:lang"] || "").toLowerCase();
        const slot = lang.startsWith("ar") ? "ar" : lang.startsWith("en") ? "en" : "any";
        const entry = labels.get(b.s.value) || {};
        if (!entry[slot]) entry[slot] = { value: b.l.value, lang };
        labels.set(b.s.value, entry);
      });
    } catch (e) { /* labels are a nicety */ }
  }

  function paintLabel(a) {
    const l = labels.get(a.dataset.iri);
    if (!l || a.classList.contains("labelled")) return;
    const best = l.ar || l.en || l.any;
    a.textContent = best.value;
    if (best.lang) a.lang = best.lang;
    a.dir = "auto";
    a.title = (l.en && l.en !== best ? l.en.value + "\n" : "") + a.dataset.iri;
    a.classList.add("labelled");
    a.after(el("span", { className: "qname", dir: "ltr" }, compact(a.dataset.iri)));
  }

  function iriLink(iri) {
    const a = el("a", { className: "iri", href: ROOT + "/describe?iri=" + encodeURIComponent(iri), title: iri,
      dir: "ltr" }, compact(iri));
    a.dataset.iri = iri;
    paintLabel(a);
    return a;
  }

  function cell(term) {
    const td = el("td", { dir: "auto" });
    if (!term) return td;
    if (term.type === "uri") {
      td.appendChild(iriLink(term.value));
    } else if (term.type === "bnode") {
      td.appendChild(el("span", { className: "bnode" }, "_:" + term.value));
    } else {
      const lang = term["xml:lang"] || (ARABIC.test(term.value) ? "ar" : "");
      if (lang) td.lang = lang;
      td.appendChild(el("span", { className: "val" }, term.value));
      const dt = term.datatype && !/#(lang)?String$/.test(term.datatype) ? term.datatype : "";
      if (dt) td.title = compact(dt);
      if (NUMERIC.test(dt)) td.classList.add("num");          // numbers: right-aligned, no tag
      else if (term["xml:lang"] || dt) {
        td.appendChild(el("span", { className: "tag", dir: "ltr", lang: "en" },
          term["xml:lang"] ? "@" + term["xml:lang"] : compact(dt)));
      }
    }
    return td;
  }

  // ------------------------------------------------------------ the table

  let current = null;    // {vars, rows, sort: {v, dir}}
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

  function sortKey(t) {
    if (!t) return "";
    const l = t.type === "uri" && labels.get(t.value);
    return l ? (l.ar || l.en || l.any).value : t.value;
  }

  function sortBy(v) {
    const s = current.sort;
    const dir = s && s.v === v ? -s.dir : 1;
    current.sort = { v, dir };
    current.rows = current.rows.slice().sort((x, y) => {
      const a = x[v], b = y[v];
      if (!a || !b) return (!a) - (!b);             // unbound last
      const na = Number(a.value), nb = Number(b.value);
      const c = a.type === "literal" && b.type === "literal" && a.value !== "" && b.value !== "" &&
        !isNaN(na) && !isNaN(nb) ? na - nb : collator.compare(sortKey(a), sortKey(b));
      return c * dir;
    });
    drawTable();
  }

  function drawTable() {
    const table = $("results");
    table.innerHTML = "";
    if (!current) return;
    const { vars, rows, sort } = current;
    const head = table.createTHead().insertRow();
    head.appendChild(el("th", { className: "rownum" }, "#"));
    vars.forEach((v) => {
      const th = el("th", { scope: "col" });
      const b = el("button", { type: "button", className: "sort", title: "sort by ?" + v }, v);
      if (sort && sort.v === v) b.dataset.dir = sort.dir > 0 ? "▲" : "▼";
      b.addEventListener("click", () => sortBy(v));
      th.appendChild(b);
      head.appendChild(th);
    });
    const body = table.createTBody();
    rows.slice(0, MAX_SHOWN).forEach((r, i) => {
      const tr = body.insertRow();
      tr.appendChild(el("td", { className: "rownum" }, String(i + 1)));
      vars.forEach((v) => tr.appendChild(cell(r[v])));
    });
    if (!rows.length) {
      const td = el("td", { colSpan: vars.length + 1, className: "empty" }, "No results.");
      table.createTFoot().insertRow().appendChild(td);
    }
  }

  function iris(rows, vars) {
    const out = [];
    rows.slice(0, MAX_SHOWN).forEach((r) => vars.forEach((v) => { if (r[v] && r[v].type === "uri") out.push(r[v].value); }));
    return out;
  }

  // N-Triples (what CONSTRUCT and DESCRIBE answer here) as subject/predicate/object rows
  const NT_TERM = /<([^>]*)>|_:(\S+)|"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?/g;
  const unescapeNT = (s) => s.replace(/\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))/g, (m, u, U, c) =>
    u || U ? String.fromCodePoint(parseInt(u || U, 16)) : ({ t: "\t", b: "\b", n: "\n", r: "\r", f: "\f" }[c] || c));

  function parseNTriples(text) {
    const rows = [];
    text.split("\n").forEach((line) => {
      const terms = [];
      NT_TERM.lastIndex = 0;
      let m;
      while (terms.length < 3 && (m = NT_TERM.exec(line))) {
        if (m[1] !== undefined) terms.push({ type: "uri", value: unescapeNT(m[1]) });
        else if (m[2] !== undefined) terms.push({ type: "bnode", value: m[2] });
        else {
          const t = { type: "literal", value: unescapeNT(m[3]) };
          if (m[4]) t["xml:lang"] = m[4];
          if (m[5]) t.datatype = m[5];
          terms.push(t);
        }
      }
      if (terms.length === 3) rows.push({ subject: terms[0], predicate: terms[1], object: terms[2] });
    });
    return rows;
  }

  // ------------------------------------------------------------ running

  function postQuery(query) {
    return fetch(ROOT + "/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT },
      body: new URLSearchParams({ query }),
    });
  }

  function setStatus(text, cls) {
    const s = $("status");
    if (s) { s.textContent = text; s.className = cls || ""; }
  }

  function showError(title, message) {
    const box = $("error");
    current = null;
    drawTable();
    setDownloads(null);
    setStatus("");
    if (!box) return;
    box.innerHTML = "";
    box.appendChild(el("strong", {}, title));
    if (message) box.appendChild(el("pre", {}, message));
    box.hidden = false;
  }

  // PREFIX lines the page added in front of the user's query: error positions count them, the
  // user's text does not, so "error at L:C" is shown as the user's own line
  let hiddenLines = 0;

  function userPosition(message) {
    if (!hiddenLines) return message;
    return message.replace(/\b(at|line) (\d+):(\d+)/g, (m, word, l, c) =>
      Number(l) > hiddenLines ? word + " " + (Number(l) - hiddenLines) + ":" + c : m);
  }

  async function httpError(resp) {
    const body = await resp.text();
    try {
      const e = JSON.parse(body).error;
      showError(e.status + " " + e.title, userPosition(e.message));
    } catch (_) {
      showError(resp.status + " " + (resp.statusText || "error"), body.slice(0, 2000));
    }
  }

  const TABLE_FORMATS = [["json", "JSON"], ["xml", "XML"], ["csv", "CSV"], ["tsv", "TSV"]];
  const GRAPH_FORMATS = [["ttl", "Turtle"], ["nt", "N-Triples"], ["jsonld", "JSON-LD"], ["rdf", "RDF/XML"]];

  /** links(fmt) -> href; graph: whether the answer is a graph (CONSTRUCT/DESCRIBE). */
  function setDownloads(links, graph, stem) {
    const box = $("downloads");
    if (!box) return;
    box.innerHTML = "";
    if (!links) return;
    box.appendChild(document.createTextNode("Download "));
    (graph ? GRAPH_FORMATS : TABLE_FORMATS).forEach(([f, label]) => {
      const ext = f === "jsonld" ? "jsonld" : f;
      box.appendChild(el("a", { href: links(f, graph), download: stem + "." + ext, className: "dl" }, label));
    });
  }

  /** Run one request and show its answer. spec: {fetch: () => Promise<Response>, links, stem, share} */
  async function execute(spec) {
    const runBtn = $("run");
    const box = $("error");
    if (box) box.hidden = true;
    setStatus("running…", "busy");
    if (runBtn) runBtn.disabled = true;
    let resp;
    try {
      resp = await spec.fetch();
    } catch (e) {
      showError("Could not reach the endpoint", String(e));
      return;
    } finally {
      if (runBtn) runBtn.disabled = false;
    }
    if (!resp.ok) return httpError(resp);
    const ctype = resp.headers.get("Content-Type") || "";
    let graph = false;
    try {
      if (/n-triples|text\/plain/.test(ctype)) {
        graph = true;
        current = { vars: ["subject", "predicate", "object"], rows: parseNTriples(await resp.text()) };
      } else {
        const data = await resp.json();
        current = data.boolean !== undefined
          ? { vars: ["boolean"], rows: [{ boolean: { type: "literal", value: String(data.boolean) } }], ask: true }
          : { vars: data.head.vars, rows: data.results.bindings };
      }
    } catch (e) {
      return showError("Could not read the answer", ctype + ": " + e);
    }
    drawTable();
    const n = current.rows.length;
    const secs = resp.headers.get("X-TDKG-Seconds");
    const truncated = resp.headers.get("X-TDKG-Truncated");
    setStatus((current.ask ? "ASK: " + current.rows[0].boolean.value : (graph ? n + " triple" : n + " row") + (n === 1 ? "" : "s")) +
      (secs ? " · " + Number(secs).toFixed(3) + " s" : "") +
      (n > MAX_SHOWN ? " · first " + MAX_SHOWN + " shown" : "") +
      (truncated ? " · cut at the server's row limit (" + truncated.replace(/^true;\s*/, "") + ")" : "") +
      (spec.note ? " · " + spec.note : ""), truncated ? "warn" : "ok");
    setDownloads(spec.links, graph, spec.stem);
    if (spec.share && window.history) history.replaceState(null, "", spec.share);
    const shown = iris(current.rows, current.vars);
    if (shown.length) {
      const mine = current;
      await lookupLabels(shown);
      if (current === mine) document.querySelectorAll("#results a.iri").forEach(paintLabel);
    }
  }

  // ------------------------------------------------------------ the saved-query page (/queries/NAME)

  const savedRun = $("saved-run");
  if (savedRun) {
    const { name, values } = JSON.parse(savedRun.textContent);
    const qs = new URLSearchParams(values).toString();
    execute({
      fetch: () => fetch(ROOT + "/queries/" + name + ".json?" + qs, { headers: { Accept: ACCEPT } }),
      links: (f, graph) => graph ? ROOT + "/queries/" + name + "?format=" + f + "&" + qs : ROOT + "/queries/" + name + "." + f + "?" + qs,
      stem: name,
    });
    return;
  }

  // ------------------------------------------------------------ the editor page (/ and /describe)

  if (!$("saved-data")) return;       // a page without the editor
  const saved = JSON.parse($("saved-data").textContent);
  const page = JSON.parse($("page-data").textContent);
  const byName = Object.fromEntries(saved.map((q) => [q.name, q]));
  const select = $("saved"), text = $("query"), params = $("params");

  let listsLoaded = false;
  function loadLists() {          // country codes and topic codes for the parameter inputs
    if (listsLoaded) return;
    listsLoaded = true;
    const query = withPrefixes("SELECT ?kind ?code (SAMPLE(?l) AS ?label) WHERE {\n" +
      "  { ?c a tdo:Country ; tdo:iso2 ?code BIND(\"country\" AS ?kind) }\n" +
      "  UNION { ?c a skos:Concept ; skos:notation ?code BIND(\"topic\" AS ?kind) }\n" +
      "  OPTIONAL { ?c rdfs:label ?l FILTER(langMatches(lang(?l), \"ar\")) }\n" +
      "} GROUP BY ?kind ?code ORDER BY ?kind ?code").text;
    postQuery(query).then((r) => r.ok ? r.json() : null).then((data) => {
      if (!data) return;
      data.results.bindings.forEach((b) => {
        const list = $("list-" + b.kind.value);
        if (list) list.appendChild(el("option", { value: b.code.value, label: b.label ? b.label.value : "" }));
      });
    }).catch(() => {});
  }

  function paramValues() {
    const values = {};
    params.querySelectorAll("input").forEach((i) => { values[i.name] = i.value.trim(); });
    return values;
  }

  function choose(name, values) {
    const q = byName[name];
    select.value = q ? name : "";
    params.innerHTML = "";
    $("answers").textContent = q ? q.answers : "";
    if (!q) return updateMode();
    text.value = q.text;
    q.params.forEach((p) => {
      const label = el("label", { className: "param" });
      label.appendChild(el("span", { className: "pname" }, p.name));
      const input = el("input", { name: p.name, value: (values && values[p.name]) || p.default || "",
        placeholder: p.type, title: p.doc, dir: "auto", size: p.type === "iri" ? 48 : 12 });
      if (p.type === "country" || p.type === "topic") { input.setAttribute("list", "list-" + p.type); loadLists(); }
      input.addEventListener("keydown", (e) => { if (e.key === "Enter") run(); });
      label.appendChild(input);
      label.appendChild(el("small", {}, p.type + " — " + p.doc));
      params.appendChild(label);
    });
    updateMode();
  }

  const lf = (s) => s.replace(/\r\n?/g, "\n");      // a textarea's value has LF line ends only
  function isSavedRun() {
    const q = byName[select.value];
    return !!(q && text.value === lf(q.text));
  }

  function updateMode() {
    const q = byName[select.value];
    const edited = q && !isSavedRun();
    params.classList.toggle("off", !!edited);
    $("mode").textContent = !q ? "free SPARQL, POST /sparql · Ctrl+Enter runs"
      : edited ? "edited: runs as free SPARQL on /sparql, the parameters are not applied"
        : "runs /queries/" + q.name + ".json with the parameters above";
  }

  function run(opts) {
    const first = opts && opts.first;
    if (isSavedRun()) {
      const q = byName[select.value];
      const qs = new URLSearchParams(paramValues()).toString();
      const tail = qs ? "?" + qs : "";
      hiddenLines = 0;
      return execute({
        fetch: () => fetch(ROOT + "/queries/" + q.name + ".json" + tail, { headers: { Accept: ACCEPT } }),
        links: (f, graph) => graph ? ROOT + "/queries/" + q.name + "?format=" + f + (qs ? "&" + qs : "")
          : ROOT + "/queries/" + q.name + "." + f + tail,
        stem: q.name,
        share: first && page.describe ? null : ROOT + "/?saved=" + encodeURIComponent(q.name) + (qs ? "&" + qs : ""),
      });
    }
    const { text: full, added } = withPrefixes(text.value);
    hiddenLines = added.length;
    return execute({
      fetch: () => postQuery(full),
      links: (f) => ROOT + "/sparql?query=" + encodeURIComponent(full) + "&format=" + f,
      stem: page.describe ? "describe" : "results",
      note: added.length ? "added PREFIX " + added.map((p) => p + ":").join(" ") : "",
      share: first ? null : ROOT + "/?query=" + encodeURIComponent(text.value),
    });
  }

  select.addEventListener("change", () => choose(select.value));
  text.addEventListener("input", updateMode);
  $("run").addEventListener("click", () => run());
  text.addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); } });

  if (page.describe) {
    lookupLabels([page.describe]).then(() => {
      const l = labels.get(page.describe);
      const best = l && (l.ar || l.en || l.any);
      if (best) Object.assign($("describe-label"), { textContent: best.value, lang: best.lang });
    });
  }

  const url = new URLSearchParams(location.search);
  if (url.get("saved") && byName[url.get("saved")]) {
    choose(url.get("saved"), Object.fromEntries(url));
    run({ first: true });
  } else {
    updateMode();
    if (page.autorun) run({ first: true });
  }
})();
