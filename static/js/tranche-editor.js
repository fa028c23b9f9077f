// The tranche schedule editor (templates/admin/programs/award/_tranche_editor.html).
// Without this script the page still works: "Add a row" and "Remove" are submit
// buttons that come back with one row more or less, and the sum shows after each.
// With it, rows are added (a clone of the formset's empty form) and removed in
// the page, and the running sum against the award follows the typing.
// A static file because the Content-Security-Policy allows no inline script.
(function () {
  "use strict";

  function parseAmount(text) {
    // Amounts in whole cents, so that the sum is exact; null when unreadable.
    var clean = String(text || "").replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
    if (clean === "") return 0;
    if (!/^\d+(\.\d{0,2})?$/.test(clean)) return null;
    var parts = clean.split(".");
    var cents = (parts[1] || "").padEnd(2, "0");
    return parseInt(parts[0], 10) * 100 + parseInt(cents, 10);
  }

  function formatMoney(cents, currency) {
    var whole = cents % 100 === 0;
    var text = new Intl.NumberFormat(document.documentElement.lang || undefined, {
      minimumFractionDigits: whole ? 0 : 2,
      maximumFractionDigits: 2,
    }).format(cents / 100);
    return currency ? text + "\u00a0" + currency : text;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_match, key) {
      return values[key] !== undefined ? values[key] : "";
    });
  }

  function setUp(editor) {
    var prefix = editor.getAttribute("data-prefix");
    var rows = editor.querySelector("[data-tranche-rows]");
    var emptyRow = editor.querySelector("template[data-tranche-empty]");
    var addButton = editor.querySelector("[data-tranche-add]");
    var sumLine = editor.querySelector("[data-tranche-sum]");
    var total = editor.querySelector("#id_" + prefix + "-TOTAL_FORMS");
    var initial = editor.querySelector("#id_" + prefix + "-INITIAL_FORMS");
    var maxRows = parseInt(editor.getAttribute("data-max-rows"), 10) || 24;
    var awardInputId = editor.getAttribute("data-award-input");
    var awardInput = awardInputId ? document.getElementById(awardInputId) : null;
    var currency = editor.getAttribute("data-currency");
    var currencies = JSON.parse(editor.getAttribute("data-currencies") || "{}");
    var application = document.getElementById("id_application");

    function awardCents() {
      var text = awardInput ? awardInput.value : editor.getAttribute("data-award-amount");
      var cents = parseAmount(text);
      return cents ? cents : null;
    }

    function updateSum() {
      var sum = 0;
      var readable = true;
      rows.querySelectorAll("[data-tranche-amount]").forEach(function (input) {
        var cents = parseAmount(input.value);
        if (cents === null) readable = false;
        else sum += cents;
      });
      var award = awardCents();
      var key = "none";
      if (award !== null) key = sum === award ? "match" : sum < award ? "short" : "over";
      sumLine.textContent = fill(editor.getAttribute("data-text-" + key), {
        total: formatMoney(sum, currency),
        award: award === null ? "" : formatMoney(award, currency),
        gap: award === null ? "" : formatMoney(Math.abs(award - sum), currency),
      });
      sumLine.classList.toggle("match", readable && key === "match");
      sumLine.classList.toggle("mismatch", !readable || key === "short" || key === "over");
    }

    function renumber() {
      // Django reads rows 0..TOTAL_FORMS-1: keep names, ids and buttons in step.
      var pattern = new RegExp("^(id_)?" + prefix + "-(\\d+|__prefix__)-");
      rows.querySelectorAll("[data-tranche-row]").forEach(function (row, index) {
        row.querySelectorAll("input, select, textarea, label").forEach(function (element) {
          ["name", "id", "for"].forEach(function (attribute) {
            var value = element.getAttribute(attribute);
            if (value && pattern.test(value)) {
              element.setAttribute(
                attribute,
                value.replace(pattern, function (_m, id) {
                  return (id || "") + prefix + "-" + index + "-";
                })
              );
            }
          });
        });
        row.querySelector("[data-tranche-remove]").value = String(index);
      });
      var count = rows.querySelectorAll("[data-tranche-row]").length;
      total.value = String(count);
      // Rows are renumbered: none of them is an "initial" form any more.
      if (initial) initial.value = "0";
      addButton.disabled = count >= maxRows;
    }

    addButton.addEventListener("click", function (event) {
      event.preventDefault();
      if (rows.querySelectorAll("[data-tranche-row]").length >= maxRows) return;
      var fragment = emptyRow.content.cloneNode(true);
      rows.appendChild(fragment);
      renumber();
      updateSum();
      var last = rows.querySelector("[data-tranche-row]:last-child [data-tranche-amount]");
      if (last) last.focus();
    });

    rows.addEventListener("click", function (event) {
      var button = event.target.closest("[data-tranche-remove]");
      if (!button) return;
      event.preventDefault();
      button.closest("[data-tranche-row]").remove();
      renumber();
      updateSum();
    });

    editor.addEventListener("input", updateSum);
    if (awardInput) awardInput.addEventListener("input", updateSum);
    if (application && Object.keys(currencies).length) {
      // The award's currency is its program's: follow the chosen application.
      var follow = function () {
        currency = currencies[application.value] || "";
        updateSum();
      };
      application.addEventListener("change", follow);
      // The admin's autocomplete (select2) announces its choice through jQuery only.
      if (window.django && window.django.jQuery) window.django.jQuery(application).on("change", follow);
      if (application.value) currency = currencies[application.value] || currency;
    }
    updateSum();
  }

  document.querySelectorAll("[data-tranche-editor]").forEach(setUp);
})();
