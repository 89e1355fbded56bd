/* Order forms (member's basket, on-behalf, paper entry): keep the line subtotals and the total up to
   date while typing, quicker than a round trip. The server recomputes everything on save; without
   JavaScript the page works the same, with totals updated on save. */
(function () {
  "use strict";
  var inputs = document.querySelectorAll(".qty-input");
  if (!inputs.length) { return; }
  var fmt = new Intl.NumberFormat("fr-FR", {style: "currency", currency: "EUR"});
  function round(x) { return Math.round(x * 100 + 1e-9) / 100; }
  function update() {
    var total = 0;
    inputs.forEach(function (input) {
      var q = parseFloat((input.value || "0").replace(",", ".")) || 0;
      var line = round(q * parseFloat(input.dataset.price));
      total += line;
      var row = input.closest(".product, tr");
      var cell = row && row.querySelector(".subtotal-value");
      if (cell) { cell.textContent = fmt.format(line); }
    });
    var el = document.getElementById("basket-total");
    if (el) { el.textContent = fmt.format(round(total)); }
  }
  inputs.forEach(function (input) { input.addEventListener("input", update); });
})();
