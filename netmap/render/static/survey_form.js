/* netmap partner survey: reads the answers from the form's controls and saves them as a JSON
 * file (netmap.render.survey_form documents its fields). The file is made from an object URL
 * of a blob: nothing leaves the page and it works with no network. The script sets text and
 * values only, never markup.
 */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("netmap-form").textContent);

  function text(el) {
    var v = el.value.trim();
    return v === "" ? null : v;
  }
  function rows(kind) {
    return Array.prototype.slice.call(document.querySelectorAll('tr[data-row="' + kind + '"]'));
  }
  function field(row, key) {
    return row.querySelector('[data-key="' + key + '"]');
  }
  function today() {
    var d = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
  }
  // The values of a row's controls named in keys; null when the row is all blank.
  function values(row, keys) {
    var out = {}, any = false;
    keys.forEach(function (key) {
      var v = text(field(row, key));
      out[key] = v;
      if (v !== null) { any = true; }
    });
    return any ? out : null;
  }

  function answers() {
    var partner = { id: data.partner.id };
    Array.prototype.forEach.call(document.querySelectorAll("[data-partner]"), function (el) {
      partner[el.getAttribute("data-partner")] = text(el);
    });
    var services = [];
    rows("services").forEach(function (row) {
      var v = values(row, ["service", "population"]);
      if (v && v.service !== null) { services.push(v); }
    });
    var roles = [];
    rows("roles").forEach(function (row) {
      if (field(row, "plays").checked) {
        roles.push({ role: row.getAttribute("data-role"), lead: text(field(row, "lead")) });
      }
    });
    var ties = [];
    rows("ties").forEach(function (row) {
      var picked = row.querySelector('[data-key="works_together"]:checked');
      var v = values(row, ["kind", "frequency"]) || { kind: null, frequency: null };
      var answered = picked !== null || v.kind !== null || v.frequency !== null;
      var tie = { target_id: row.getAttribute("data-target"), works_together: picked ? picked.value : null,
                  kind: v.kind, frequency: v.frequency };
      Array.prototype.forEach.call(row.querySelectorAll("[data-score]"), function (el) {
        var s = text(el);
        tie[el.getAttribute("data-key")] = s === null ? null : Number(s);
        if (s !== null) { answered = true; }
      });
      if (answered) { ties.push(tie); }
    });
    var agreements = [];
    rows("agreements").forEach(function (row) {
      var v = values(row, ["title", "type", "with_id", "signed", "expires"]);
      if (v) { agreements.push(v); }
    });
    var funding = [];
    rows("funding").forEach(function (row) {
      var v = values(row, ["stream", "funder_id", "source", "program", "amount", "start", "end"]);
      if (v) { funding.push(v); }
    });
    var when = document.getElementById("answered-on");
    if (!when.value) { when.value = today(); }
    return {
      netmap_form: data.netmap_form,
      partner_id: data.partner.id,
      map: data.map,
      answered_on: when.value,
      partner: partner,
      partners: data.others,
      services: services,
      roles: roles,
      ties: ties,
      agreements: agreements,
      funding: funding
    };
  }

  function save() {
    var status = document.getElementById("save-status");
    var blob = new Blob([JSON.stringify(answers(), null, 1) + "\n"], { type: "application/json" });
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = data.filename;
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    status.textContent = "Saved as " + data.filename + " in your downloads folder. Send that file back; you may save again after changes.";
  }

  document.getElementById("save").addEventListener("click", save);
  document.body.setAttribute("data-ready", "1");
})();
