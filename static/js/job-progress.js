// The progress page of a background job (templates/admin/portal/job_progress.html):
// polls its JSON every 1.5 s, moves the bar, and opens the result when the job is done.
// A static file because the Content-Security-Policy allows no inline script.
(function () {
  var box = document.getElementById("job-progress");
  if (!box || !box.hasAttribute("data-polling")) return;
  var url = box.getAttribute("data-status-url");

  function show(state) {
    box.querySelector("[data-job-status]").textContent = state.status_label;
    box.querySelector("[data-job-bar]").value = state.progress;
    box.querySelector("[data-job-percent]").textContent = state.progress + "%";
    box.querySelector("[data-job-message]").textContent = state.message;
    var error = box.querySelector("[data-job-error]");
    error.textContent = state.error;
    error.hidden = !state.error;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (state.status === "done") {
          if (state.result_url) window.location.assign(state.result_url);
          else window.location.reload();
        } else if (state.status !== "failed") {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000); // a network hiccup: try again, more slowly
      });
  }
  window.setTimeout(poll, 1000);
})();
