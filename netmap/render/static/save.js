/* netmap map page: saving the layout and a picture. Uses window.netmap only.
 *
 * - Dragged positions are kept in the browser (localStorage, under a key naming this map:
 *   data.save.key, made in Python from the map id, region and partner ids) and put back
 *   when the same map is opened again. "Reset layout" forgets them. Without localStorage
 *   (file:// pages in some browsers, private windows) dragging still works, it is just
 *   not remembered.
 * - "Download layout" saves the partners' positions as a JSON file that
 *   `netmap map --positions FILE` reads back (netmap.render.positions describes it).
 * - "Save picture" downloads a PNG of what the map shows now, on white.
 * Downloads are made from object URLs of blobs: nothing leaves the page, and the strict
 * Content-Security-Policy is not touched.
 */
(function () {
  "use strict";
  var nm = window.netmap;
  if (!nm) { return; }
  var network = nm.network, nodes = nm.nodes, data = nm.data, byId = nm.byId;
  var save = data.save || { key: "map", map: null, region: null };
  var KEY = "netmap-layout:" + save.key;

  // localStorage, or null where the browser refuses it (reading the property can throw).
  function store() {
    try {
      var s = window.localStorage;
      return s || null;
    } catch (e) {
      return null;
    }
  }
  function recall() {
    var s = store();
    if (!s) { return null; }
    try {
      var kept = JSON.parse(s.getItem(KEY) || "null");
      return kept && typeof kept === "object" && kept.positions && typeof kept.positions === "object" ? kept.positions : null;
    } catch (e) {
      return null;
    }
  }
  function remember(positions) {
    var s = store();
    if (!s) { return false; }
    try {
      s.setItem(KEY, JSON.stringify({ netmap_layout: 1, positions: positions }));
      return true;
    } catch (e) {
      return false;  // full, or refused
    }
  }
  function forget() {
    var s = store();
    if (!s) { return; }
    try { s.removeItem(KEY); } catch (e) { /* refused: nothing was kept either */ }
  }

  // The nodes a person can drag: partners and ghosts (captions are fixed).
  function movable(id) {
    var n = byId[id];
    return !!n && (n.group === "partner" || n.group === "ghost");
  }
  // Where every movable node is now ({page node id: [x, y]}), from the nodes' data set: it
  // holds netmap's positions to the tenth of a pixel (vis-network draws them rounded), and
  // a drag writes the dropped position into it (dragEnd below).
  function current() {
    var out = {};
    nodes.get({ fields: ["id", "x", "y"] }).forEach(function (n) {
      if (movable(n.id) && n.x !== undefined) { out[n.id] = [Math.round(n.x * 10) / 10, Math.round(n.y * 10) / 10]; }
    });
    return out;
  }
  // Where each node was first drawn, for "Reset layout".
  var home = current();

  function place(positions) {
    var moves = [];
    Object.keys(positions).forEach(function (id) {
      var p = positions[id];
      if (movable(id) && Array.isArray(p) && p.length === 2 && isFinite(p[0]) && isFinite(p[1])) {
        moves.push({ id: id, x: Number(p[0]), y: Number(p[1]) });
      }
    });
    if (moves.length) { nodes.update(moves); }
    return moves.length;
  }

  function restore() {
    var kept = recall();
    if (kept && place(kept)) { network.fit(); nm.say("Your saved layout of this map is back (Reset layout forgets it)."); }
  }
  if (data.layout === "physics") {
    // map.js pins the settled positions first (they are netmap's layout to reset to); the
    // saved ones go on top of them.
    network.once("stabilizationIterationsDone", function () { home = current(); restore(); });
  } else {
    restore();
  }

  network.on("dragEnd", function (params) {
    if (!params.nodes || !params.nodes.length) { return; }  // the view was panned
    var at = network.getPositions(params.nodes);
    nodes.update(params.nodes.map(function (id) { return { id: id, x: at[id].x, y: at[id].y }; }));
    remember(current());
  });

  function resetLayout() {
    forget();
    place(home);
    network.fit();
    nm.say("Layout reset to netmap's.");
  }

  function fileName(suffix) {
    var base = String(save.map || "map") + (save.region ? "-" + save.region : "");
    return base.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80) + suffix;
  }
  function download(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  // The layout file: partners keyed by their workbook id (not the page's node id).
  function layoutFile() {
    var at = current(), positions = {};
    data.nodes.forEach(function (n) {
      if (n.group === "partner" && at[n.id]) { positions[n.partner] = at[n.id]; }
    });
    return { netmap_layout: 1, map: save.map, region: save.region, positions: positions };
  }
  function downloadLayout() {
    var text = JSON.stringify(layoutFile(), null, 1);
    download(new Blob([text], { type: "application/json" }), fileName("-layout.json"));
    nm.say("Layout downloaded: use it with netmap map --positions FILE.");
  }

  // The canvas as drawn (transparent where nothing is) over white, as a PNG.
  function savePicture() {
    var drawn = document.querySelector("#network canvas");
    if (!drawn) { return; }
    var canvas = document.createElement("canvas");
    canvas.width = drawn.width;
    canvas.height = drawn.height;
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(drawn, 0, 0);
    canvas.toBlob(function (blob) {
      if (blob) { download(blob, fileName(".png")); nm.say("Picture saved."); }
    }, "image/png");
  }

  // The controls, made here (text only) in a section of the side panel.
  var panel = document.getElementById("panel");
  if (panel) {
    var section = document.createElement("section");
    section.id = "save";
    var heading = document.createElement("h2");
    heading.textContent = "Save";
    section.appendChild(heading);
    [["download-layout", "Download layout", downloadLayout],
      ["save-picture", "Save picture", savePicture],
      ["reset-layout", "Reset layout", resetLayout]].forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.id = b[0];
      button.textContent = b[1];
      button.addEventListener("click", b[2]);
      section.appendChild(button);
    });
    var hint = document.createElement("p");
    hint.className = "hint";
    hint.textContent = "Drag partners to move them; this browser remembers where.";
    section.appendChild(hint);
    panel.insertBefore(section, panel.children[1] || null);
  }

  nm.layout = { current: current, file: layoutFile, reset: resetLayout, key: KEY };
})();
