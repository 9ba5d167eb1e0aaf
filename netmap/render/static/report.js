/* netmap report: sortable tables. It only reorders rows already on the page and reads
   their text; it never writes markup. */
(function () {
  "use strict";
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

  // The value a cell sorts by: its data-value when it has one (numbers the server
  // formatted as "$1,200" or "45%"), else its text, as a number when it reads as one.
  function key(cell, numeric) {
    if (!cell) { return null; }
    var raw = cell.getAttribute("data-value");
    if (raw !== null && raw !== "" && !isNaN(Number(raw))) { return Number(raw); }
    var text = cell.textContent.trim();
    if (text === "") { return null; }
    if (numeric) {
      var n = Number(text.replace(/[$,%\s]/g, ""));
      if (!isNaN(n)) { return n; }
    }
    return text;
  }

  function compare(a, b) {
    if (typeof a === "number" && typeof b === "number") { return a - b; }
    if (typeof a === "number") { return -1; }  // numbers before words ("n/a") in a numeric column
    if (typeof b === "number") { return 1; }
    return collator.compare(a, b);
  }

  var status = document.getElementById("sort-status");

  function sortBy(table, th, column) {
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var numeric = th.querySelector("button").hasAttribute("data-numeric");
    var body = table.tBodies[0];
    var rows = Array.prototype.map.call(body.rows, function (row, index) {
      return { row: row, index: index, key: key(row.cells[column], numeric) };
    });
    rows.sort(function (x, y) {
      // Blank cells go last whichever way the column is sorted; ties keep their order.
      if (x.key === null || y.key === null) {
        return (x.key === null) - (y.key === null) || x.index - y.index;
      }
      var c = ascending ? compare(x.key, y.key) : compare(y.key, x.key);
      return c || x.index - y.index;
    });
    rows.forEach(function (r) { body.appendChild(r.row); });
    table.querySelectorAll("thead th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    if (status) {
      status.textContent = "Sorted by " + th.textContent.trim() + (ascending ? ", ascending" : ", descending");
    }
  }

  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th, column) {
      var button = th.querySelector("button");
      if (button) {
        button.addEventListener("click", function () { sortBy(table, th, column); });
      }
    });
  });

  // On paper the map's box has another size: refit the drawing to it, and back afterwards.
  // (The map script comes after this one; window.netmap exists by the time anyone prints.)
  function refit() {
    var net = window.netmap && window.netmap.network;
    if (!net) { return; }
    net.setSize("100%", "100%");
    net.redraw();
    net.fit({ animation: false });
  }
  window.addEventListener("beforeprint", refit);
  window.addEventListener("afterprint", refit);
  var printing = window.matchMedia ? window.matchMedia("print") : null;
  if (printing && printing.addEventListener) {
    // Fires when the page is printed or print media is emulated; the new layout is ready a frame later.
    printing.addEventListener("change", function () { window.requestAnimationFrame(refit); });
  }

  // Without a map the page is ready now; with one, the map says so once it has settled.
  if (!document.getElementById("netmap-data")) {
    document.body.setAttribute("data-ready", "1");
  }
})();
