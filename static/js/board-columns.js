// The selection board's "All columns" switch (programs/program/board.html).
// Without JavaScript the board shows its main columns only (.board-compact
// hides .col-extra), which fits a 1366 px screen in every language. The
// switch shows the secondary ones too; the table then scrolls inside its
// box (.board-scroll), never the page. The choice is kept for the next visit.
(function () {
  var KEY = "portal.board.allColumns";

  function apply(button, table, all) {
    table.classList.toggle("board-compact", !all);
    button.setAttribute("aria-pressed", all ? "true" : "false");
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-board-columns]").forEach(function (button) {
      var table = document.getElementById(button.getAttribute("data-board-columns"));
      if (!table) return;
      var saved = false;
      try { saved = window.localStorage.getItem(KEY) === "1"; } catch (e) { /* storage off */ }
      apply(button, table, saved);
      button.hidden = false;
      button.addEventListener("click", function () {
        var all = button.getAttribute("aria-pressed") !== "true";
        apply(button, table, all);
        try { window.localStorage.setItem(KEY, all ? "1" : "0"); } catch (e) { /* storage off */ }
      });
    });
  });
})();
