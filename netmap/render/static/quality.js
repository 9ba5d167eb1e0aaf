/* netmap map page: tie quality from the partner survey.
 *
 * The page data's `quality` key (netmap.render.map_quality) is there only when the map has
 * survey answers; the surveyed ties already arrive drawn by trust (width by how often,
 * long dashes when only one side named the tie). This adds the panel section: the caveat,
 * the trust/value switch (it recolours the surveyed ties and what window.netmap.reset
 * restores), the legend of colours, widths and dashes, and who has not answered yet, by
 * region. Uses window.netmap only; every text is set as text.
 */
(function () {
  "use strict";
  var nm = window.netmap;
  if (!nm || !nm.data.quality) { return; }
  var Q = nm.data.quality;
  var SVG = "http://www.w3.org/2000/svg";

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }
  // A legend sample: a bar `width` pixels thick, in `colour`, dashed by `dashes` (vis-network's
  // pattern: dash, gap, ...) or solid. A styled span, not SVG: the panel holds no markup from data
  // and no drawing elements at all.
  function sample(colour, width, dashes) {
    var bar = el("span", null, "quality-sample");
    bar.setAttribute("aria-hidden", "true");
    bar.style.display = "inline-block";
    bar.style.flex = "none";
    bar.style.width = "48px";
    bar.style.height = Math.max(1, Math.min(width, 12)) + "px";
    if (dashes) {
      var on = dashes[0], off = dashes[0] + dashes[1];
      bar.style.background = "repeating-linear-gradient(90deg, " + colour + " 0 " + on + "px, transparent " + on + "px " + off + "px)";
    } else {
      bar.style.background = colour;
    }
    return bar;
  }
  function item(list, mark, text) {
    var li = el("li");
    li.appendChild(mark);
    li.appendChild(document.createTextNode(" " + text));
    list.appendChild(li);
    return li;
  }

  // ---- Recolouring: the surveyed ties by trust or by value. ----
  var current = Q.colour_by || "trust";
  function colourBy(which) {
    if (which !== "trust" && which !== "value") { return current; }
    current = which;
    var changes = Q.ties.map(function (t) {
      var id = "e" + t.edge, colour = t[which];
      var c = { color: colour, highlight: colour, hover: colour };
      // What reset() and spotlight() restore, and what the page data says.
      nm.original[id] = { color: c };
      nm.data.edges[t.edge].color = colour;
      return { id: id, color: c };
    });
    if (changes.length) { nm.edges.update(changes); }
    document.querySelectorAll("input[name=quality-colour]").forEach(function (r) { r.checked = r.value === which; });
    var label = document.getElementById("quality-scale-title");
    if (label) { label.textContent = "Colour: " + which + " (mean score, 1 low to 4 high)"; }
    return current;
  }

  // ---- The panel section. ----
  var section = el("section");
  section.id = "quality";
  section.appendChild(el("h2", "Tie quality"));
  if (Q.caveat) {
    var caveat = el("p", Q.caveat, "quality-caveat");
    caveat.id = "quality-caveat";
    caveat.setAttribute("role", "note");
    section.appendChild(caveat);
  }

  var switcher = el("fieldset");
  switcher.id = "quality-switch";
  switcher.appendChild(el("legend", "Colour ties by"));
  [["trust", "Trust"], ["value", "Value"]].forEach(function (pair) {
    var lab = el("label", null, "quality-option");
    var radio = el("input");
    radio.type = "radio";
    radio.name = "quality-colour";
    radio.id = "quality-" + pair[0];
    radio.value = pair[0];
    radio.checked = pair[0] === current;
    radio.addEventListener("change", function () { if (radio.checked) { colourBy(pair[0]); } });
    lab.appendChild(radio);
    lab.appendChild(document.createTextNode(" " + pair[1]));
    switcher.appendChild(lab);
  });
  section.appendChild(switcher);

  var scaleTitle = el("p", "", "quality-key");
  scaleTitle.id = "quality-scale-title";
  section.appendChild(scaleTitle);
  var scale = el("ul", null, "legend-list quality-legend");
  scale.id = "quality-scale";
  Q.scale.forEach(function (s, i) {
    var words = i === 0 ? " (low)" : i === Q.scale.length - 1 ? " (high)" : "";
    item(scale, sample(s.color, 8), String(s.score) + words);
  });
  item(scale, sample(Q.no_score, 8), "no score given");
  section.appendChild(scale);

  section.appendChild(el("p", "Width: how often they work together", "quality-key"));
  var widths = el("ul", null, "legend-list quality-legend");
  widths.id = "quality-widths";
  Q.widths.forEach(function (w) { item(widths, sample("#444444", w.width), w.frequency); });
  item(widths, sample("#444444", Q.no_frequency_width), "not given");
  section.appendChild(widths);

  var sides = el("ul", null, "legend-list quality-legend");
  sides.id = "quality-sides";
  item(sides, sample("#444444", 4), "confirmed: both partners named the tie");
  item(sides, sample("#444444", 4, Q.one_sided), "one-sided: only one partner named it (long dashes)");
  section.appendChild(sides);
  var counts = [];
  if (Q.confirmed !== null && Q.confirmed !== undefined) { counts.push(Q.confirmed + " confirmed"); }
  if (Q.unconfirmed !== null && Q.unconfirmed !== undefined) { counts.push(Q.unconfirmed + " one-sided"); }
  if (counts.length) { section.appendChild(el("p", "Ties: " + counts.join(", "), "quality-key")); }

  var waiting = el("div");
  waiting.id = "not-answered";
  var total = Q.not_answered.reduce(function (n, g) { return n + g.names.length; }, 0);
  waiting.appendChild(el("h3", "Not yet answered (" + total + ")"));
  if (!total) { waiting.appendChild(el("p", "Every partner has answered.")); }
  Q.not_answered.forEach(function (g) {
    waiting.appendChild(el("p", g.region, "quality-region"));
    var list = el("ul", null, "quality-names");
    g.names.forEach(function (name) { list.appendChild(el("li", name)); });
    waiting.appendChild(list);
  });
  section.appendChild(waiting);

  // Right under the search, above what-if, saving and services: the caveat and the switch
  // must be on screen without scrolling on a 1366x768 projector.
  var panel = document.getElementById("panel");
  if (panel) {
    var first = panel.firstElementChild;
    panel.insertBefore(section, first ? first.nextSibling : null);
  }
  colourBy(current);

  nm.quality = {
    colourBy: colourBy,            // colourBy("trust" | "value"): recolour the surveyed ties
    current: function () { return current; }
  };
})();
