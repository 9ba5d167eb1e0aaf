/* netmap map labels: drawn by netmap, not vis-network, so that a label is never smaller than
   the page's minimum on screen and no two labels overlap. Each drawing, labels are taken in
   order of importance (captions, then partners by rank: cut points, top brokers, leadership,
   ties; then ghosts) and a label is drawn only if its box is clear of those already drawn
   (a grid of screen cells finds its neighbours). The rest appear as you zoom in. The
   "Labels" switch in the panel picks all (as room allows), key partners only, or none.
   Text is drawn with fillText: nothing from the data becomes markup. Uses window.netmap only. */
(function () {
  "use strict";
  var nm = window.netmap, network = nm.network, data = nm.data;
  var FACE = "system-ui, sans-serif";
  var FONT = data.label_font || 26;        // canvas pixels the layout made room for
  var MIN = data.min_label_px || 14;       // a partner's label is never smaller on screen
  var GHOST = 0.7, GHOST_MIN = 10, CAPTION_MIN = 20, LINE = 1.2, CELL = 64;
  var MAX_DRAWN = 800;                      // labels drawn at most, to keep a big map fast
  var measure = document.createElement("canvas").getContext("2d");
  measure.font = "100px " + FACE;

  // One entry per node, most important first; widths are in font sizes (measured once).
  var items = data.nodes.map(function (n, i) {
    var lines = n.lines || [String(n.label)];
    var caption = n.group === "caption";
    if (caption) { measure.font = "bold 100px " + FACE; }
    var em = Math.max.apply(null, lines.map(function (l) { return measure.measureText(l).width / 100; }));
    if (caption) { measure.font = "100px " + FACE; }
    var order = caption ? 0 : n.group === "partner" ? 1 : 2;
    return {
      id: n.id, group: n.group, lines: lines, em: em, key: !!n.key, order: order,
      rank: caption ? i : n.group === "partner" ? (n.rank === undefined ? i : n.rank) : i,
      font: caption ? n.size : n.group === "ghost" ? GHOST * FONT : FONT,
      min: caption ? CAPTION_MIN : n.group === "ghost" ? GHOST_MIN : MIN
    };
  });
  items.sort(function (a, b) { return a.order - b.order || a.rank - b.rank; });

  var mode = "all";
  var drawn = [];

  // The label's box on screen (pixels from the canvas's top left) for node `body` at scale s.
  function box(item, body, s, t) {
    var px = Math.max(item.min, item.font * s);
    var w = item.em * px + 4, h = item.lines.length * LINE * px;
    var x = body.x * s + t.x, y = body.y * s + t.y;
    // Captions are centred on their place; a node's label hangs below its shape.
    var top = item.group === "caption" ? y - h / 2 : y + (body.options.size || 0) * s + 2;
    return { id: item.id, group: item.group, x: x - w / 2, y: top, w: w, h: h, px: px };
  }

  function wanted(item) {
    if (item.group === "caption") { return true; }
    if (mode === "none") { return false; }
    if (mode === "key") { return item.group === "partner" && item.key; }
    return true;
  }

  // Which labels are drawn now, and where: the greedy pass over the screen boxes.
  function choose() {
    var s = network.getScale(), t = network.body.view.translation;
    var canvas = network.canvas.frame.canvas;
    var W = canvas.clientWidth, H = canvas.clientHeight;
    var grid = {}, out = [];
    function cells(b, f) {
      for (var cx = Math.floor(b.x / CELL); cx <= Math.floor((b.x + b.w) / CELL); cx++) {
        for (var cy = Math.floor(b.y / CELL); cy <= Math.floor((b.y + b.h) / CELL); cy++) {
          if (f(cx + "," + cy) === false) { return false; }
        }
      }
      return true;
    }
    for (var i = 0; i < items.length && out.length < MAX_DRAWN; i++) {
      var item = items[i];
      var body = network.body.nodes[item.id];
      if (!body || body.options.hidden || nm.hidden(item.id) || !wanted(item)) { continue; }
      var b = box(item, body, s, t);
      if (b.x > W || b.y > H || b.x + b.w < 0 || b.y + b.h < 0) { continue; }
      var clear = cells(b, function (key) {
        var here = grid[key] || [];
        for (var k = 0; k < here.length; k++) {
          var o = here[k];
          if (b.x < o.x + o.w && o.x < b.x + b.w && b.y < o.y + o.h && o.y < b.y + b.h) { return false; }
        }
      });
      if (!clear) { continue; }
      cells(b, function (key) { (grid[key] || (grid[key] = [])).push(b); });
      b.item = item;
      out.push(b);
    }
    return out;
  }

  network.on("afterDrawing", function (ctx) {
    drawn = choose();
    var s = network.getScale(), t = network.body.view.translation;
    ctx.save();
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    drawn.forEach(function (b) {
      var item = b.item, body = network.body.nodes[item.id];
      var size = b.px / s;   // canvas pixels: the context is scaled
      var colour = item.group === "caption" ? "#222222"
        : (body.options.font && body.options.font.color) || (item.group === "ghost" ? "#555555" : "#343434");
      ctx.font = (item.group === "caption" ? "bold " : "") + size + "px " + FACE;
      ctx.strokeStyle = "#ffffff";
      ctx.lineWidth = size / 5;
      ctx.fillStyle = colour;
      var cx = (b.x + b.w / 2 - t.x) / s, top = (b.y - t.y) / s;
      item.lines.forEach(function (line, k) {
        var y = top + k * LINE * size + 0.1 * size;
        ctx.strokeText(line, cx, y);
        ctx.fillText(line, cx, y);
      });
    });
    ctx.restore();
  });

  // The first view: the whole map with its labels at their size on screen, inside the canvas.
  function fit() {
    var canvas = network.canvas.frame.canvas;
    var W = canvas.clientWidth, H = canvas.clientHeight;
    var s = network.getScale() || 1;
    var at = {};
    items.forEach(function (item) {
      var body = network.body.nodes[item.id];
      if (body && !body.options.hidden && !nm.hidden(item.id)) { at[item.id] = body; }
    });
    var bounds;
    for (var round = 0; round < 6; round++) {
      var left = Infinity, right = -Infinity, top = Infinity, bottom = -Infinity;
      items.forEach(function (item) {
        var body = at[item.id];
        if (!body) { return; }
        var r = body.options.size || 0, px = Math.max(item.min, item.font * s);
        var half = Math.max(r, (item.em * px + 4) / 2 / s);
        var below = item.group === "caption" ? item.lines.length * LINE * px / 2 / s
          : r + (2 + item.lines.length * LINE * px) / s;
        var above = item.group === "caption" ? below : r;
        if (!wanted(item)) { half = r; below = r; above = r; }
        left = Math.min(left, body.x - half); right = Math.max(right, body.x + half);
        top = Math.min(top, body.y - above); bottom = Math.max(bottom, body.y + below);
      });
      if (left === Infinity) { return; }
      bounds = { x: (left + right) / 2, y: (top + bottom) / 2 };
      // The scale that fits these bounds, labels included; labels near their minimum size
      // take more canvas as the map shrinks, so repeat until it holds.
      s = 0.96 * Math.min(W / Math.max(right - left, 1), H / Math.max(bottom - top, 1));
    }
    network.moveTo({ position: bounds, scale: s, animation: false });
  }
  // The first view follows the canvas until someone moves it: a map opened in a small window
  // and then put full screen on the projector fills the screen again, as does the picture
  // of --png (headless Chromium lays the page out shorter than the picture it then takes).
  // vis-network reports a resize before it rescales the old view by the change of size
  // (which would cut a wide map off at the sides): the fit is made then and the rescaling
  // called off. Any change of the view (a zoom, a pan, a story step) ends this.
  var first = null;
  function remember() {
    var t = network.body.view.translation;
    first = { s: network.getScale(), x: t.x, y: t.y };
  }
  function untouched() {
    var t = network.body.view.translation;
    return first !== null && network.getScale() === first.s && t.x === first.x && t.y === first.y;
  }
  network.on("resize", function () {
    var canvas = network.canvas.frame.canvas;
    // Hidden (the page printed, the map replaced by its drawing): nothing to fit until shown.
    if (!canvas.clientWidth || !canvas.clientHeight || !untouched()) { return; }
    fit();
    remember();
    network.canvas.cameraState = {};  // vis-network's own rescaling of the old view: not wanted
  });
  if (data.layout !== "physics") {
    fit();
    remember();
  }

  var select = document.getElementById("labels");
  if (select) {
    select.addEventListener("change", function () { mode = select.value; network.redraw(); });
  }
  var showAll = document.getElementById("reset");
  if (showAll && data.layout !== "physics") {
    // After "Show all" fits the view (map.js), fit it again with the labels in.
    showAll.addEventListener("click", function () {
      fit();
      remember();
    });
  }

  nm.labels = {
    // The labels drawn now: {id, group, x, y, w, h, px} in pixels from the canvas's top left.
    drawn: function () {
      return drawn.map(function (b) { return { id: b.id, group: b.group, x: b.x, y: b.y, w: b.w, h: b.h, px: b.px }; });
    },
    mode: function () { return mode; },
    set: function (value) { mode = value; if (select) { select.value = value; } network.redraw(); },
    fit: fit
  };
})();
