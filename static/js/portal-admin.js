// Behaviour of the portal's own admin pages, without inline handlers (the
// Content-Security-Policy allows scripts from this site's files only).
//   <input type="checkbox" data-tick-all="ids">  ticks every input[name=ids]
//   <form data-confirm="Question?">               asks before submitting
document.addEventListener("change", function (event) {
  var box = event.target.closest("[data-tick-all]");
  if (!box) return;
  var selector = 'input[name="' + box.getAttribute("data-tick-all") + '"]';
  document.querySelectorAll(selector).forEach(function (input) {
    input.checked = box.checked;
  });
});
document.addEventListener("submit", function (event) {
  var form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
});
