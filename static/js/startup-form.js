// The startup form shows the BIN for Kazakhstan and the registration number
// elsewhere, following the country chosen.
(function () {
  var country = document.getElementById("id_country");
  if (!country) return;
  function sync() {
    var kz = country.value === "KZ";
    document.querySelectorAll("[data-kz-only]").forEach(function (el) { el.hidden = !kz; });
    document.querySelectorAll("[data-foreign-only]").forEach(function (el) { el.hidden = kz; });
  }
  country.addEventListener("change", sync);
  sync();
})();
