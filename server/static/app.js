// tdkg page: run SPARQL against /sparql or a saved query, show a table. No external resources.
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const ARABIC = /[\u0600-\u06FF]/;

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      const a = document.createElement("a");
      a.href = "/describe?iri=" + encodeURIComponent(term.value);
      a.textContent = term.value;
      td.appendChild(a);
    } else {
      td.textContent = term.value;
      if (term["xml:lang"] || ARABIC.test(term.value)) {
        td.lang = term["xml:lang"] || "ar";
        td.dir = "auto";
      }
      if (term["xml:lang"]) {
        const s = document.createElement("span");
        s.className = "lang"; s.textContent = "@" + term["xml:lang"]; td.appendChild(s);
      }
    }
    return td;
  }

  function render(data) {
    const table = $("results");
    table.innerHTML = "";
    if (data.boolean !== undefined) {
      table.innerHTML = "<tr><th>answer</th></tr><tr><td>" + data.boolean + "</td></tr>";
      return 1;
    }
    const vars = data.head.vars;
    const head = document.createElement("tr");
    vars.forEach((v) => { const th = document.createElement("th"); th.textContent = v; head.appendChild(th); });
    table.appendChild(head);
    data.results.bindings.forEach((b) => {
      const tr = document.createElement("tr");
      vars.forEach((v) => tr.appendChild(cell(b[v])));
      table.appendChild(tr);
    });
    return data.results.bindings.length;
  }

  function downloads(base, sep) {
    const el = $("downloads");
    if (!el) return;
    el.innerHTML = "Download: ";
    [["json", "JSON"], ["xml", "XML"], ["csv", "CSV"], ["tsv", "TSV"]].forEach(([f, label]) => {
      const a = document.createElement("a");
      a.href = base + sep + "format=" + f;
      a.textContent = label;
      a.setAttribute("download", "");
      el.appendChild(a); el.appendChild(document.createTextNode(" "));
    });
  }

  async function show(response) {
    const status = $("status");
    if (!response.ok) {
      let msg = response.status + " " + response.statusText;
      try { msg = (await response.json()).error.message; } catch (e) { /* keep status */ }
      $("results").innerHTML = "";
      if (status) { status.className = "error"; status.textContent = msg; }
      return;
    }
    const n = render(await response.json());
    if (status) {
      status.className = "";
      const secs = response.headers.get("X-TDKG-Seconds");
      status.textContent = n + " row" + (n === 1 ? "" : "s") + (secs ? " in " + secs + " s" : "") +
        (response.headers.get("X-TDKG-Truncated") ? " (truncated)" : "");
    }
  }

  // the saved-query page
  const savedRun = $("saved-run");
  if (savedRun) {
    const { name, values } = JSON.parse(savedRun.textContent);
    const qs = new URLSearchParams(values).toString();
    downloads("/queries/" + name + "?" + qs, "&");
    fetch("/queries/" + name + ".json?" + qs).then(show);
    return;
  }

  // the editor page
  const saved = JSON.parse($("saved-data").textContent);
  const byName = Object.fromEntries(saved.map((q) => [q.name, q]));
  const select = $("saved"), text = $("query"), params = $("params");

  select.addEventListener("change", () => {
    const q = byName[select.value];
    params.innerHTML = "";
    $("answers").textContent = q ? q.answers : "";
    if (!q) return;
    text.value = q.text;
    q.params.forEach((p) => {
      const label = document.createElement("label");
      label.textContent = p.name + " ";
      const input = document.createElement("input");
      input.name = p.name; input.value = p.default || ""; input.title = p.doc;
      label.appendChild(input);
      params.appendChild(label);
    });
  });

  function run() {
    $("status").className = ""; $("status").textContent = "running…";
    const q = byName[select.value];
    if (q && text.value === q.text) {
      const values = {};
      params.querySelectorAll("input").forEach((i) => { values[i.name] = i.value; });
      const qs = new URLSearchParams(values).toString();
      downloads("/queries/" + q.name + "?" + qs, "&");
      return fetch("/queries/" + q.name + ".json?" + qs).then(show);
    }
    downloads("/sparql?query=" + encodeURIComponent(text.value), "&");
    return fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json" },
      body: new URLSearchParams({ query: text.value }),
    }).then(show);
  }

  $("run").addEventListener("click", run);
  text.addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) run(); });
  if (window.TDKG_AUTORUN) run();
})();
