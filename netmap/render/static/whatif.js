/* netmap map page: "what if they left?" and "what if they met?", answered in the page.
 *
 * The partner graph of current ties comes with the page data (netmap.render.whatif). The
 * answers follow netmap's own definitions: a partner cut off is one of the largest
 * connected group (ties between equally large groups go to the one holding the partner
 * listed first) that is no longer in the largest group once the partner has left
 * (netmap.analysis.resilience); a type goes missing when the partner is the only one of
 * its agency type in its region; brokers are the partners of highest betweenness
 * (normalised as NetworkX does), the top max(3, n/20) of those above 0; cut points are
 * articulation points. Uses window.netmap only; everything shown is set as text.
 */
(function () {
  "use strict";
  var nm = window.netmap;
  if (!nm || !nm.data.whatif) { return; }
  var W = nm.data.whatif;
  var ids = W.ids;
  var n = ids.length;
  var index = {};
  ids.forEach(function (id, i) { index[id] = i; });
  var base = [];
  for (var i = 0; i < n; i++) { base.push([]); }
  for (var e = 0; e < W.edges.length; e += 2) {
    base[W.edges[e]].push(W.edges[e + 1]);
    base[W.edges[e + 1]].push(W.edges[e]);
  }
  function nameOf(i) {
    var node = nm.byId["p:" + ids[i]];
    return node ? String(node.name) : ids[i];
  }
  function byId(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  // The adjacency lists with one more tie (a, b), or the base lists.
  function withTie(a, b) {
    if (a === undefined) { return base; }
    var adj = base.slice();
    adj[a] = base[a].concat([b]);
    adj[b] = base[b].concat([a]);
    return adj;
  }

  // The largest connected group without partner `skip` (-1: nobody left): a list of
  // indexes. Groups are found from the lowest index up, so of two equally large ones the
  // first found holds the partner listed first, as resilience picks it.
  function largest(adj, skip) {
    var seen = new Uint8Array(n);
    if (skip >= 0) { seen[skip] = 1; }
    var best = [];
    for (var s = 0; s < n; s++) {
      if (seen[s]) { continue; }
      var group = [s];
      seen[s] = 1;
      for (var k = 0; k < group.length; k++) {
        var nb = adj[group[k]];
        for (var j = 0; j < nb.length; j++) {
          if (!seen[nb[j]]) { seen[nb[j]] = 1; group.push(nb[j]); }
        }
      }
      if (group.length > best.length) { best = group; }
    }
    return best;
  }
  var core = largest(base, -1);

  // What the network loses when partner `id` leaves (resilience's "partners" rows).
  function left(id) {
    var v = index[id];
    if (v === undefined) { return null; }
    var after = {};
    largest(base, v).forEach(function (k) { after[k] = true; });
    var cutOff = core.filter(function (k) { return k !== v && !after[k]; }).map(function (k) { return ids[k]; });
    var kind = W.kinds[W.kind[v]];
    return {
      partner: id,
      largest_component: Object.keys(after).length,
      cut_off: cutOff.sort(byId),
      types_lost: kind[1] === 1 ? [kind[0]] : []
    };
  }

  // Articulation points (Tarjan's low points, with an explicit stack): a list of indexes.
  function cutPoints(adj) {
    var disc = new Int32Array(n).fill(-1), low = new Int32Array(n), parent = new Int32Array(n).fill(-1);
    var next = new Int32Array(n), isCut = new Uint8Array(n), time = 0;
    for (var root = 0; root < n; root++) {
      if (disc[root] >= 0) { continue; }
      var children = 0, stack = [root];
      disc[root] = low[root] = time++;
      while (stack.length) {
        var v = stack[stack.length - 1];
        if (next[v] < adj[v].length) {
          var w = adj[v][next[v]++];
          if (disc[w] < 0) {
            parent[w] = v;
            disc[w] = low[w] = time++;
            if (v === root) { children++; }
            stack.push(w);
          } else if (w !== parent[v]) {
            low[v] = Math.min(low[v], disc[w]);
          }
        } else {
          stack.pop();
          var p = parent[v];
          if (p >= 0) {
            low[p] = Math.min(low[p], low[v]);
            if (p !== root && low[v] >= disc[p]) { isCut[p] = 1; }
          }
        }
      }
      if (children > 1) { isCut[root] = 1; }
    }
    var out = [];
    for (var k = 0; k < n; k++) { if (isCut[k]) { out.push(k); } }
    return out;
  }

  // Betweenness of every partner (Brandes), normalised as NetworkX's
  // betweenness_centrality(normalized=True): pairs counted both ways, over (n-1)(n-2).
  function betweenness(adj) {
    var bc = new Float64Array(n), sigma = new Float64Array(n), dist = new Int32Array(n);
    var delta = new Float64Array(n), order = new Int32Array(n);
    for (var s = 0; s < n; s++) {
      sigma.fill(0); dist.fill(-1); delta.fill(0);
      sigma[s] = 1; dist[s] = 0;
      var head = 0, tail = 0;
      order[tail++] = s;
      while (head < tail) {
        var v = order[head++], nb = adj[v];
        for (var j = 0; j < nb.length; j++) {
          var w = nb[j];
          if (dist[w] < 0) { dist[w] = dist[v] + 1; order[tail++] = w; }
          if (dist[w] === dist[v] + 1) { sigma[w] += sigma[v]; }
        }
      }
      for (var k = tail - 1; k > 0; k--) {
        var x = order[k], nx = adj[x];
        for (var m = 0; m < nx.length; m++) {
          var y = nx[m];
          if (dist[y] === dist[x] - 1) { delta[y] += (sigma[y] / sigma[x]) * (1 + delta[x]); }
        }
        bc[x] += delta[x];
      }
    }
    if (n > 2) {
      var scale = 1 / ((n - 1) * (n - 2));
      for (var q = 0; q < n; q++) { bc[q] *= scale; }
    }
    return bc;
  }

  // The map's brokers: betweenness (to 6 decimals, as netmap reports it) above 0, highest
  // first, ties by name then id; the top max(3, n/20) of them. Partner ids.
  function brokersOf(adj) {
    var bc = betweenness(adj);
    var ranked = [];
    for (var k = 0; k < n; k++) {
      var b = parseFloat(bc[k].toFixed(6));
      if (b > 0) { ranked.push({ k: k, b: b, name: nameOf(k) }); }
    }
    ranked.sort(function (p, q) { return q.b - p.b || byId(p.name, q.name) || byId(ids[p.k], ids[q.k]); });
    return ranked.slice(0, Math.max(3, Math.floor(ranked.length / 20))).map(function (r) { return ids[r.k]; });
  }

  function minus(a, b) {
    var inB = {};
    b.forEach(function (x) { inB[x] = true; });
    return a.filter(function (x) { return !inB[x]; }).sort(byId);
  }
  var before = null;  // the brokers and cut points as the map stands, worked out once
  function current(withBrokers) {
    if (!before) { before = { cut: cutPoints(base).map(function (k) { return ids[k]; }) }; }
    if (withBrokers && !before.brokers) { before.brokers = brokersOf(base); }
    return before;
  }

  // What changes when partners `a` and `b` get a tie: cut points and (up to
  // W.brokers_upto partners) brokers, gained and lost. Partner ids.
  function met(a, b) {
    var i = index[a], j = index[b];
    if (i === undefined || j === undefined || i === j) { return null; }
    var already = base[i].indexOf(j) >= 0;
    var adj = already ? base : withTie(i, j);
    var tooLarge = n > W.brokers_upto;
    var was = current(!tooLarge);
    var cut = cutPoints(adj).map(function (k) { return ids[k]; });
    var out = {
      partners: [a, b],
      already_tied: already,
      cut_points: cut.slice().sort(byId),
      cut_points_gained: minus(cut, was.cut),
      cut_points_lost: minus(was.cut, cut),
      too_large: tooLarge,
      brokers: null, brokers_gained: null, brokers_lost: null
    };
    if (!tooLarge) {
      var brokers = brokersOf(adj);
      out.brokers = brokers;
      out.brokers_gained = minus(brokers, was.brokers);
      out.brokers_lost = minus(was.brokers, brokers);
    }
    return out;
  }

  // ---- Drawing: every change is recorded so that "Clear" puts back what was there. ----
  var CUT_OFF = "#E66100", GAINED = "#E66100", LOST = "#000000", GONE = { background: "#f2f2f2", border: "#b0b0b0" };
  var touched = {};   // node id -> its label, border width and border dashes before the what-if
  var greyed = [];    // edge ids greyed
  var added = null;   // the id of the tie drawn for "met"
  var shown = null;   // "left" or "met" while a what-if is on the map

  function touch(nodeId, change) {
    if (!touched[nodeId]) {
      var item = nm.nodes.get(nodeId);
      touched[nodeId] = { label: item.label, borderWidth: item.borderWidth, shapeProperties: item.shapeProperties };
    }
    change.id = nodeId;
    nm.nodes.update(change);
  }

  function clear() {
    var back = Object.keys(touched).map(function (id) {
      var was = touched[id], orig = nm.original[id];
      return {
        id: id, label: was.label, borderWidth: was.borderWidth, shapeProperties: was.shapeProperties,
        color: orig.color, font: orig.font
      };
    });
    if (back.length) { nm.nodes.update(back); }
    if (greyed.length) { nm.edges.update(greyed.map(function (id) { return { id: id, color: nm.original[id].color }; })); }
    if (added) { nm.edges.remove(added); }
    touched = {}; greyed = []; added = null; shown = null;
    result.textContent = "";
    clearButton.hidden = true;
  }

  // ---- The panel section, built here (text only). ----
  function el(tag, text, id) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (id) { node.id = id; }
    return node;
  }
  var section = el("section", "", "whatif");
  section.appendChild(el("h2", "What if"));
  var hint = el("p", "", "whatif-hint");
  var leftButton = el("button", "What if they left?", "whatif-left");
  var pairButton = el("button", "Pick a partner to meet\u2026", "whatif-pair");
  var metButton = el("button", "What if they met?", "whatif-met");
  var clearButton = el("button", "Clear", "whatif-clear");
  var result = el("div", "", "whatif-result");
  result.setAttribute("aria-live", "polite");
  [leftButton, pairButton, metButton, clearButton].forEach(function (b) { b.type = "button"; b.hidden = true; });
  [hint, leftButton, pairButton, metButton, clearButton, result].forEach(function (x) { section.appendChild(x); });
  var panel = document.getElementById("panel");
  if (panel) {
    var first = panel.querySelector("section");
    panel.insertBefore(section, first ? first.nextSibling : null);
  }

  function heading(text) { result.appendChild(el("h3", text)); }
  function list(title, names, empty) {
    result.appendChild(el("p", title + (names.length ? ":" : ": " + empty)));
    if (!names.length) { return; }
    var ul = el("ul");
    names.forEach(function (name) { ul.appendChild(el("li", name)); });
    result.appendChild(ul);
  }
  function names(partnerIds) { return partnerIds.map(function (id) { return nameOf(index[id]); }); }

  function showLeft(id) {
    var answer = left(id);
    if (!answer) { return null; }
    clear();
    nm.reset();
    var nodeId = "p:" + id;
    touch(nodeId, { color: GONE, font: { color: "#aaaaaa" }, shapeProperties: { borderDashes: [4, 4] } });
    nm.network.getConnectedEdges(nodeId).forEach(function (edgeId) {
      greyed.push(edgeId);
      nm.edges.update({ id: edgeId, color: { color: "#e6e6e6", highlight: "#e6e6e6", hover: "#e6e6e6" } });
    });
    answer.cut_off.forEach(function (other) {
      touch("p:" + other, { color: { background: nm.original["p:" + other].color.background, border: CUT_OFF }, borderWidth: 6, font: { color: "#8a3a00" } });
    });
    // Unselected, so that it is drawn grey rather than in the selection's colour.
    nm.network.unselectAll();
    refresh();
    shown = "left";
    heading("If " + nameOf(index[id]) + " left");
    list("Partners cut off from the main network", names(answer.cut_off), "none");
    list("Agency types that would go missing", answer.types_lost.map(function (t) { return t === null ? "(no agency type)" : String(t); }), "none");
    clearButton.hidden = false;
    return answer;
  }

  function showMet(a, b) {
    var answer = met(a, b);
    if (!answer) { return null; }
    clear();
    nm.reset();
    var pair = names([a, b]);
    shown = "met";
    heading("If " + pair[0] + " and " + pair[1] + " met");
    if (answer.already_tied) {
      result.appendChild(el("p", "They are tied already: nothing changes."));
    } else {
      added = "whatif:met";
      nm.edges.add({ id: added, from: "p:" + a, to: "p:" + b, color: { color: GAINED, highlight: GAINED, hover: GAINED }, dashes: [12, 6], width: 5, physics: false });
    }
    var mark = function (list_, colour, dashed) {
      list_.forEach(function (id) {
        touch("p:" + id, { color: { background: nm.original["p:" + id].color.background, border: colour }, borderWidth: 6, shapeProperties: { borderDashes: dashed ? [6, 4] : false } });
      });
    };
    mark(answer.cut_points_lost, LOST, true);
    mark(answer.cut_points_gained, GAINED, false);
    list("No longer cut points (dashed border)", names(answer.cut_points_lost), "none");
    list("New cut points", names(answer.cut_points_gained), "none");
    if (answer.too_large) {
      result.appendChild(el("p", "This map has " + n + " partners: too many to recompute the brokers live (the limit is " + W.brokers_upto + "). Cut points are shown.", "whatif-too-large"));
    } else {
      mark(answer.brokers_lost, LOST, true);
      mark(answer.brokers_gained, GAINED, false);
      list("No longer top brokers", names(answer.brokers_lost), "none");
      list("New top brokers", names(answer.brokers_gained), "none");
    }
    clearButton.hidden = false;
    return answer;
  }

  // ---- Selection: click a partner; Ctrl or Shift click (or "Pick a partner to meet") a second. ----
  nm.network.setOptions({ interaction: { multiselect: true } });
  var picking = null;  // the first partner while "Pick a partner to meet" waits for the second
  function selected() {
    return nm.network.getSelectedNodes().filter(function (id) { return nm.byId[id] && nm.byId[id].group === "partner"; });
  }
  function refresh() {
    var sel = selected();
    leftButton.hidden = sel.length !== 1;
    pairButton.hidden = sel.length !== 1;
    metButton.hidden = sel.length !== 2;
    if (picking) {
      hint.textContent = "Click the partner " + nm.byId[picking].name + " would meet.";
    } else if (sel.length === 1) {
      hint.textContent = nm.byId[sel[0]].name + " selected. Ctrl click (or long press) a second partner to ask what if they met.";
    } else if (sel.length === 2) {
      hint.textContent = nm.byId[sel[0]].name + " and " + nm.byId[sel[1]].name + " selected.";
    } else {
      hint.textContent = "Click a partner to ask what if it left; Ctrl click (or long press) a second to ask what if they met.";
    }
  }
  nm.network.on("click", function (params) {
    var hit = params.nodes.filter(function (id) { return nm.byId[id] && nm.byId[id].group === "partner"; });
    if (picking) {
      var second = params.nodes.length ? params.nodes[params.nodes.length - 1] : null;
      if (second && second !== picking && nm.byId[second].group === "partner") {
        nm.network.selectNodes([picking, second]);
      }
      picking = null;
    }
    // map.js has highlighted (or reset) for this click: a what-if on show is taken off first.
    if (shown) {
      clear();
      if (hit.length) { nm.highlight(hit[0]); } else { nm.reset(); }
    }
    refresh();
  });
  leftButton.addEventListener("click", function () {
    var sel = selected();
    if (sel.length === 1) { showLeft(nm.byId[sel[0]].partner); }
  });
  pairButton.addEventListener("click", function () {
    var sel = selected();
    if (sel.length === 1) { picking = sel[0]; refresh(); }
  });
  metButton.addEventListener("click", function () {
    var sel = selected();
    if (sel.length === 2) { showMet(nm.byId[sel[0]].partner, nm.byId[sel[1]].partner); }
  });
  clearButton.addEventListener("click", function () { clear(); nm.reset(); });
  // "Show all" undoes everything on the map, a what-if too.
  var showAll = document.getElementById("reset");
  if (showAll) { showAll.addEventListener("click", function () { clear(); picking = null; refresh(); }); }
  refresh();

  nm.whatif = {
    left: left,
    met: met,
    cutPoints: function () { return current(false).cut.slice().sort(byId); },
    brokers: function () { return current(true).brokers.slice(); },
    showLeft: showLeft,
    showMet: showMet,
    clear: function () { clear(); nm.reset(); },
    shown: function () { return shown; }
  };
})();
