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

  function number(text) { return parseFloat(String(text || "0").replace(",", ".")) || 0; }

  // Subtotals and the total while typing (the server recomputes everything on save). The basket's
  // total is the stored one (data-total) plus what the boxes typed change (data-quantity: stored);
  // the paper entry's is the sum of its boxes, all on its page.
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("qty-input")) { return; }
    var q = number(input.value);
    var row = input.closest(".product, tr");
    var cell = row && row.querySelector(".subtotal-value");
    if (cell) {
      cell.textContent = fmt.format(round(q * parseFloat(input.dataset.price)));
      if (cell.parentNode.hasAttribute("hidden") && q > 0) { cell.parentNode.removeAttribute("hidden"); }
    }
    var total = document.getElementById("basket-total");
    if (!total) { return; }
    var paper = input.closest(".paper-entry");
    var sum = paper ? 0 : number(total.dataset.total);
    (paper || document).querySelectorAll(".qty-input").forEach(function (box) {
      var price = parseFloat(box.dataset.price);
      sum += round(number(box.value) * price) - (paper ? 0 : round(number(box.dataset.quantity) * price));
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
