/* The member's basket and the orders on behalf (orders/basket.html), the paper entry too (only the
   totals while typing).

   With htmx: a "+" or "−" posts its own product's boxes only and swaps that product's box, the
   summary coming out of band; the button pressed is disabled and shows "…" meanwhile. A refused
   quantity comes back with 422 (core.errors.REFUSED): it is swapped too, so the product shows
   what was typed and why it was refused. Without JavaScript, the same buttons post the whole form
   and the page comes back at the product (#p-<id>). */
(function () {
  "use strict";
  var fmt = new Intl.NumberFormat("fr-FR", {style: "currency", currency: "EUR"});
  function round(x) { return Math.round(x * 100 + 1e-9) / 100; }

  // Subtotals while typing (the server recomputes everything on save).
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("qty-input")) { return; }
    var q = parseFloat((input.value || "0").replace(",", ".")) || 0;
    var row = input.closest(".product, tr");
    var cell = row && row.querySelector(".subtotal-value");
    if (cell) { cell.textContent = fmt.format(round(q * parseFloat(input.dataset.price))); }
    var paper = input.closest(".paper-entry");  // the paper entry's total: every box is on its page
    var total = document.getElementById("basket-total");
    if (!paper || !total) { return; }
    var sum = 0;
    paper.querySelectorAll(".qty-input").forEach(function (box) {
      sum += round((parseFloat((box.value || "0").replace(",", ".")) || 0) * parseFloat(box.dataset.price));
    });
    total.textContent = fmt.format(round(sum));
  });

  if (!window.htmx) { return; }
  htmx.config.includeIndicatorStyles = false;  // our CSS; no inline style element
  htmx.config.allowEval = false;
  htmx.config.responseHandling = [
    {code: "204", swap: false},
    {code: "[23]..", swap: true},
    {code: "422", swap: true, error: false},  // a refused quantity: show it, as typed
    {code: "[45]..", swap: false, error: true},
    {code: "...", swap: false}
  ];
  document.addEventListener("htmx:configRequest", function (event) {
    var box = event.detail.elt.closest(".product");
    if (!box) { return; }
    var keep = {csrfmiddlewaretoken: true, plus: true, minus: true, channel: true};
    box.querySelectorAll("input[name]").forEach(function (input) { keep[input.name] = true; });
    var form = event.detail.formData;
    Array.from(form.keys()).forEach(function (name) { if (!keep[name]) { form.delete(name); } });
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt.classList.contains("step-button")) { event.detail.elt.disabled = true; }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    event.detail.elt.disabled = false;  // the box swapped has new buttons; this one, if kept, comes back
  });
})();
