/* netmap map page: Present mode. The guided story (page data "story", made by
   netmap.render.story) step by step, full screen, for a room. Uses window.netmap only;
   every text is set with textContent. */
(function () {
  "use strict";
  var nm = window.netmap;
  var steps = nm && nm.data.story;
  // The report embeds the same map in a frame of its page: Present mode is the map page's.
  if (!steps || !steps.length || document.querySelector(".map-frame")) { return; }
  var network = nm.network, nodes = nm.nodes, edges = nm.edges;
  var DIM = { background: "#eeeeee", border: "#dddddd" };
  var DIM_FONT = "#bbbbbb";
  var MAX_SCALE = 1.2;  // a step about one partner zooms in, but not until its label fills the wall

  function el(tag, id, text) {
    var e = document.createElement(tag);
    if (id) { e.id = id; }
    if (text) { e.textContent = text; }
    return e;
  }
  var button = el("button", "present", "Present (P)");
  button.type = "button";
  button.title = "Full screen, the story step by step (arrow keys); Escape to leave";
  var reset = document.getElementById("reset");
  if (reset) { reset.insertAdjacentElement("afterend", button); }

  // The caption: a band under the map (not over it, so no partner of a step is hidden).
  var caption = el("section", "present-caption");
  caption.hidden = true;
  caption.setAttribute("aria-live", "polite");
  var count = el("p", "present-count"), heading = el("h2", "present-title");
  var text = el("p", "present-text"), todo = el("p", "present-todo"), hint = el("p", "present-hint");
  [count, heading, text, todo, hint].forEach(function (e) { caption.appendChild(e); });
  var main = document.querySelector("main");
  (main || document.body).insertAdjacentElement(main ? "afterend" : "beforeend", caption);

  var on = false, at = 0, saved = null, leavingFull = false, keys = "";
  // What the lit nodes of a step are, by their role in it (netmap.render.story's marks).
  var ROLES = [
    ["key", "black ring: the partner it is about"], ["cut", "in colour: who would be cut off"],
    ["tie", "in colour: its direct partners"], ["missing", "lit boxes: the missing agency types"],
    ["serves", "in colour: the partners serving the population"], ["party", "in colour: the agreement's parties"],
    ["funded", "in colour: the partners concerned"]
  ];

  // Nodes this mode paints: partners and ghosts (captions name the clusters, always).
  function painted() {
    return nm.data.nodes.filter(function (n) { return n.group !== "caption"; });
  }

  function paint(step) {
    var marks = {};
    Object.keys(step.marks || {}).forEach(function (id) { if (!nm.hidden(id)) { marks[id] = step.marks[id]; } });
    var whole = !Object.keys(marks).length;
    nodes.update(painted().map(function (n) {
      var first = nm.original[n.id], was = saved.nodes[n.id];
      if (whole || (marks[n.id] && n.group === "ghost")) {
        return { id: n.id, font: first.font, color: first.color, borderWidth: was.borderWidth };
      }
      if (marks[n.id]) {
        // In a step the black ring is the partner the finding is about, and no one else
        // (cut points keep theirs on the whole map).
        var key = marks[n.id] === "key";
        return {
          id: n.id, font: first.font,
          color: { background: first.color.background, border: key ? "#000000" : "#444444" },
          borderWidth: key ? 6 : 1
        };
      }
      return { id: n.id, color: DIM, font: { color: DIM_FONT }, borderWidth: was.borderWidth };
    }));
    edges.update(nm.data.edges.map(function (e) {
      var keep = whole || (marks[e.from] && marks[e.to]);
      return { id: e.id, color: keep ? nm.original[e.id].color : { color: "#eeeeee" } };
    }));
  }

  function zoom(step) {
    var ids = (step.focus || []).filter(function (id) { return nm.byId[id] && !nm.hidden(id); });
    if (!ids.length) {
      network.fit({ animation: false });
      return;
    }
    network.fit({ nodes: ids, animation: false });
    // fit() stops at the nodes' edges: a margin for their labels.
    network.moveTo({ scale: Math.min(MAX_SCALE, network.getScale() * 0.85), animation: false });
  }

  function show(i) {
    at = Math.max(0, Math.min(steps.length - 1, i));
    var step = steps[at];
    count.textContent = (at + 1) + " / " + steps.length;
    heading.textContent = step.title;
    text.textContent = step.text;
    todo.textContent = step.todo ? "What to do: " + step.todo : "";
    var roles = {};
    Object.keys(step.marks || {}).forEach(function (id) { roles[step.marks[id]] = true; });
    var legend = ROLES.filter(function (r) { return roles[r[0]]; }).map(function (r) { return r[1]; });
    hint.textContent = legend.concat([keys]).join(" \u00b7 ");
    network.unselectAll();
    paint(step);
    zoom(step);
    document.body.setAttribute("data-present-step", String(at));
  }

  function fullScreen(want) {
    var root = document.documentElement;
    try {
      if (want && !document.fullscreenElement && document.fullscreenEnabled && root.requestFullscreen) {
        // Refused without a user gesture (a page opened with --present): the hint says so.
        var asked = root.requestFullscreen();
        if (asked && asked.catch) { asked.catch(function () {}); }
      } else if (!want && document.fullscreenElement && document.exitFullscreen) {
        leavingFull = true;
        var left = document.exitFullscreen();
        if (left && left.catch) { left.catch(function () { leavingFull = false; }); }
      }
    } catch (err) { /* full screen is a nicety: the mode works without it */ }
  }

  // The canvas follows its container's new size before the view is fitted to it.
  function resize() { network.setSize("100%", "100%"); }

  function enter(gesture) {
    if (on) { return; }
    on = true;
    saved = { nodes: {}, edges: {}, view: network.getViewPosition(), scale: network.getScale() };
    painted().forEach(function (n) {
      var item = nodes.get(n.id);
      saved.nodes[n.id] = { color: item.color, font: item.font, borderWidth: item.borderWidth };
    });
    edges.get().forEach(function (e) { saved.edges[e.id] = e.color; });
    document.body.classList.add("presenting");
    caption.hidden = false;
    keys = gesture
      ? "\u2192 / \u2190 step \u00b7 + / \u2212 / 0 zoom \u00b7 F full screen \u00b7 Esc leave"
      : "Press F or P for full screen \u00b7 \u2192 / \u2190 step \u00b7 + / \u2212 / 0 zoom \u00b7 Esc leave";
    if (gesture) { fullScreen(true); }
    resize();
    show(0);
  }

  function leave() {
    if (!on) { return; }
    on = false;
    fullScreen(false);
    document.body.classList.remove("presenting");
    document.body.removeAttribute("data-present-step");
    caption.hidden = true;
    // Every colour, label and border as they were when Present mode began.
    nodes.update(Object.keys(saved.nodes).map(function (id) {
      var s = saved.nodes[id];
      return { id: id, color: s.color, font: s.font, borderWidth: s.borderWidth };
    }));
    edges.update(Object.keys(saved.edges).map(function (id) { return { id: id, color: saved.edges[id] }; }));
    resize();
    network.moveTo({ position: saved.view, scale: saved.scale, animation: false });
  }

  function zoomBy(factor) {
    network.moveTo({ scale: network.getScale() * factor, animation: false });
  }

  button.addEventListener("click", function () { enter(true); });
  document.addEventListener("fullscreenchange", function () {
    // Escape in full screen is the browser's (the page does not see the key): leave too.
    if (!document.fullscreenElement && on && !leavingFull) { leave(); }
    leavingFull = false;
    // The window takes its new size a moment after the event: fit the step to it then.
    if (on) { setTimeout(function () { if (on) { resize(); zoom(steps[at]); } }, 150); }
  });
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if (ev.ctrlKey || ev.metaKey || ev.altKey || (t && /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) { return; }
    var key = ev.key;
    if (!on) {
      if (key === "p" || key === "P") { ev.preventDefault(); enter(true); }
      return;
    }
    var act = {
      ArrowRight: function () { show(at + 1); }, PageDown: function () { show(at + 1); }, " ": function () { show(at + 1); },
      ArrowLeft: function () { show(at - 1); }, PageUp: function () { show(at - 1); },
      Home: function () { show(0); }, End: function () { show(steps.length - 1); },
      "+": function () { zoomBy(1.25); }, "=": function () { zoomBy(1.25); },
      "-": function () { zoomBy(0.8); }, "0": function () { network.fit({ animation: false }); },
      Escape: leave,
      f: function () { fullScreen(!document.fullscreenElement); }
    }[key.length === 1 ? key.toLowerCase() : key] || ((key === "p" || key === "P") && function () {
      fullScreen(!document.fullscreenElement);
    });
    if (act) { ev.preventDefault(); act(); }
  });

  // Published for tests and for whoever drives the page.
  nm.present = { enter: enter, leave: leave, show: show, active: function () { return on; }, step: function () { return at; } };
  if (nm.data.present) { enter(false); }
})();
