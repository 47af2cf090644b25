// The interactive waterfall of a flake8-import-cost report.
// The data is the JSON report (report-v1) embedded in the page. Every text taken from it is set with
// textContent; only the rows in view are in the DOM, so thousands of modules stay responsive.
(function () {
  "use strict";
  var started = performance.now();
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var mods = data.modules;
  var n = mods.length;
  var ROW = 22;
  var OVERSCAN = 12;

  function $(id) { return document.getElementById(id); }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function ms(us) {
    var v = us / 1000;
    return v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3);
  }
  function plural(count, noun, nouns) { return count.toLocaleString("en") + " " + (count === 1 ? noun : nouns || noun + "s"); }
  function byKey(map, key, value) { (map[key] || (map[key] = [])).push(value); }

  // -- the tree and its indexes --------------------------------------------------------------------
  var selfUs = new Float64Array(n), cumUs = new Float64Array(n), startUs = new Float64Array(n);
  var level = new Int32Array(n), lower = new Array(n), children = new Array(n), roots = [];
  var i, m;
  for (i = 0; i < n; i++) children[i] = [];
  for (i = 0; i < n; i++) {
    m = mods[i];
    selfUs[i] = m.self_us.median;
    cumUs[i] = m.cumulative_us.median;
    startUs[i] = m.start_us;
    lower[i] = m.name.toLowerCase();
    if (m.parent_index === null || m.parent_index >= i) { roots.push(i); level[i] = 0; }
    else { children[m.parent_index].push(i); level[i] = level[m.parent_index] + 1; }
  }
  var span = data.timeline_us > 0 ? data.timeline_us : 1;
  for (i = 0; i < n; i++) span = Math.max(span, startUs[i] + cumUs[i]);
  var maxCum = 0;
  for (i = 0; i < n; i++) maxCum = Math.max(maxCum, cumUs[i]);

  var statementsOf = {}, queriesOf = {}, findingsOf = {}, importersOf = {};
  data.statements.forEach(function (s) { byKey(statementsOf, s.module, s); });
  data.queries.forEach(function (q) { if (q.path !== null) byKey(queriesOf, q.path, q); });
  data.findings.forEach(function (f) { byKey(findingsOf, f.path, f); });
  data.imports.forEach(function (e) { byKey(importersOf, e.module, e); });
  // The worklist (report --findings): module items by the module to defer, line items by their file.
  var worklist = data.worklist || [], workOf = {}, workInFile = {}, indexOf = {}, indexOfPath = {};
  worklist.forEach(function (item) {
    if (item.kind === "module") workOf[item.module] = item;
    else byKey(workInFile, item.lines[0].path, item);
  });
  for (i = n - 1; i >= 0; i--) {
    indexOf[mods[i].name] = i;
    if (mods[i].path !== null) indexOfPath[mods[i].path] = i;
  }
  // 1: findings in the module's file; 2: none there, but deferring the module is on the worklist.
  var flagged = new Uint8Array(n);
  for (i = 0; i < n; i++) {
    if (mods[i].path !== null && findingsOf[mods[i].path]) flagged[i] = 1;
    else if (workOf[mods[i].name]) flagged[i] = 2;
  }

  // -- state ------------------------------------------------------------------------------------------
  var expanded = new Uint8Array(n).fill(1);
  var query = "", threshold = 0, sortKey = "order", flat = false, selected = -1;
  var matched = new Uint8Array(n), keep = new Uint8Array(n);
  var rows = [];
  var sortedChildren = {};

  function key(j) { return sortKey === "self" ? selfUs[j] : cumUs[j]; }
  function ordered(list) {
    if (sortKey === "order") return list;
    return list.slice().sort(function (a, b) { return key(b) - key(a) || a - b; });
  }
  function kids(j) {
    if (sortKey === "order") return children[j];
    var cache = sortedChildren[sortKey] || (sortedChildren[sortKey] = {});
    return cache[j] || (cache[j] = ordered(children[j]));
  }

  function computeRows() {
    var out = [], j;
    var searching = query.length > 0;
    if (searching) {
      for (j = 0; j < n; j++) { matched[j] = lower[j].indexOf(query) >= 0 ? 1 : 0; keep[j] = matched[j]; }
      // Children come after their parent in import order: one backward pass marks every ancestor of a match.
      for (j = n - 1; j >= 0; j--) {
        var p = mods[j].parent_index;
        if (keep[j] && p !== null && p < j) keep[p] = 1;
      }
    }
    if (flat) {
      for (j = 0; j < n; j++) if (cumUs[j] >= threshold && (!searching || matched[j])) out.push(j);
      return ordered(out);
    }
    var stack = ordered(roots).slice().reverse();
    while (stack.length) {
      j = stack.pop();
      if (cumUs[j] < threshold || (searching && !keep[j])) continue;
      out.push(j);
      if (expanded[j] || searching) {
        var c = kids(j);
        for (var k = c.length - 1; k >= 0; k--) stack.push(c[k]);
      }
    }
    return out;
  }

  // -- rendering: a pool of row elements reused for the rows in view ---------------------------------
  var viewport = $("viewport"), spacer = $("spacer"), box = $("rows");
  var pool = [];

  function makeRow() {
    var row = el("div", "row");
    row.setAttribute("role", "treeitem");
    row.tabIndex = -1;
    var cell = el("span", "cell");
    var toggle = el("span", "toggle");
    var name = el("span", "name");
    var flag = el("span", "flag", "!");
    cell.append(toggle, name, flag);
    var self = el("span", "num");
    var cum = el("span", "num");
    var track = el("span", "track");
    var bar = el("span", "bar");
    var barSelf = el("span", "bar-self");
    bar.appendChild(barSelf);
    track.appendChild(bar);
    row.append(cell, self, cum, track);
    row.parts = { toggle: toggle, name: name, flag: flag, self: self, cum: cum, bar: bar, barSelf: barSelf };
    row.index = -1;
    box.appendChild(row);
    pool.push(row);
    return row;
  }

  function fill(row, j) {
    var parts = row.parts;
    if (row.index !== j) {
      row.index = j;
      row.dataset.index = String(j);
      parts.name.textContent = mods[j].name;
      parts.name.title = mods[j].path === null ? mods[j].name : mods[j].name + " (" + mods[j].path + ")";
      parts.self.textContent = ms(selfUs[j]);
      parts.cum.textContent = ms(cumUs[j]);
      parts.bar.style.left = (100 * startUs[j] / span) + "%";
      parts.bar.style.width = (100 * cumUs[j] / span) + "%";
      parts.barSelf.style.width = (cumUs[j] > 0 ? Math.min(100, 100 * selfUs[j] / cumUs[j]) : 100) + "%";
      parts.bar.title = "self " + ms(selfUs[j]) + " ms, cumulative " + ms(cumUs[j]) + " ms, from " + ms(startUs[j]) + " ms";
      parts.flag.hidden = !flagged[j];
      parts.flag.title = flagged[j] === 1 ? "static findings in this module" : "deferring this module is on the worklist";
      row.classList.toggle("project", !!mods[j].in_project);
    }
    var indent = flat ? 0 : level[j] * 12;
    parts.toggle.style.marginLeft = indent + "px";
    var has = !flat && children[j].length > 0;
    parts.toggle.textContent = has ? (expanded[j] || query ? "\u25be" : "\u25b8") : "";
    if (has) row.setAttribute("aria-expanded", expanded[j] || query ? "true" : "false");
    else row.removeAttribute("aria-expanded");
    row.classList.toggle("selected", j === selected);
    row.classList.toggle("hit", query.length > 0 && matched[j] === 1);
    row.hidden = false;
  }

  function render() {
    var height = viewport.clientHeight || 600;
    var first = Math.max(0, Math.floor(viewport.scrollTop / ROW) - OVERSCAN);
    var last = Math.min(rows.length, Math.ceil((viewport.scrollTop + height) / ROW) + OVERSCAN);
    box.style.transform = "translateY(" + (first * ROW) + "px)";
    var k;
    for (k = 0; k < last - first; k++) fill(pool[k] || makeRow(), rows[first + k]);
    for (; k < pool.length; k++) if (!pool[k].hidden) { pool[k].hidden = true; pool[k].index = -1; }
  }

  function refresh() {
    rows = computeRows();
    spacer.style.height = (rows.length * ROW) + "px";
    $("shown").textContent = rows.length === n ? plural(n, "module") : rows.length.toLocaleString("en") + " of " + plural(n, "module");
    render();
  }

  var pending = false;
  viewport.addEventListener("scroll", function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; render(); });
  });
  window.addEventListener("resize", render);

  // -- details of one module -------------------------------------------------------------------------
  function section(parent, title, empty, items) {
    parent.appendChild(el("h3", null, title));
    if (!items.length) { parent.appendChild(el("p", "none", empty)); return null; }
    return parent;
  }
  function table(parent, headings) {
    var t = el("table"), head = el("tr");
    headings.forEach(function (h) { head.appendChild(el("th", h.cls, h.text)); });
    t.appendChild(head);
    parent.appendChild(t);
    return t;
  }
  function tr(t, cells) {
    var row = el("tr");
    cells.forEach(function (c) {
      var td = el("td", c.cls);
      if (c.code) td.appendChild(el("code", null, c.text)); else td.textContent = c.text;
      row.appendChild(td);
    });
    t.appendChild(row);
    return row;
  }

  function showDetails(j) {
    var m = mods[j], pane = $("details");
    pane.replaceChildren();
    if (worklist.length) {
      var back = el("button", "back", "\u2190 Worklist");
      back.type = "button";
      pane.appendChild(back);
    }
    pane.appendChild(el("h2", null, m.name));
    if (m.path !== null) pane.appendChild(el("p", null, m.path + (m.in_project ? " (project code)" : "")));
    var facts = table(pane, [{ text: "" }, { text: "median", cls: "num" }, { text: "fastest\u2013slowest", cls: "num" }]);
    tr(facts, [{ text: "self ms" }, { text: ms(m.self_us.median), cls: "num" }, { text: ms(m.self_us.min) + "\u2013" + ms(m.self_us.max), cls: "num" }]);
    tr(facts, [{ text: "cumulative ms" }, { text: ms(m.cumulative_us.median), cls: "num" }, { text: ms(m.cumulative_us.min) + "\u2013" + ms(m.cumulative_us.max), cls: "num" }]);
    if (m.target && data.run.kind === "measure") pane.appendChild(el("p", "hint", "In the tree of " + m.target + ", imported in a fresh interpreter."));
    if (m.parent !== null) pane.appendChild(el("p", null, "Imported by " + m.parent + "; imports " + plural(children[j].length, "module") + "."));

    var mine = workOf[m.name];
    var inFile = m.path !== null ? (workInFile[m.path] || []) : [];
    if (mine || inFile.length) {
      pane.appendChild(el("h3", null, "On the worklist"));
      var wl = el("ul", "worklist");
      if (mine) {
        var li = el("li", "work-item", "#" + (worklist.indexOf(mine) + 1) + " \u00b7 deferring it saves " + saving(mine) +
          (mine.note ? ": " + mine.note : "") + "; every line that imports it:");
        itemLines(li, mine);
        wl.appendChild(li);
      }
      inFile.forEach(function (item) {
        wl.appendChild(el("li", "work-item", "#" + (worklist.indexOf(item) + 1) + " \u00b7 line " + item.lines[0].line + " " +
          item.codes.join(" ") + ": fixing it saves " + saving(item)));
      });
      pane.appendChild(wl);
    }

    var findings = m.path !== null ? (findingsOf[m.path] || []) : [];
    var onLine = {};
    findings.forEach(function (f) { byKey(onLine, f.line, f); });
    var where = section(pane, "Findings", "No static finding in this module's file.", findings);
    if (where) {
      var list = el("ul");
      findings.forEach(function (f) {
        var item = el("li", "finding");
        item.dataset.line = String(f.line);
        item.appendChild(el("span", "loc", "line " + f.line + ", col " + f.col + ": "));
        item.appendChild(el("code", null, f.code));
        item.appendChild(document.createTextNode(" " + f.message + (f.measured_ms === null ? "" : " (measured " + f.measured_ms.toFixed(1) + " ms)")));
        list.appendChild(item);
      });
      pane.appendChild(list);
    }

    var statements = statementsOf[m.name] || [];
    where = section(pane, "Costliest statements", data.run.kind === "profile" ? "No timed statement." : "Measure runs time whole modules; run `flake8-import-cost profile` for statements.", statements);
    if (where) {
      // A profile times statements under a tracer: their times are the traced ones (the findings' are scaled back).
      var traced = data.run.overhead !== null && data.run.overhead > 1;
      var st = table(pane, [{ text: "line", cls: "num" }, { text: traced ? "traced ms" : "ms", cls: "num" }, { text: "code" }, { text: "findings" }]);
      if (traced) pane.appendChild(el("p", "hint", "Inclusive times under the profiler's tracer, " + data.run.overhead.toFixed(1) + "x slower than the untraced start-up; a finding's measured time is scaled back."));
      statements.slice(0, 25).forEach(function (s) {
        var codes = (s.path === m.path ? onLine[s.line] || [] : []).map(function (f) { return f.code; }).join(" ");
        var row = tr(st, [{ text: String(s.line), cls: "num" }, { text: ms(s.inclusive_us.median), cls: "num" }, { text: s.code === null ? "(" + s.scope + ")" : s.code, code: true }, { text: codes, cls: "finding" }]);
        row.dataset.line = String(s.line);
      });
    }

    var queries = m.path !== null ? (queriesOf[m.path] || []) : [];
    where = section(pane, "SQL it ran", "No SQL recorded from this module's lines.", queries);
    if (where) {
      var groups = {}, order = [];
      queries.forEach(function (q) { var k = String(q.line); if (!groups[k]) { groups[k] = []; order.push(k); } groups[k].push(q); });
      var qt = table(pane, [{ text: "line", cls: "num" }, { text: "count", cls: "num" }, { text: "ms", cls: "num" }, { text: "SQL" }]);
      order.forEach(function (k) {
        var g = groups[k], total = 0;
        g.forEach(function (q) { total += q.duration_us; });
        tr(qt, [{ text: k, cls: "num" }, { text: String(g.length), cls: "num" }, { text: ms(total), cls: "num" }, { text: g[0].sql, code: true }]);
      });
    }

    var importers = importersOf[m.name] || [];
    where = section(pane, "Import-time lines that import it", "None recorded.", importers);
    if (where) {
      var il = el("ul");
      importers.slice(0, 50).forEach(function (e) { il.appendChild(el("li", null, e.path + ":" + e.line + (e.first ? " (loaded it)" : " (already loaded)"))); });
      pane.appendChild(il);
    }
  }

  // -- the worklist ----------------------------------------------------------------------------------
  function saving(item) {
    if (item.saving_ms !== null) return item.saving_ms.toFixed(1) + " ms";
    return item.estimate_ms !== null ? "~" + item.estimate_ms.toFixed(0) + " ms " + item.estimate_source + ", not measured" : "not measured";
  }
  function headline(item) {
    if (item.kind === "module") return "defer " + item.module + (item.note ? ": " + item.note : "");
    var f = item.findings[0];
    return f.path + ":" + f.line + " " + item.codes.join(" ");
  }
  // The module a worklist item is about: the module to defer, else the module of the finding's file.
  function moduleOf(item) {
    var j = item.kind === "module" ? indexOf[item.module] : indexOfPath[item.lines[0].path];
    return j === undefined ? -1 : j;
  }
  function itemLines(parent, item) {
    var list = el("ul");
    var findings = {};
    item.findings.forEach(function (f) { findings[f.path + ":" + f.line] = f; });
    var outside = 0;
    item.lines.forEach(function (line) {
      if (!line.in_project) { outside++; return; }
      var f = findings[line.path + ":" + line.line];
      var li = el("li", "work-line", line.path + ":" + line.line + (line.at_start_up ? " (at start-up)" : "") + ": ");
      li.dataset.line = String(line.line);
      li.appendChild(f ? el("code", null, f.code) : el("span", "hint", "imports it, no finding"));
      if (f) li.appendChild(document.createTextNode(" " + f.message));
      list.appendChild(li);
    });
    if (item.kind === "line") item.findings.slice(1).forEach(function (f) {
      var li = el("li", "work-line", "col " + f.col + ": ");
      li.appendChild(el("code", null, f.code));
      li.appendChild(document.createTextNode(" " + f.message));
      list.appendChild(li);
    });
    if (outside) list.appendChild(el("li", "hint", plural(outside, "line") + " outside the project import it too"));
    parent.appendChild(list);
  }
  var WORKLIST_FIRST = 100; // items drawn at first; the others on demand, so a long worklist costs no load time
  function showWorklist(all) {
    var pane = $("details");
    selected = -1;
    pane.replaceChildren();
    pane.appendChild(el("h2", null, "Worklist: what fixing would save at start-up"));
    pane.appendChild(el("p", "hint", plural(worklist.length, "item") + " from " + plural(data.findings.length, "finding") +
      ", the largest saving first; a module imported by several lines is one item. Click one to see its module."));
    var list = el("ol", "worklist");
    var shown = all === true ? worklist : worklist.slice(0, WORKLIST_FIRST);
    shown.forEach(function (item, k) {
      var li = el("li", "work-item");
      li.dataset.rank = String(k + 1);
      var head = el("div", "work-head");
      head.appendChild(el("span", "saving", saving(item)));
      head.appendChild(el("span", "what", headline(item)));
      li.appendChild(head);
      if (item.kind === "line") {
        var first = item.findings[0];
        li.appendChild(el("p", "finding", first.code + " " + first.message));
        if (item.findings.length > 1) itemLines(li, { kind: "line", lines: [], findings: item.findings });
      } else {
        itemLines(li, item);
      }
      var j = moduleOf(item);
      if (j >= 0) {
        li.dataset.index = String(j);
        li.tabIndex = 0;
        li.title = "show " + mods[j].name + " in the waterfall";
      } else {
        li.classList.add("unmeasured");
      }
      list.appendChild(li);
    });
    pane.appendChild(list);
    if (shown.length < worklist.length) {
      var more = el("button", "more", "Show the other " + plural(worklist.length - shown.length, "item"));
      more.type = "button";
      pane.appendChild(more);
    }
    render();
  }
  $("details").addEventListener("click", function (event) {
    var item = event.target.closest(".work-item");
    if (item && item.dataset.index !== undefined) reveal(Number(item.dataset.index));
    else if (event.target.closest(".back")) showWorklist();
    else if (event.target.closest(".more")) showWorklist(true);
  });
  $("details").addEventListener("keydown", function (event) {
    var item = event.target.closest(".work-item");
    if (item && item.dataset.index !== undefined && (event.key === "Enter" || event.key === " ")) {
      reveal(Number(item.dataset.index));
      event.preventDefault();
    }
  });
  // Select module j and bring its row into view: clear the search and the threshold, open its ancestors.
  function reveal(j) {
    if (query || threshold) {
      query = "";
      $("search").value = "";
      threshold = 0;
      $("threshold").value = "0";
      $("threshold-value").textContent = "0 ms";
    }
    for (var p = mods[j].parent_index; p !== null && p < j; p = mods[p].parent_index) expanded[p] = 1;
    refresh();
    var at = rows.indexOf(j);
    if (at >= 0 && (at * ROW < viewport.scrollTop || (at + 1) * ROW > viewport.scrollTop + viewport.clientHeight)) {
      viewport.scrollTop = Math.max(0, at * ROW - viewport.clientHeight / 3);
    }
    select(j);
  }

  function select(j) {
    selected = j;
    showDetails(j);
    render();
  }
  function toggle(j, open) {
    if (!children[j].length || flat) return;
    expanded[j] = open === undefined ? (expanded[j] ? 0 : 1) : (open ? 1 : 0);
    refresh();
  }
  box.addEventListener("click", function (event) {
    var row = event.target.closest(".row");
    if (!row || row.index < 0) return;
    if (event.target.closest(".toggle")) toggle(row.index); else select(row.index);
  });
  box.addEventListener("keydown", function (event) {
    var row = event.target.closest(".row");
    if (!row || row.index < 0) return;
    if (event.key === "Enter" || event.key === " ") { select(row.index); event.preventDefault(); }
    else if (event.key === "ArrowRight") toggle(row.index, true);
    else if (event.key === "ArrowLeft") toggle(row.index, false);
  });

  // -- controls --------------------------------------------------------------------------------------
  $("search").addEventListener("input", function (event) { query = event.target.value.trim().toLowerCase(); refresh(); });
  $("sort").addEventListener("change", function (event) { sortKey = event.target.value; refresh(); });
  $("flat").addEventListener("change", function (event) { flat = event.target.checked; refresh(); });
  var LOW = 10; // µs: the slider's first step above zero
  $("threshold").addEventListener("input", function (event) {
    var v = Number(event.target.value);
    threshold = v === 0 || maxCum <= LOW ? 0 : LOW * Math.pow(maxCum / LOW, v / 100);
    $("threshold-value").textContent = threshold === 0 ? "0 ms" : ms(threshold) + " ms";
    refresh();
  });
  $("expand").addEventListener("click", function () { expanded.fill(1); refresh(); });
  $("collapse").addEventListener("click", function () { expanded.fill(0); refresh(); });

  // -- the page's frame ------------------------------------------------------------------------------
  var run = data.run;
  var summary = [run.kind + " run " + run.id, run.implementation + " " + run.python_version, run.started_at];
  summary.push((run.kind === "profile" ? "start-up " : "total ") + ms(data.total_us) + " ms");
  summary.push(plural(n, "module"));
  if (data.statements.length) summary.push(plural(data.statements.length, "statement"));
  if (data.queries.length) summary.push(plural(data.queries.length, "SQL query", "SQL queries"));
  if (data.findings.length) summary.push(plural(data.findings.length, "finding"));
  if (data.failures.length) summary.push(data.failures.length + " failed");
  $("summary").textContent = summary.join(" \u00b7 ");
  $("scale").textContent = ms(span) + " ms";
  if (data.failures.length) {
    var fl = $("failure-list");
    data.failures.forEach(function (f) {
      var item = el("li");
      item.appendChild(el("code", null, f.target));
      item.appendChild(document.createTextNode(": " + f.reason));
      fl.appendChild(item);
    });
    $("failures").hidden = false;
  }

  if (worklist.length) {
    $("show-worklist").hidden = false;
    $("show-worklist").addEventListener("click", function () { showWorklist(); });
    showWorklist();
  }
  refresh();
  // How long the first render took, for benchmarks/report.py: the script, and navigation start to the
  // waterfall in the DOM, then to the first frame painted after it.
  var timings = window.importCostReport = { scriptMs: performance.now() - started, firstRenderMs: performance.now() };
  requestAnimationFrame(function () { setTimeout(function () { timings.paintedMs = performance.now(); }, 0); });
  document.body.dataset.ready = "true";
})();
