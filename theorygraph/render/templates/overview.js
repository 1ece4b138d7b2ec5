/* The overview a large map opens on: an evidence-and-gap grid of mechanisms (rows) against
   study designs, theory versions or, when a review has few enough, outcomes (columns).
   Each cell's bubble grows in area with the distinct studies behind it; an empty dashed
   ring is a gap. A click opens the mechanism's configurations as a readable sub-map.
   Every piece of user text goes in with textContent; nothing is fetched. */
"use strict";
(function () {
  var ROWS_AT_ONCE = 60;       // rows drawn at first, and added by "Show more" or scrolling
  var MAX_OUTCOMES = 40;       // more outcomes than this and a mechanism x outcome grid is unreadable
  var BUBBLE_MAX = 30;         // px: the diameter of the cell with the most studies
  var BUBBLE_MIN = 9;          // px: the smallest bubble (one study in a large review)
  var STANCE_WORD = { supports: "supporting", refutes: "refuting", refines: "refining" };
  var STANCES = ["supports", "refutes", "refines"];

  function open(container, TG) {
    var D = TG.data, el = TG.el, plural = TG.plural;
    var NODES = {}, CMOCS = {};
    D.nodes.forEach(function (n) { NODES[n.id] = n; });
    D.cmocs.forEach(function (c) { CMOCS[c.id] = c; });
    var mechanisms = D.nodes.filter(function (n) { return n.ntype === "Mechanism"; });
    var outcomeCount = D.nodes.filter(function (n) { return n.ntype === "Outcome"; }).length;
    var studyCount = Object.keys(D.studies).length;
    function number(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }  // 1,380 (toLocaleString is slow)
    function count(n, one, many) { return number(n) + " " + (n === 1 ? one : (many || one + "s")); }

    // --- the kinds of column, each: its columns, and a mechanism's extracts in each -------------
    var kinds = [];
    var designs = {};
    Object.keys(D.studies).forEach(function (s) { designs[D.studies[s].design] = true; });
    var designList = Object.keys(designs).sort(function (a, b) {
      return (a === "unknown") - (b === "unknown") || (a < b ? -1 : a > b ? 1 : 0);
    });
    // outcomes that CMOCs join to a mechanism, and the evidence on each pair: the extracts of
    // those CMOCs that bear on both (on the whole CMOC, or on the link between the two)
    var reached = {};
    D.cmocs.forEach(function (c) { if (c.mechanisms.length) c.outcomes.forEach(function (o) { reached[o] = true; }); });
    var reachedList = Object.keys(reached);
    if (reachedList.length && reachedList.length <= MAX_OUTCOMES) {
      var pairs = {};
      D.cmocs.forEach(function (c) {
        c.mechanisms.forEach(function (m) {
          var row = pairs[m] = pairs[m] || {};
          c.outcomes.forEach(function (o) {
            var cell = row[o] = row[o] || { xs: [], seen: {} };
            c.extracts.forEach(function (x) {
              var link = D.extracts[x].link;
              if ((!link || (link[0] === m && link[1] === o)) && !cell.seen[x]) { cell.seen[x] = true; cell.xs.push(x); }
            });
          });
        });
      });
      // outcomes in the order the mechanisms with most studies reach them, so the evidence
      // runs down the diagonal rather than scattering across the grid
      var order = [], placed = {};
      mechanisms.slice().sort(function (a, b) { return b.studies - a.studies || (a.id < b.id ? -1 : 1); }).forEach(function (m) {
        var row = pairs[m.id] || {};
        Object.keys(row).map(function (o) { return [o, TG.distinctStudies(row[o].xs)]; })
          .sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : 1); })
          .forEach(function (p) { if (!placed[p[0]]) { placed[p[0]] = true; order.push(p[0]); } });
      });
      reachedList = order;
      kinds.push({
        key: "outcome", name: "Outcomes",
        columns: reachedList.map(function (o) {
          return { key: o, label: (NODES[o] && NODES[o].unintended ? "\u26a0 " : "") + TG.labelOf(o), title: TG.labelOf(o) + " (" + o + ")" };
        }),
        cells: function (m) {
          var out = {};
          Object.keys(pairs[m.id] || {}).forEach(function (o) { out[o] = pairs[m.id][o].xs; });
          return out;
        },
        // only the outcomes a CMOC joins to the mechanism can be gaps; the rest are not theorised
        stated: function (m, o) { return !!(pairs[m.id] && pairs[m.id][o]); },
        select: function (m, o) { return D.edges.some(function (e) { return e.id === m.id + "->" + o; }) ? { kind: "edge", id: m.id + "->" + o } : { kind: "node", id: m.id }; }
      });
    }
    kinds.push({
      key: "design", name: "Study design",
      columns: designList.map(function (d) { return { key: d, label: d, title: "Studies of design " + d }; }),
      cells: function (m) {
        var out = {};
        m.extracts.forEach(function (x) {
          var d = (D.studies[D.extracts[x].study] || {}).design;
          (out[d] = out[d] || []).push(x);
        });
        return out;
      },
      stated: function () { return true; },
      select: function (m) { return { kind: "node", id: m.id }; }
    });
    if (D.theories.length > 1) {
      kinds.push({
        key: "theory", name: "Theory version",
        columns: D.theories.map(function (t) {
          var words = t.label + (t.version ? " (" + t.version + ")" : "");
          return { key: t.id, label: words, title: words + (t.status ? ", " + t.status : "") };
        }),
        cells: function (m) {
          var out = {};
          m.extracts.forEach(function (x) {
            var c = CMOCS[D.extracts[x].cmoc];
            (c ? c.theories : []).forEach(function (t) { (out[t] = out[t] || []).push(x); });
          });
          return out;
        },
        // a mechanism is a gap in a version that holds it; it is not in the others
        stated: function (m, t) { return m.theories.indexOf(t) >= 0; },
        select: function (m) { return { kind: "node", id: m.id }; }
      });
    }
    var kind = kinds[0];
    var raw = {};  // kind key -> mechanism id -> column key -> extract ids (before the filters)
    function rawCells(m) {
      var byKind = raw[kind.key] = raw[kind.key] || {};
      return byKind[m.id] || (byKind[m.id] = kind.cells(m));
    }

    // --- the counts under the study filters -----------------------------------------------------
    var rows = [];          // every mechanism: {node, xs, studies, stance, cells: {key: {...}}}
    var maxStudies = 1;
    var sortBy = null;      // a column key, or null: rows by their distinct studies in all
    var EMPTY = [];
    function summarise(xs, all) {
      // the project's rules (TG), asked only where there is something to count
      return { xs: xs, all: all, studies: xs.length ? TG.distinctStudies(xs) : 0, stance: xs.length ? TG.linkStance(xs) : "none" };
    }
    function compute() {
      maxStudies = 1;
      var visible = {};  // extract id -> whether the study filters leave it (asked once each)
      function shown(xs) {
        return xs.filter(function (x) { return visible[x] === undefined ? (visible[x] = TG.extractShown(x)) : visible[x]; });
      }
      rows = mechanisms.map(function (m) {
        var own = rawCells(m), cells = {};
        kind.columns.forEach(function (col) {
          var all = own[col.key] || EMPTY;
          var c = summarise(all.length ? shown(all) : EMPTY, all.length);
          c.stated = kind.stated(m, col.key);
          if (c.studies > maxStudies) maxStudies = c.studies;
          cells[col.key] = c;
        });
        var total = summarise(shown(m.extracts), m.extracts.length);
        total.node = m; total.cells = cells;
        return total;
      });
      sortRows();
    }
    function sortRows() {
      rows.sort(function (a, b) {
        var x = sortBy ? b.cells[sortBy].studies - a.cells[sortBy].studies : 0;
        return x || b.studies - a.studies || (a.node.id < b.node.id ? -1 : 1);
      });
    }
    function studiesByStance(xs) {
      var seen = { supports: {}, refutes: {}, refines: {} };
      xs.forEach(function (x) { var e = D.extracts[x]; seen[e.stance][e.study] = true; });
      return STANCES.map(function (s) { return [s, Object.keys(seen[s]).length]; }).filter(function (p) { return p[1]; });
    }
    function describe(c) {
      var parts = studiesByStance(c.xs).map(function (p) { return number(p[1]) + " " + STANCE_WORD[p[0]]; });
      var text = count(c.studies, "study", "studies") + (parts.length ? ": " + parts.join(", ") : "");
      if (c.stance === "contested") text += " (contested)";
      return text;
    }

    // --- the page: heading, explanation, controls, legend, grid -------------------------------------
    container.replaceChildren();
    var root = el("div", null, "tgo");
    container.appendChild(root);
    var head = el("div", null, "tgo-head");
    root.appendChild(head);
    var titleRow = el("div", null, "tgo-title-row");
    titleRow.appendChild(el("h2", "Evidence overview", "tgo-title"));
    var whole = el("button", "Whole map", "tgo-whole");
    whole.type = "button";
    whole.title = "Show the full network of every context, mechanism and outcome";
    whole.addEventListener("click", function () {
      window.theorygraphWhole = false;
      TG.whole(function () { window.tgTimings.whole = performance.now(); window.theorygraphWhole = true; });
    });
    titleRow.appendChild(whole);
    head.appendChild(titleRow);
    var candidates = mechanisms.filter(function (m) { return m.unsupported; }).length;
    head.appendChild(el("p",
      "This review holds " + count(mechanisms.length, "mechanism") + ", " + count(outcomeCount, "outcome") +
      " and " + count(studyCount, "study", "studies") + (candidates ? "; " + count(candidates, "mechanism is a candidate", "mechanisms are candidates") + " without evidence." : "."),
      "tgo-summary"));
    head.appendChild(el("p",
      "Each bubble counts the distinct studies with extracts on a mechanism (row) in a column: the bigger its area, " +
      "the more studies; its colour and mark give their stance. A dashed empty ring is a gap: no study. " +
      "Click a mechanism or a bubble to open its configurations and extracts.", "tgo-explain"));

    var controls = el("div", null, "tgo-controls");
    head.appendChild(controls);
    var kindLabel = el("label", "Columns ", "tgo-control");
    var kindSelect = document.createElement("select");
    kindSelect.id = "tgo-columns";
    kinds.forEach(function (k) {
      var option = el("option", k.name + " (" + k.columns.length + ")");
      option.value = k.key;
      kindSelect.appendChild(option);
    });
    kindLabel.appendChild(kindSelect);
    controls.appendChild(kindLabel);
    var findLabel = el("label", "Mechanisms ", "tgo-control");
    var find = document.createElement("input");
    find.type = "search"; find.id = "tgo-find"; find.placeholder = "type to narrow";
    find.setAttribute("aria-label", "Show only mechanisms whose name or id holds this text");
    findLabel.appendChild(find);
    controls.appendChild(findLabel);
    var status = el("span", "", "tgo-status");
    status.setAttribute("aria-live", "polite");
    controls.appendChild(status);

    var legend = el("div", null, "tgo-legend");
    legend.setAttribute("aria-hidden", "true");  // the cells say all of this in words
    head.appendChild(legend);
    function drawLegend() {
      legend.replaceChildren();
      [1, Math.max(2, Math.round(maxStudies / 4)), maxStudies].filter(function (n, i, a) { return a.indexOf(n) === i && n <= maxStudies; }).forEach(function (n) {
        var item = el("span", null, "tgo-key");
        item.appendChild(bubble({ studies: n, stance: "supporting", stated: true }));
        item.appendChild(el("span", count(n, "study", "studies")));
        legend.appendChild(item);
      });
      [["supporting", "supporting"], ["refuting", "refuting"], ["contested", "contested: both"], ["refining", "refining only"]].forEach(function (s) {
        var item = el("span", null, "tgo-key");
        item.appendChild(bubble({ studies: Math.max(1, Math.round(maxStudies / 4)), stance: s[0], stated: true }));
        item.appendChild(el("span", D.edgeStyles[s[0]].mark + " " + s[1]));
        legend.appendChild(item);
      });
      var gap = el("span", null, "tgo-key");
      gap.appendChild(bubble({ studies: 0, stance: "none", stated: true }));
      gap.appendChild(el("span", "gap"));
      legend.appendChild(gap);
    }

    var scroller = el("div", null, "tgo-scroll");
    root.appendChild(scroller);
    var table = el("table", null, "tgo-grid");
    table.setAttribute("role", "grid");
    table.setAttribute("aria-label", "Mechanisms against columns: distinct studies in each cell");
    scroller.appendChild(table);
    table.setAttribute("data-kind", kind.key);
    var thead = el("thead"), tbody = el("tbody");
    table.appendChild(thead); table.appendChild(tbody);
    var more = el("div", null, "tgo-more");
    scroller.appendChild(more);

    // a bubble: area from the distinct studies, colour and mark from the stance (edgeStyles)
    function bubble(c) {
      var b = el("span", null, "tgo-bubble");
      if (!c.studies) {
        b.className += c.stated ? " tgo-gap" : " tgo-none";
        return b;
      }
      var d = Math.max(BUBBLE_MIN, Math.round(BUBBLE_MAX * Math.sqrt(c.studies / maxStudies)));
      b.style.width = b.style.height = d + "px";
      b.className += " tgo-" + c.stance;
      b.style.setProperty("--tgo-colour", D.edgeStyles[c.stance].color);
      return b;
    }

    function drawHead() {
      thead.replaceChildren();
      var tr = el("tr");
      var corner = el("th", null, "tgo-corner");
      corner.scope = "col";
      var cornerButton = el("button", "Mechanism \u00b7 studies", "tgo-colhead");
      cornerButton.type = "button";
      cornerButton.title = "Sort by the distinct studies on each mechanism";
      cornerButton.setAttribute("data-r", "-1"); cornerButton.setAttribute("data-c", "0");
      cornerButton.addEventListener("click", function () { sortBy = null; sortRows(); drawHead(); drawBody(shownCount); });
      corner.appendChild(cornerButton);
      if (!sortBy) corner.setAttribute("aria-sort", "descending");
      tr.appendChild(corner);
      var seen = columnStudies();
      kind.columns.forEach(function (col, i) {
        var th = el("th", null, "tgo-col");
        th.scope = "col";
        th.setAttribute("data-column", col.key);
        if (sortBy === col.key) th.setAttribute("aria-sort", "descending");
        var b = el("button", null, "tgo-colhead");
        b.type = "button";
        b.title = col.title + " \u00b7 " + count(seen[col.key], "study", "studies") + " \u00b7 click to sort the mechanisms by it";
        b.setAttribute("data-r", "-1"); b.setAttribute("data-c", String(i + 1));
        b.appendChild(el("span", col.label, "tgo-collabel"));
        b.appendChild(el("span", number(seen[col.key]), "tgo-colcount"));
        b.addEventListener("click", function () { sortBy = col.key; sortRows(); drawHead(); drawBody(shownCount); });
        th.appendChild(b);
        tr.appendChild(th);
      });
      thead.appendChild(tr);
    }
    function columnStudies() {
      var seen = {};
      kind.columns.forEach(function (col) { seen[col.key] = {}; });
      rows.forEach(function (r) {
        kind.columns.forEach(function (col) {
          r.cells[col.key].xs.forEach(function (x) { seen[col.key][D.extracts[x].study] = true; });
        });
      });
      var out = {};
      Object.keys(seen).forEach(function (k) { out[k] = Object.keys(seen[k]).length; });
      return out;
    }

    // --- the rows: the first ROWS_AT_ONCE that match, more on demand ---------------------------------
    var matching = [];
    var shownCount = 0;
    // the theory version chosen in the filters hides the mechanisms it does not hold, as
    // it hides them on the network
    function matches() {
      var q = find.value.trim().toLowerCase();
      var theory = TG.theory();
      matching = !q && !theory ? rows : rows.filter(function (r) {
        return (!theory || r.node.theories.indexOf(theory) >= 0) &&
          (!q || r.node.id.toLowerCase().indexOf(q) >= 0 || String(r.node.plain).toLowerCase().indexOf(q) >= 0);
      });
    }
    function drawBody(upTo) {
      matches();
      tbody.replaceChildren();
      shownCount = 0;
      addRows(Math.max(upTo || 0, ROWS_AT_ONCE));
      if (!matching.length) {
        var tr = el("tr"), td = el("td", rows.length ? "No mechanism matches." : "No mechanism in this map.", "tgo-empty");
        td.colSpan = kind.columns.length + 1;
        tr.appendChild(td); tbody.appendChild(tr);
      }
      keepActive();
    }
    function addRows(n) {
      var end = Math.min(matching.length, shownCount + n);
      var frag = document.createDocumentFragment();
      for (var i = shownCount; i < end; i++) frag.appendChild(rowOf(matching[i], i));
      tbody.appendChild(frag);
      shownCount = end;
      drawMore();
    }
    // scrolling near the end adds the next rows; the buttons do the same from the keyboard
    var nearEnd = window.IntersectionObserver ? new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; }) && shownCount < matching.length) addRows(ROWS_AT_ONCE);
    }, { rootMargin: "300px" }) : null;
    var next = el("button", "", "tgo-show"), all = el("button", "", "tgo-show");
    next.type = all.type = "button";
    next.addEventListener("click", function () { addRows(ROWS_AT_ONCE); });
    all.addEventListener("click", function () { addRows(matching.length - shownCount); });
    more.appendChild(next); more.appendChild(all);
    function drawMore() {
      if (nearEnd) { nearEnd.unobserve(more); nearEnd.observe(more); }
      var left = matching.length - shownCount;
      status.textContent = (matching.length === rows.length ? "" : number(matching.length) + " of " + number(rows.length) + " match; ") +
        "showing " + number(shownCount) + " of " + count(matching.length, "mechanism");
      next.hidden = all.hidden = left <= 0;
      next.textContent = "Show " + number(Math.min(left, ROWS_AT_ONCE)) + " more";
      all.textContent = "Show all " + number(matching.length);
    }
    function rowOf(r, index) {
      var m = r.node;
      var tr = el("tr", null, m.unsupported ? "tgo-candidate" : "");
      tr.setAttribute("data-mechanism", m.id);
      var th = el("th", null, "tgo-rowhead");
      th.scope = "row";
      var b = el("button", null, "tgo-mech");
      b.type = "button";
      b.setAttribute("data-r", String(index)); b.setAttribute("data-c", "0");
      b.tabIndex = -1;  // the grid is one tab stop (keepActive)
      b.setAttribute("data-studies", String(r.studies));
      b.appendChild(el("span", m.plain, "tgo-name"));
      var line = m.id + " \u00b7 " + count(r.studies, "study", "studies");
      if (r.studies) line += " " + D.edgeStyles[r.stance].mark;
      var note = [
        m.unsupported ? (m.extracts.length ? "candidate: no supporting evidence" : "candidate: no evidence") : "",
        m.cmocs.length ? "" : "in no CMOC",
        r.all && !r.xs.length && !m.unsupported ? "every extract hidden by the filters" : ""
      ].filter(Boolean).join(" \u00b7 ");
      b.appendChild(el("span", line + (note ? " \u00b7 " + note : ""), "tgo-meta"));
      b.title = m.plain + " (" + m.id + "): " + describe(r) + (note ? "; " + note : "") +
        ". Open its " + plural(m.cmocs.length, "configuration") + " on the map";
      b.setAttribute("aria-label", b.title);
      b.addEventListener("click", function () { drill(m, { kind: "node", id: m.id }, b); });
      th.appendChild(b);
      tr.appendChild(th);
      kind.columns.forEach(function (col, i) {
        var c = r.cells[col.key];
        var td = el("td", null, "tgo-cellbox");
        td.setAttribute("data-column", col.key);
        var cell = el("button", null, "tgo-cell");
        cell.type = "button";
        cell.setAttribute("data-r", String(index)); cell.setAttribute("data-c", String(i + 1));
        cell.tabIndex = -1;
        cell.setAttribute("data-studies", String(c.studies));
        cell.setAttribute("data-stance", c.studies ? c.stance : (c.stated ? "gap" : "not-stated"));
        cell.appendChild(bubble(c));
        if (c.studies) cell.appendChild(el("span", number(c.studies) + " " + D.edgeStyles[c.stance].mark, "tgo-count"));
        var words = c.studies ? describe(c) :
          !c.stated ? "not joined in the theory" :
          c.all ? "gap: no study among those the filters leave (" + plural(c.all, "extract") + " hidden)" : "gap: no study";
        cell.title = m.plain + " \u00d7 " + col.label + ": " + words;
        cell.setAttribute("aria-label", cell.title);
        cell.addEventListener("click", function () { drill(m, kind.select(m, col.key), cell); });
        td.appendChild(cell);
        tr.appendChild(td);
      });
      return tr;
    }

    // --- keyboard: one tab stop in the grid, arrow keys between cells ---------------------------------
    var active = { r: 0, c: 0 };
    function item(r, c) { return table.querySelector('[data-r="' + r + '"][data-c="' + c + '"]'); }
    function keepActive() {
      table.querySelectorAll("[data-r]").forEach(function (b) { b.tabIndex = -1; });
      var target = item(active.r, active.c) || item(0, 0) || item(-1, 0);
      if (target) {
        target.tabIndex = 0;
        active = { r: Number(target.getAttribute("data-r")), c: Number(target.getAttribute("data-c")) };
      }
    }
    table.addEventListener("focusin", function (event) {
      var t = event.target;
      if (!t.hasAttribute || !t.hasAttribute("data-r")) return;
      var was = item(active.r, active.c);
      if (was && was !== t) was.tabIndex = -1;
      t.tabIndex = 0;
      active = { r: Number(t.getAttribute("data-r")), c: Number(t.getAttribute("data-c")) };
    });
    table.addEventListener("keydown", function (event) {
      var r = active.r, c = active.c, last = kind.columns.length;
      switch (event.key) {
        case "ArrowDown": r += 1; break;
        case "ArrowUp": r -= 1; break;
        case "ArrowRight": c += 1; break;
        case "ArrowLeft": c -= 1; break;
        case "PageDown": r += 10; break;
        case "PageUp": r -= 10; break;
        case "Home": c = 0; if (event.ctrlKey) r = 0; break;
        case "End": c = last; if (event.ctrlKey) r = matching.length - 1; break;
        default: return;
      }
      event.preventDefault();
      r = Math.max(-1, Math.min(r, matching.length - 1));
      c = Math.max(0, Math.min(c, last));
      if (r >= shownCount) addRows(r - shownCount + ROWS_AT_ONCE);
      var target = item(r, c);
      if (target) target.focus();
    });

    // --- drilling into a mechanism's configurations ---------------------------------------------------
    var returnTo = null;
    function drill(m, select, from) {
      var members = {};
      members[m.id] = true;
      m.cmocs.forEach(function (id) {
        var c = CMOCS[id];
        if (c) c.contexts.concat(c.mechanisms, c.outcomes).forEach(function (n) { members[n] = true; });
      });
      returnTo = from;
      window.theorygraphDrilled = false;
      window.tgTimings.drillStart = performance.now();
      TG.drill({ nodes: Object.keys(members), select: select, done: function () {
        window.tgTimings.drilled = performance.now();
        window.theorygraphDrilled = m.id;
      } });
    }
    // back from the sub-map: the reader lands on the cell they left from
    new MutationObserver(function () {
      if (!container.hidden && returnTo && returnTo.isConnected) {
        returnTo.focus({ preventScroll: false });
        returnTo = null;
      }
    }).observe(container, { attributes: true, attributeFilter: ["hidden"] });

    // --- redrawing: columns, filters, the find box ---------------------------------------------------
    function redraw() {
      compute();
      drawLegend();
      drawHead();
      drawBody(shownCount);
    }
    kindSelect.addEventListener("change", function () {
      kind = kinds.filter(function (k) { return k.key === kindSelect.value; })[0] || kinds[0];
      table.setAttribute("data-kind", kind.key);
      sortBy = null;
      shownCount = 0;
      redraw();
    });
    var typing = null;
    find.addEventListener("input", function () {
      clearTimeout(typing);
      typing = setTimeout(function () { active = { r: 0, c: 0 }; drawBody(0); }, 120);
    });
    TG.onFilter(redraw);

    redraw();
    window.tgOverview = { kind: function () { return kind.key; } };
    // usable once laid out and painted: the next frame, then the task after it
    requestAnimationFrame(function () { setTimeout(TG.ready, 0); });
  }

  window.TGOverview = { open: open };
})();
