/* netmap map page. Data arrives as JSON; everything shown is set as text, never as markup. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("netmap-data").textContent);
  // Edges come packed (netmap.render.map.page_data): a row of indexes per edge into the
  // node list and into tables of kinds, styles, arrows and tooltips. Unpacked here into
  // one object per edge.
  data.edges = (function (packed) {
    return packed.rows.map(function (r, i) {
      var style = packed.styles[r[3]];
      return {
        id: "e" + i, from: data.nodes[r[0]].id, to: data.nodes[r[1]].id, kind: packed.kinds[r[2]],
        color: style[0], dashes: style[1], width: r[4], arrows: packed.arrows[r[5]], tooltip: packed.tooltips[r[6]]
      };
    });
  })(data.edges);
  var DIM = { background: "#eeeeee", border: "#dddddd" };
  // Every node carries its own label colour: vis-network merges an update into the
  // options it drew with, so a dimmed label only comes back if the reset names the colour.
  var LABEL = "#343434";

  // A tooltip is a plain string: vis-network shows strings with innerText, so nothing in
  // the data can become markup. (DOM elements would be deep-copied by the data sets,
  // which stalls maps of thousands of partners.)
  function tooltip(pairs) {
    return pairs.map(function (pair) { return pair[0] + ": " + String(pair[1]); }).join("\n");
  }

  var original = {};
  var nodeItems = data.nodes.map(function (n) {
    var ghost = n.group === "ghost";
    if (n.group === "caption") {
      // A region's caption: text drawn by vis-network, not a partner; it cannot be dragged off.
      var caption = {
        id: n.id, label: n.label, shape: "text", physics: false, fixed: true, x: n.x, y: n.y,
        font: { size: n.size, color: n.color, face: "system-ui, sans-serif", bold: true, strokeWidth: 6, strokeColor: "#ffffff" }
      };
      original[n.id] = { color: undefined, font: caption.font };
      return caption;
    }
    var item = {
      id: n.id,
      label: n.label,
      title: tooltip(n.tooltip),
      shape: n.shape,
      size: n.size,
      color: ghost
        ? { background: "#f4f4f4", border: "#888888" }
        : { background: n.color, border: n.cut_point ? "#000000" : "#444444" },
      borderWidth: n.cut_point ? 5 : n.broker ? 3 : 1,
      shapeProperties: { borderDashes: ghost ? [6, 4] : false },
      font: ghost ? { color: "#555555", size: 17, face: "system-ui, sans-serif" } : { color: LABEL },
      group: undefined
    };
    if (n.x !== undefined) { item.x = n.x; item.y = n.y; }
    if (ghost) { item.physics = false; }
    original[n.id] = { color: item.color, font: item.font };
    return item;
  });
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });

  // Options equal to vis-network's defaults (no arrows, physics on) are left out: each
  // option given is parsed for each edge, and big maps have tens of thousands of edges.
  var edgeItems = data.edges.map(function (e) {
    var item = {
      id: e.id, from: e.from, to: e.to, title: tooltip(e.tooltip),
      color: { color: e.color, highlight: e.color, hover: e.color },
      dashes: e.dashes, width: e.width
    };
    if (e.arrows) { item.arrows = e.arrows; }
    if (e.kind === "gap") { item.physics = false; }
    original[e.id] = { color: item.color };
    return item;
  });
  var edgeKind = {};
  data.edges.forEach(function (e) { edgeKind[e.id] = e.kind; });
  // Who a partner is tied to now: other partners over current ties, the same count as
  // the "Ties" line of its tooltip (no ghosts, no lapsed or planned rows).
  var NOT_TIES = { gap: true, lapsed: true, planned: true };
  var partnersOf = {};
  data.edges.forEach(function (e) {
    if (NOT_TIES[e.kind] || byId[e.from].group === "ghost" || byId[e.to].group === "ghost") { return; }
    (partnersOf[e.from] || (partnersOf[e.from] = {}))[e.to] = true;
    (partnersOf[e.to] || (partnersOf[e.to] = {}))[e.from] = true;
  });

  if (data.layout !== "physics") {
    // Positions are fixed: place the ghosts now, so that the first drawing is the last
    // (on a map of thousands of partners each drawing takes a second).
    var fixed = {};
    data.nodes.forEach(function (n) {
      if (n.group === "partner" && n.x !== undefined) { fixed[n.id] = { x: n.x, y: n.y }; }
    });
    var at = {};
    ghostPositions(fixed).forEach(function (m) { at[m.id] = m; });
    // Ghosts netmap placed in their region's cluster keep their place.
    nodeItems.forEach(function (item) {
      if (at[item.id] && byId[item.id].x === undefined) { item.x = at[item.id].x; item.y = at[item.id].y; }
    });
  }

  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(edgeItems);

  function checked(name) {
    var boxes = document.querySelectorAll('input[data-filter="' + name + '"]');
    if (!boxes.length) { return null; }
    var on = {};
    boxes.forEach(function (b) { if (b.checked) { on[b.value] = true; } });
    return on;
  }
  var ghostBox = document.getElementById("show-ghosts");
  var DIMS = ["category", "region", "level", "team"];
  // The filter state is read from the checkboxes once per change, not once per node:
  // the views call their filters for every item.
  var state = {};
  function readFilters() {
    DIMS.concat(["kind"]).forEach(function (d) { state[d] = checked(d); });
    state.ghosts = !ghostBox || ghostBox.checked;
  }
  readFilters();

  function nodeVisible(item) {
    var n = byId[item.id];
    if (n.group === "ghost" && !state.ghosts) { return false; }
    for (var i = 0; i < DIMS.length; i++) {
      var on = state[DIMS[i]];
      var value = n[DIMS[i]];
      if (on && value !== null && value !== undefined && !on[value]) { return false; }
    }
    return true;
  }
  function edgeVisible(item) {
    var kind = edgeKind[item.id];
    if (kind === "gap") { return state.ghosts; }
    return !state.kind || !!state.kind[kind];
  }
  // Filters hide items through the data sets' `hidden` flag: a node that is hidden stays
  // in the network where it was drawn, so showing it again never moves it (removing and
  // re-adding a node made vis-network place it afresh, on top of its neighbours).
  var hiddenNow = {};
  function applyFilters() {
    readFilters();
    var nodeChanges = [], edgeChanges = [];
    data.nodes.forEach(function (n) {
      var hide = !nodeVisible(n);
      if (hide !== !!hiddenNow[n.id]) { nodeChanges.push({ id: n.id, hidden: hide }); }
      hiddenNow[n.id] = hide;
    });
    data.edges.forEach(function (e) {
      var hide = !edgeVisible(e) || hiddenNow[e.from] || hiddenNow[e.to];
      if (hide !== !!hiddenNow[e.id]) { edgeChanges.push({ id: e.id, hidden: hide }); }
      hiddenNow[e.id] = hide;
    });
    if (nodeChanges.length) { nodes.update(nodeChanges); }
    if (edgeChanges.length) { edges.update(edgeChanges); }
  }
  function shownIds(list) {
    return list.filter(function (item) { return !hiddenNow[item.id]; }).map(function (item) { return item.id; });
  }

  var container = document.getElementById("network");
  // labels.js draws every label itself (never under the page's minimum size on screen, never
  // overlapping); vis-network only measures them.
  data.options.nodes.scaling = { label: { drawThreshold: 1e9 } };
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);

  // Ghosts (missing agency types) take no part in the layout: once the partners have
  // settled, each is set in a column beside the partners of its scope; ghosts of a scope
  // with no partner at all are grouped beside the map. Takes the partners' positions
  // ({id: {x, y}}) and returns the ghosts' ({id, x, y} each).
  function ghostPositions(pos) {
    var cx = 0, cy = 0, m = 0, maxX = -Infinity, minY = Infinity;
    Object.keys(pos).forEach(function (id) {
      if (byId[id] && byId[id].group === "partner") {
        cx += pos[id].x; cy += pos[id].y; m++;
        maxX = Math.max(maxX, pos[id].x); minY = Math.min(minY, pos[id].y);
      }
    });
    if (!m) { maxX = 0; minY = 0; } else { cx /= m; cy /= m; }
    // Where each scope's partners are, and how far out they reach from the centre.
    var scopes = {};
    data.nodes.forEach(function (n) {
      if (n.group !== "partner" || !pos[n.id]) { return; }
      var key = (n.level === "state" || n.level === "national" ? "state" : "local") + "|" + (n.region || "");
      var s = scopes[key] || (scopes[key] = { x: 0, y: 0, k: 0, reach: 0 });
      s.x += pos[n.id].x; s.y += pos[n.id].y; s.k++;
    });
    Object.keys(scopes).forEach(function (key) {
      var s = scopes[key];
      s.x /= s.k; s.y /= s.k;
    });
    data.nodes.forEach(function (n) {
      if (n.group !== "partner" || !pos[n.id]) { return; }
      var key = (n.level === "state" || n.level === "national" ? "state" : "local") + "|" + (n.region || "");
      var s = scopes[key];
      s.reach = Math.max(s.reach, Math.hypot(pos[n.id].x - s.x, pos[n.id].y - s.y));
    });
    var count = {}, total = {}, orphans = 0, moves = [];
    data.nodes.forEach(function (n) { if (n.group === "ghost") { total[n.scope] = (total[n.scope] || 0) + 1; } });
    data.nodes.forEach(function (n) {
      if (n.group !== "ghost") { return; }
      var s = scopes[n.scope];
      if (!s) {
        s = scopes[n.scope] = { x: maxX + 500, y: minY + 360 * orphans++, k: 0, reach: 0 };
      }
      var k = (count[n.scope] = (count[n.scope] || 0) + 1);
      // A column of labels just outside the scope's partners, on the side away from the centre.
      var dx = s.x - cx, dy = s.y - cy, len = Math.hypot(dx, dy);
      if (len < 1) { dx = 1; dy = 0; len = 1; }
      var ox = s.x + (dx / len) * (s.reach + 170), oy = s.y + (dy / len) * (s.reach + 170);
      moves.push({ id: n.id, x: ox, y: oy + (k - 1) * 34 - 17 * (total[n.scope] - 1) });
    });
    return moves;
  }

  // The page is ready when the map is drawn where it will stay: physics is off and the
  // last drawing (after the ghosts were placed and the view fitted) is on screen. Then
  // <body> gets data-ready="1", data-still="1" and data-ready-ms (milliseconds from the
  // start of navigation), which tests and benchmarks wait for and read.
  function ready() {
    var body = document.body;
    body.setAttribute("data-ready-ms", String(Math.round(performance.now())));
    body.setAttribute("data-still", network.physics.physicsEnabled ? "0" : "1");
    body.setAttribute("data-ready", "1");
  }
  if (data.layout === "physics") {
    // Settle once, then stop: no endless jiggle on the wall.
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      // Every node is pinned where it settled (the ghosts where they are set): one
      // update, one redraw, and nothing can move a node after this but a drag.
      var settled = network.getPositions();
      var moves = ghostPositions(settled);
      moves.forEach(function (m) { settled[m.id] = m; });
      nodes.update(Object.keys(settled).map(function (id) {
        return { id: id, x: settled[id].x, y: settled[id].y };
      }));
      network.fit();
      network.once("afterDrawing", ready);
      network.redraw();
    });
  } else {
    // Physics is off from the start and the view is fitted before the first drawing.
    network.once("afterDrawing", ready);
  }

  var status = document.getElementById("status");
  var offer = document.getElementById("show-hidden");
  var offered = null;  // the hidden partner the "Show ..." button would bring back
  function say(text) {
    status.textContent = text;
    offered = null;
    offer.hidden = true;
  }

  function reset() {
    nodes.update(Object.keys(original).filter(function (id) { return byId[id] && byId[id].group !== "caption"; }).map(function (id) {
      return { id: id, color: original[id].color, font: original[id].font };
    }));
    edges.update(data.edges.map(function (e) { return { id: e.id, color: original[e.id].color }; }));
    say("");
  }

  // Nodes in `keep` ({id: true}) and edges `keepEdge(e)` accepts as first drawn, every other
  // node and edge dimmed. Captions stay as they are: they name the clusters, whatever is lit.
  function spotlight(keep, keepEdge) {
    nodes.update(data.nodes.filter(function (n) { return n.group !== "caption"; }).map(function (n) {
      return keep[n.id]
        ? { id: n.id, color: original[n.id].color, font: original[n.id].font }
        : { id: n.id, color: DIM, font: { color: "#bbbbbb" } };
    }));
    edges.update(data.edges.map(function (e) {
      return { id: e.id, color: keepEdge(e) ? original[e.id].color : { color: "#eeeeee" } };
    }));
  }

  function highlight(id) {
    var keep = {};
    keep[id] = true;
    network.getConnectedNodes(id).forEach(function (n) { keep[n] = true; });
    var tied = Object.keys(partnersOf[id] || {}).length;
    var touching = {};
    network.getConnectedEdges(id).forEach(function (e) { touching[e] = true; });
    spotlight(keep, function (e) { return touching[e.id]; });
    var name = byId[id] ? byId[id].name : id;
    say(name + ": " + tied + " direct partner(s)");
  }

  network.on("click", function (params) {
    if (params.nodes.length) { highlight(params.nodes[0]); } else { reset(); }
  });

  // The first node named `wanted` (exactly, else in part) among those shown or hidden.
  function match(wanted, hidden) {
    var hit = null;
    data.nodes.forEach(function (n) {
      if (hit || n.group === "caption" || !!hiddenNow[n.id] !== hidden) { return; }
      if (String(n.name).toLowerCase() === wanted) { hit = n; }
    });
    data.nodes.forEach(function (n) {
      if (hit || n.group === "caption" || !!hiddenNow[n.id] !== hidden) { return; }
      if (String(n.name).toLowerCase().indexOf(wanted) >= 0) { hit = n; }
    });
    return hit;
  }
  // The filters that hide node `n`, by the name of their group (ghosts have their own switch).
  function hiding(n) {
    var why = [];
    if (n.group === "ghost" && !state.ghosts) { why.push("missing agency types"); }
    DIMS.forEach(function (d) {
      var on = state[d];
      if (on && n[d] !== null && n[d] !== undefined && !on[n[d]]) { why.push(d); }
    });
    return why;
  }
  function find(text) {
    var wanted = text.trim().toLowerCase();
    if (!wanted) { reset(); network.unselectAll(); return; }
    var hit = match(wanted, false);
    if (!hit) {
      var hidden = match(wanted, true);
      if (!hidden) { say("No partner matches \u201c" + text + "\u201d"); return; }
      say("\u201c" + hidden.name + "\u201d is hidden by a filter (" + hiding(hidden).join(", ") + ").");
      offered = hidden;
      offer.textContent = "Show " + hidden.name;
      offer.hidden = false;
      return;
    }
    network.selectNodes([hit.id]);
    network.focus(hit.id, { scale: 1.2, animation: false });
    highlight(hit.id);
  }
  var search = document.getElementById("search");
  search.addEventListener("change", function () { find(search.value); });
  search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { find(search.value); } });
  // Ticks the boxes of every filter that hides node `n`, then finds it.
  offer.addEventListener("click", function () {
    var n = offered;
    if (!n) { return; }
    if (n.group === "ghost" && ghostBox) { ghostBox.checked = true; }
    DIMS.forEach(function (d) {
      document.querySelectorAll('input[data-filter="' + d + '"]').forEach(function (b) {
        if (b.value === String(n[d])) { b.checked = true; }
      });
    });
    applyFilters();
    find(n.name);
  });
  // "Show all": every filter cleared, the search emptied, the highlight undone.
  document.getElementById("reset").addEventListener("click", function () {
    search.value = "";
    document.querySelectorAll("#filters input[type=checkbox]").forEach(function (b) { b.checked = true; });
    applyFilters();
    reset();
    network.unselectAll();
    network.fit();
  });

  document.querySelectorAll("#filters input").forEach(function (box) {
    box.addEventListener("change", function () {
      applyFilters();
      say(shownIds(data.nodes).length + " shown");
    });
  });

  // For people and tests alike: what is on screen now. The page's other scripts (see
  // netmap.render.map.MAP_SCRIPTS) work through this object only.
  window.netmap = {
    network: network,
    data: data,            // the page data, edges unpacked
    nodes: nodes,          // vis.DataSet of the drawn nodes
    edges: edges,          // vis.DataSet of the drawn edges
    byId: byId,            // node id -> page node
    original: original,    // node or edge id -> its colours and font as first drawn
    partnersOf: partnersOf, // node id -> {node id: true} over current ties between partners
    hidden: function (id) { return !!hiddenNow[id]; },
    shown: function () { return { nodes: shownIds(data.nodes), edges: shownIds(data.edges) }; },
    say: say,
    find: find,
    highlight: highlight,
    spotlight: spotlight,
    reset: reset,
    applyFilters: applyFilters
  };
})();
