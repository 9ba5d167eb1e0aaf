/* netmap map page: who provides a service (to a population), and the service deserts.
 *
 * The page data's `services` key (netmap.render.map_services) lists each drawn partner's
 * services and populations and, per region, the deserts of the analysis's service
 * inventory. Choosing a service, a population or both highlights the partners that
 * provide it and dims the rest; nothing is hidden or moved, and clearing both restores
 * every colour through window.netmap.reset. The desert markers are text nodes beside
 * their region's caption, never on a partner. Uses window.netmap only; text only.
 */
(function () {
  "use strict";
  var nm = window.netmap;
  if (!nm || !nm.data.services) { return; }
  var S = nm.data.services;

  function el(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  // A select of `items` ({id, name}); option values are indexes, so any id is safe.
  function select(id, label, items) {
    var box = el("select");
    box.id = id;
    // Long service names must not push the select out of the side panel.
    box.style.display = "block";
    box.style.width = "100%";
    box.appendChild(el("option", "(all)")).value = "";
    items.forEach(function (item, i) { box.appendChild(el("option", item.name)).value = String(i); });
    var lab = el("label", label);
    lab.htmlFor = id;
    return [lab, box];
  }

  // ---- The panel section, built here. ----
  var section = el("section");
  section.id = "services";
  section.appendChild(el("h2", "Services"));
  var service = select("service-filter", "Service", S.services);
  var population = select("population-filter", "Population", S.populations);
  service.concat(population).forEach(function (x) { section.appendChild(x); });
  var clearButton = el("button", "Clear");
  clearButton.type = "button";
  clearButton.id = "service-clear";
  section.appendChild(clearButton);
  var desertBox = null;
  if (S.deserts.some(function (d) { return d.caption && nm.byId[d.caption]; })) {
    var desertLabel = el("label");
    desertBox = el("input");
    desertBox.type = "checkbox";
    desertBox.id = "show-deserts";
    desertLabel.appendChild(desertBox);
    desertLabel.appendChild(document.createTextNode(" service deserts by region"));
    section.appendChild(desertLabel);
  }
  var panel = document.getElementById("panel");
  if (panel) {
    var legend = document.getElementById("legend") || document.getElementById("map-legend");
    panel.insertBefore(section, legend || null);
  }

  // ---- The filter. ----
  function chosen(box, items) {
    return box.value === "" ? undefined : items[Number(box.value)];
  }
  // The page ids of the partners that provide `svc` (to `pop`); undefined: any.
  function providers(svc, pop) {
    return Object.keys(S.partners).filter(function (id) {
      return S.partners[id].some(function (offer) {
        return (!svc || offer[0] === svc.id) && (!pop || offer[1] === pop.id);
      });
    });
  }
  function apply() {
    var svc = chosen(service[1], S.services), pop = chosen(population[1], S.populations);
    if (!svc && !pop) { nm.reset(); return; }
    var ids = providers(svc, pop);
    var keep = {};
    ids.forEach(function (id) { keep[id] = true; });
    nm.spotlight(keep, function (e) { return keep[e.from] && keep[e.to]; });
    var what = (svc ? svc.name : "any service") + (pop ? " for " + pop.name : "");
    nm.say(what + ": " + ids.length + (ids.length === 1 ? " provider" : " providers"));
  }
  function clear() {
    service[1].value = "";
    population[1].value = "";
    nm.reset();
  }
  service[1].addEventListener("change", apply);
  population[1].addEventListener("change", apply);
  clearButton.addEventListener("click", clear);
  // "Show all" clears the choice too (map.js restores the colours).
  var showAll = document.getElementById("reset");
  if (showAll) {
    showAll.addEventListener("click", function () { service[1].value = ""; population[1].value = ""; });
  }

  // ---- Desert markers: one text node per region, beside its caption. ----
  var GAP = 40;
  function box(id) {
    try { return nm.network.getBoundingBox(id); } catch (err) { return null; }
  }
  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }
  function partnerBoxes() {
    return nm.data.nodes.filter(function (n) { return n.group !== "caption"; }).map(function (n) {
      return box(n.id);
    }).filter(function (b) { return b; });
  }
  var markers = [];
  function showDeserts() {
    if (markers.length) { return; }
    var taken = partnerBoxes();
    S.deserts.forEach(function (d, i) {
      var cap = d.caption && nm.byId[d.caption] ? box(d.caption) : null;
      if (!cap) { return; }
      var id = "desert:" + i;
      var size = Math.max(14, Math.round((nm.byId[d.caption].size || 34) * 0.6));
      nm.nodes.add({
        id: id, label: d.lines.join("\n"), shape: "text", physics: false, fixed: true,
        x: cap.right, y: cap.top, group: undefined,
        font: { size: size, color: "#8a5a00", face: "system-ui, sans-serif", align: "left", strokeWidth: 4, strokeColor: "#ffffff" }
      });
      // Its left edge GAP right of the caption, its bottom on the caption's: the block
      // grows upwards, into the space between clusters. Then up until it is on no node.
      var mine = box(id);
      var x = cap.right + GAP + (mine.right - mine.left) / 2;
      var y = cap.bottom - (mine.bottom - mine.top) / 2;
      for (var step = 0; step < 60; step++) {
        nm.nodes.update({ id: id, x: x, y: y });
        mine = box(id);
        if (!taken.some(function (b) { return overlaps(mine, b); })) { break; }
        y -= size * 2;
      }
      taken.push(mine);
      markers.push(id);
    });
  }
  function hideDeserts() {
    if (markers.length) { nm.nodes.remove(markers); }
    markers = [];
  }
  // A marker goes with its caption: a region filtered out takes its marker too.
  function follow() {
    if (!markers.length) { return; }
    nm.nodes.update(markers.map(function (id) {
      var d = S.deserts[Number(id.split(":")[1])];
      return { id: id, hidden: nm.hidden(d.caption) };
    }));
  }
  if (desertBox) {
    desertBox.addEventListener("change", function () {
      if (desertBox.checked) { showDeserts(); follow(); } else { hideDeserts(); }
    });
    document.querySelectorAll("#filters input").forEach(function (b) { b.addEventListener("change", follow); });
  }

  nm.services = {
    providers: function (serviceId, populationId) {
      return providers(serviceId === undefined ? undefined : { id: serviceId },
        populationId === undefined ? undefined : { id: populationId });
    },
    apply: apply,
    clear: clear,
    markers: function () { return markers.slice(); }
  };
})();
