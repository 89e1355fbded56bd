/* The basket screen of the offline day: weigh the lines, sell from the van's stock, mark collected or not
   collected, then the first fee, payments (split across means) and what stays on account. Each form checks
   what the server would refuse before keeping anything; a refusal keeps everything that was typed. The
   words, the DOM helper and the way to keep an entry come from app.js (`app`). */
(function (field) {
  "use strict";

  const dec = field.decimal;
  const day = field.day;

  function capitalised(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function screen(app, view, basketId) {
    const { T, t, h, state, record, draw, quantity, quantityOf, price, meansLabel, flashNode, sendOnly } = app;

    function basketScreen() {
      const found = view.basketsById.get(basketId);
      if (!found) return [h("h1", { tabindex: "-1" }, T.notFound), h("p", {}, h("a", { href: "#/" }, T.back))];
      const { basket, stop } = found;
      const head = [
        h("p", {}, h("a", { href: "#/arret/" + stop.distribution }, t("backTo", { stop: stop.name }))),
        h("h1", { tabindex: "-1" }, h("span", { class: "member-number" }, basket.member.number), " ", basket.member.name),
        h("p", {}, h("strong", { id: "field-basket-status" }, T.status[basket.status])),
        basket.waiting ? h("p", { class: "field-waiting-here" }, t("waitingHere", { n: basket.waiting })) : null,
        basket.refused.length ? h("div", { class: "messages" }, basket.refused.map((r) => h("p", { class: "message message-error" },
          h("strong", {}, capitalised(T.kinds[r.entry.kind] || r.entry.kind)), "\u00a0: ", t("refusedItem", { reason: r.message })))) : null,
        flashNode(),
      ];
      let body;
      if (sendOnly()) body = [h("p", { class: "message message-warning" }, T.readOnly), summary(basket)];
      else if (basket.status === "waiting") body = [weighForm(basket), stockForm(basket, view), absentForm(basket)];
      else if (basket.status === "collected") body = [summary(basket), feeForm(basket), payForm(basket), onAccountForm(basket)];
      else body = [h("p", { class: "card" }, h("strong", {}, T.absentText))];
      return [head, body, h("p", { class: "actions" }, h("a", { class: "button button-secondary", href: "#/arret/" + stop.distribution }, T.nextMember))];
    }

    function errorBox(id) {
      return h("div", { id, class: "field-error messages", role: "alert" });
    }

    function showError(box, message) {
      box.replaceChildren(message ? h("p", { class: "message message-error" }, message) : "");
    }

    function weighForm(basket) {
      const tolerance = state.bundle.tolerance_percent;
      const summaryError = errorBox("field-weigh-error");
      const total = h("p", { class: "serve-total" });
      const inputs = [];
      const lines = h("ul", { class: "serve-lines" }, basket.lines.map((line) => {
        const id = "field-line-" + line.id;
        const input = line.from_stock ? null : h("input", {
          type: "text", inputmode: "decimal", id, class: "qty-input", autocomplete: "off",
          value: line.served === null || line.served === undefined ? "" : dec.french(dec.parse(line.served, 3), 3, true),
          placeholder: dec.french(dec.parse(line.allotted, 3), 3, true), "aria-describedby": id + "-error",
        });
        const error = h("p", { id: id + "-error", class: "errorlist" });
        if (input) inputs.push({ line, input, error });
        return h("li", { class: "serve-line" },
          h("div", {}, h("strong", {}, line.name), " ",
            line.weighed ? h("span", { class: "badge" }, T.weighed) : null,
            line.from_stock ? h("span", { class: "badge" }, T.fromStock) : null),
          line.from_stock ? h("div", {}, t("servedShown", { quantity: quantity(day.served(line), line.unit_label, line.unit) }))
            : [h("div", {}, t("allotted", { quantity: quantity(line.allotted, line.unit_label, line.unit) })),
              h("label", { for: id }, t("servedLabel", { unit: line.unit_label })), input, error],
          h("div", { class: "serve-amount" }, dec.euros(dec.lineCents(line.unit_price, day.served(line)))));
      }));
      total.textContent = t("basketTotal", { amount: dec.euros(basket.totalCents) });

      /* All lines or none: one refused quantity saves nothing and erases nothing that was typed. */
      function readLines() {
        const values = {};
        let first = null;
        inputs.forEach(({ line, input, error }) => {
          const checked = day.checkServed(line, input.value, tolerance);
          error.textContent = checked.error ? t(checked.error, checked.params) : "";
          input.setAttribute("aria-invalid", checked.error ? "true" : "false");
          if (checked.error && !first) first = input;
          else values[line.id] = checked.value;
        });
        if (first) {
          showError(summaryError, T.weightsRefused);
          first.focus();
          return null;
        }
        showError(summaryError, "");
        return values;
      }

      async function submit(event) {
        event.preventDefault();
        const values = readLines();
        if (!values) return;
        const collect = event.submitter && event.submitter.value === "collect";
        if (await record(basket, collect ? "collected" : "served", { lines: values })) {
          state.flash = collect ? T.collectedKept : T.weightsKept;
        }
        draw(false);
      }

      return h("form", { id: "field-weigh", novalidate: true, onsubmit: submit },
        h("p", { class: "small" }, t("tolerance", { percent: dec.french(dec.parse(tolerance, 2), 2, true) })),
        summaryError, lines, total,
        h("div", { class: "actions" },
          h("button", { type: "submit", class: "button-secondary", name: "action", value: "save", id: "field-save" }, T.saveWeights),
          h("button", { type: "submit", name: "action", value: "collect", id: "field-collect" }, T.collect)));
    }

    function stockForm(basket, view) {
      const items = view.stock.filter((s) => s.leftMilli > 0n);
      if (!view.stock.length) return null;
      if (!items.length) return h("section", { class: "card" }, h("h2", {}, T.stockTitleSell), h("p", {}, T.stockNone));
      // radio buttons rather than a list: each product's whole line stays readable at 360 px
      const choices = h("fieldset", { class: "means" }, h("legend", {}, T.product),
        items.map((s, index) => h("label", { class: "radio-choice", for: "field-stock-" + s.product },
          h("input", { type: "radio", name: "stock-product", id: "field-stock-" + s.product, value: s.product, checked: index === 0 }),
          " ", t("stockOption", { name: s.name, left: quantityOf(s.leftMilli, s.unit_label, s.unit),
            price: price(day.stockPrice(basket, s), s.unit_label) }))));
      const amount = h("input", { type: "text", inputmode: "decimal", id: "field-stock-quantity", autocomplete: "off", "aria-describedby": "field-stock-error" });
      const error = errorBox("field-stock-error");

      async function submit(event) {
        event.preventDefault();
        const chosen = new FormData(event.target).get("stock-product");
        const item = items.find((s) => String(s.product) === chosen);
        const milli = dec.parse(amount.value, 3);
        if (milli === null || milli <= 0n) return showError(error, T.stockZero);
        if (milli > item.leftMilli) {
          return showError(error, t("stockTooMuch", { product: item.name, left: quantityOf(item.leftMilli, item.unit_label, item.unit) }));
        }
        if (await record(basket, "stock_sale", { product: item.product, quantity: dec.toPlain(milli, 3) })) {
          state.flash = t("stockKept", { product: item.name });
        }
        draw(false);
      }

      return h("form", { id: "field-stock", class: "card", novalidate: true, onsubmit: submit },
        h("h2", {}, T.stockTitleSell),
        choices,
        h("label", { for: "field-stock-quantity" }, T.quantityLabel), amount, error,
        h("p", {}, h("button", { type: "submit", class: "button-secondary" }, T.addStock)));
    }

    function absentForm(basket) {
      async function submit(event) {
        event.preventDefault();
        if (await record(basket, "not_collected", {})) state.flash = T.absentKept;
        draw(false);
      }
      return h("form", { id: "field-absent", onsubmit: submit },
        h("button", { type: "submit", class: "button-secondary" }, T.notCollected));
    }

    function summary(basket) {
      const limitLines = basket.lines.map((line) => h("li", {}, line.name + " · " + quantity(day.served(line), line.unit_label, line.unit)
        + " · " + dec.euros(dec.lineCents(line.unit_price, day.served(line)))));
      const payments = basket.payments.map((r) => h("li", {}, meansLabel(r.entry.payload.means),
        r.entry.payload.reference ? " " + t("reference", { reference: r.entry.payload.reference }) : "",
        r.entry.payload.issuer ? " (" + r.entry.payload.issuer + ")" : "", "\u00a0: ", dec.euros(dec.parse(r.entry.payload.amount, 2)),
        r.state === "waiting" ? [" ", h("span", { class: "badge badge-warn" }, T.notSentBadge)] : null));
      return h("section", { class: "card", id: "field-summary" },
        h("ul", { class: "plain" }, limitLines),
        h("p", {}, t("servedTotal", { amount: dec.euros(basket.totalCents) }), h("br"),
          t("balanceBefore", { amount: dec.euros(dec.parse(basket.balance, 2)) })),
        payments.length ? [h("h2", {}, T.paymentsTaken), h("ul", {}, payments)] : null,
        basket.fee ? h("p", {}, t("feeTaken", { amount: dec.euros(dec.parse(basket.fee.local.amount || "0", 2)),
          means: meansLabel(basket.fee.entry.payload.means).toLowerCase() })) : null,
        h("p", { id: "field-due", class: "big-amount" }, basket.dueCents > 0n ? t("due", { amount: dec.euros(basket.dueCents) }) : T.nothingDue),
        basket.onAccount ? h("p", {}, T.onAccountDone) : null);
    }

    function meansFieldset(name, legend) {
      return h("fieldset", { class: "means" }, h("legend", {}, legend),
        state.bundle.means.map((m, index) => h("label", { class: "radio-choice", for: name + "-" + m.code },
          h("input", { type: "radio", name, id: name + "-" + m.code, value: m.code, checked: index === 0 }), " ", m.label)));
    }

    function feeForm(basket) {
      if (!basket.fee_due || basket.fee) return null;
      const amount = dec.euros(dec.parse(basket.fee_due, 2));
      async function submit(event) {
        event.preventDefault();
        const means = new FormData(event.target).get("fee-means");
        if (await record(basket, "fee", { means }, { amount: basket.fee_due })) state.flash = T.feeKept;
        draw(false);
      }
      return h("form", { id: "field-fee", class: "card", onsubmit: submit },
        h("h2", {}, t("feeTitle", { amount })), h("p", { class: "small" }, T.feeHelp),
        meansFieldset("fee-means", T.feeMeans),
        h("p", {}, h("button", { type: "submit" }, t("feeButton", { amount }))));
    }

    function payForm(basket) {
      if (basket.dueCents <= 0n || basket.onAccount) return null;
      const error = errorBox("field-pay-error");
      const amount = h("input", { type: "text", inputmode: "decimal", id: "field-pay-amount", autocomplete: "off",
        value: dec.french(basket.dueCents, 2, false) });
      const reference = h("input", { type: "text", id: "field-pay-reference", autocomplete: "off" });
      const issuer = h("input", { type: "text", id: "field-pay-issuer", autocomplete: "off", list: "field-pay-issuers" });
      const issuers = h("datalist", { id: "field-pay-issuers" },
        (state.bundle.voucher_issuers || []).map((name) => h("option", { value: name })));

      function problem(means, cents) {
        if (!means) return T.payMeansMissing;
        if (cents === null || cents <= 0n) return T.payAmountBad;
        if (cents > basket.dueCents) return t("payTooMuch", { amount: dec.euros(cents), due: dec.euros(basket.dueCents) });
        if (means === "cheque" && !reference.value.trim()) return T.payChequeNumber;
        if (means === "voucher" && !issuer.value.trim()) return T.payVoucherIssuer;
        if (means === "voucher" && !reference.value.trim()) return T.payVoucherNumber;
        return "";
      }

      async function submit(event) {
        event.preventDefault();
        const means = new FormData(event.target).get("pay-means");
        const cents = dec.parse(amount.value, 2);
        const reason = problem(means, cents);
        if (reason) {
          showError(error, t("payRefused", { reason }));
          return;
        }
        const withNumber = means === "cheque" || means === "voucher";
        const fields = { amount: dec.toPlain(cents, 2), means, reference: withNumber ? reference.value.trim() : "",
          issuer: means === "voucher" ? issuer.value.trim() : "", advance: false };
        if (await record(basket, "payment", fields)) state.flash = t("payKept", { amount: dec.euros(cents) });
        draw(false);
      }

      return h("form", { id: "field-pay", class: "card", novalidate: true, onsubmit: submit },
        h("h2", {}, T.payTitle), h("p", { class: "small" }, T.payHelp), error,
        meansFieldset("pay-means", T.payMeans),
        h("label", { for: "field-pay-amount" }, T.payAmount), amount,
        h("label", { for: "field-pay-reference" }, T.payReference), reference,
        h("label", { for: "field-pay-issuer" }, T.payIssuer), issuer, issuers,
        h("p", {}, h("button", { type: "submit", id: "field-pay-button" }, T.payButton)));
    }

    function onAccountForm(basket) {
      if (basket.dueCents <= 0n || basket.onAccount) return null;
      const limit = dec.parse(state.bundle.negative_limit, 2);
      const error = errorBox("field-account-error");
      async function submit(event) {
        event.preventDefault();
        if (basket.balanceAfterCents < -limit) {
          showError(error, t("onAccountBeyond", { balance: dec.euros(basket.balanceAfterCents), limit: dec.euros(limit) }));
          return;
        }
        if (await record(basket, "on_account", {})) state.flash = T.onAccountKept;
        draw(false);
      }
      return h("form", { id: "field-on-account", onsubmit: submit }, error,
        h("button", { type: "submit", class: "button-secondary" },
          t("onAccount", { amount: dec.euros(basket.dueCents), limit: dec.euros(limit) })));
    }

    return basketScreen();
  }

  field.basket = { screen };
})(self.GrappeField = self.GrappeField || {});
