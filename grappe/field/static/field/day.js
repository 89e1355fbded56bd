/* The day as the screens show it, computed (no DOM, no storage): the bundle's baskets (the server's last
   copy) with the entries not yet sent replayed on top; the money from the balance before the basket plus
   every entry of this device the server did not refuse; the van's stock left; the stop's cash by means.
   The rules checked here are the server's own (distribution.services.check_served, accounts.services):
   the device refuses at once what the server would refuse later. */
(function (field) {
  "use strict";

  const dec = field.decimal;

  function normalise(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, " ").trim();
  }

  function served(line) {
    return line.served === null || line.served === undefined ? line.allotted : line.served;
  }

  /* What this member pays for a product of the van's stock: the price of their tier when the bundle says. */
  function stockPrice(basket, item) {
    return (basket.stock_prices && basket.stock_prices[String(item.product)]) || item.unit_price;
  }

  function replay(basket, record, stockById) {
    const entry = record.entry;
    const payload = entry.payload;
    if (entry.kind === "served" || entry.kind === "collected") {
      basket.lines = basket.lines.map((l) => (String(l.id) in payload.lines ? { ...l, served: payload.lines[l.id] } : l));
    }
    if (entry.kind === "collected") basket.status = "collected";
    if (entry.kind === "not_collected") basket.status = "not_collected";
    if (entry.kind === "stock_sale") {
      const item = stockById.get(payload.product) || { name: "?", unit: "", unit_label: "", unit_price: "0" };
      basket.lines = basket.lines.concat([{
        id: "local-" + entry.id, product: payload.product, name: item.name, unit: item.unit,
        unit_label: item.unit_label, allotted: "0.000", served: payload.quantity, unit_price: stockPrice(basket, item),
        weighed: false, from_stock: true,
      }]);
    }
  }

  /* One basket as shown: lines, status, money and the entries about it. */
  function basketView(copy, records, stockById) {
    const basket = { ...copy, lines: copy.lines.map((l) => ({ ...l })) };
    const own = records.filter((r) => r.entry.basket === copy.id);
    own.filter((r) => r.state === "waiting").forEach((r) => replay(basket, r, stockById));
    const kept = own.filter((r) => r.state !== "refused");
    basket.payments = kept.filter((r) => r.entry.kind === "payment");
    basket.fee = kept.find((r) => r.entry.kind === "fee") || null;
    basket.onAccount = kept.some((r) => r.entry.kind === "on_account");
    basket.waiting = own.filter((r) => r.state === "waiting").length;
    basket.refused = own.filter((r) => r.state === "refused");
    basket.totalCents = basket.status === "not_collected" ? 0n
      : basket.lines.reduce((sum, l) => sum + dec.lineCents(l.unit_price, served(l)), 0n);
    basket.paidCents = basket.payments.reduce((sum, r) => sum + dec.parse(r.entry.payload.amount, 2), 0n);
    const charged = basket.status === "collected" ? basket.totalCents : 0n;
    basket.balanceAfterCents = dec.parse(basket.balance, 2) - charged + basket.paidCents;
    basket.dueCents = basket.balanceAfterCents < 0n ? -basket.balanceAfterCents : 0n;
    return basket;
  }

  /* What the baskets take out of the van's stock, per product (thousandths), as the server counts it
     (distribution.services._pending_moves): a sale from stock, and a weight above the allotted quantity;
     nothing for a basket not collected. */
  function takenFromStock(baskets) {
    const taken = {};
    baskets.filter((b) => b.status !== "not_collected").forEach((b) => b.lines.forEach((line) => {
      const above = dec.parse(served(line), 3) - dec.parse(line.allotted, 3);
      if (above > 0n) taken[line.product] = (taken[line.product] || 0n) + above;
    }));
    return taken;
  }

  /* Kept in the bundle when it arrives: the stock it gives already counts these. */
  function takenAtStart(bundle) {
    const taken = takenFromStock(bundle.stops.flatMap((stop) => stop.baskets));
    return Object.fromEntries(Object.entries(taken).map(([product, milli]) => [product, dec.toPlain(milli, 3)]));
  }

  /* The whole day: stops with their baskets, stock left, entries refused, how many wait to be sent. */
  function view(bundle, records) {
    const stockById = new Map(bundle.stock.map((s) => [s.product, s]));
    const basketsById = new Map();
    const stops = bundle.stops.map((stop) => {
      const baskets = stop.baskets.map((b) => basketView(b, records, stockById));
      baskets.forEach((b) => basketsById.set(b.id, { basket: b, stop }));
      return { ...stop, baskets };
    });
    const taken = takenFromStock(stops.flatMap((stop) => stop.baskets));
    const atStart = bundle.taken_at_start || {};
    const stock = bundle.stock.map((s) => ({ ...s,
      leftMilli: dec.parse(s.quantity, 3) - (taken[s.product] || 0n) + dec.parse(atStart[s.product] || "0", 3) }));
    return {
      bundle, stops, stock, basketsById,
      waiting: records.filter((r) => r.state === "waiting").length,
      refused: records.filter((r) => r.state === "refused"),
    };
  }

  function counts(stop) {
    const tally = { waiting: 0, collected: 0, not_collected: 0 };
    stop.baskets.forEach((b) => { tally[b.status] = (tally[b.status] || 0) + 1; });
    return tally;
  }

  /* The stop's cash box: payments and first fees taken on this device, by means (cents), and the fees apart. */
  function cash(stop) {
    const byMeans = {};
    let total = 0n;
    let fees = 0n;
    const add = (means, cents) => { byMeans[means] = (byMeans[means] || 0n) + cents; total += cents; };
    stop.baskets.forEach((b) => {
      b.payments.forEach((r) => add(r.entry.payload.means, dec.parse(r.entry.payload.amount, 2)));
      if (b.fee) {
        const cents = dec.parse(b.fee.local.amount || "0", 2);
        add(b.fee.entry.payload.means, cents);
        fees += cents;
      }
    });
    return { byMeans, total, fees };
  }

  /* Baskets matching what was typed: a number (the member's number, exactly) or words without accents. */
  function search(baskets, typed) {
    const query = normalise(typed);
    if (!query) return baskets;
    if (/^\d+$/.test(query)) return baskets.filter((b) => String(b.member.number) === query);
    const words = query.split(" ");
    return baskets.filter((b) => words.every((w) => normalise(b.member.search).includes(w)));
  }

  /* One served quantity typed on the device: {value: "1.950"} or {error: key, params}. Empty: the allotted. */
  function checkServed(line, typed, tolerancePercent) {
    const text = String(typed || "").trim();
    if (!text) return { value: dec.toPlain(dec.parse(served(line), 3), 3) };
    const quantity = dec.parse(text, 3);
    if (quantity === null) return { error: "notANumber", params: { product: line.name } };
    if (quantity < 0n) return { error: "negative", params: { product: line.name } };
    const allotted = dec.parse(line.allotted, 3);
    if (!line.from_stock && line.weighed) {
      const gap = quantity > allotted ? quantity - allotted : allotted - quantity;
      // |served - allotted| <= allotted x tolerance / 100, in integers: tolerance has 2 places
      if (gap * 10000n > allotted * dec.parse(tolerancePercent, 2)) {
        return { error: "outOfTolerance", params: { product: line.name, served: dec.french(quantity, 3, true),
          allotted: dec.french(allotted, 3, true), unit: line.unit_label, percent: dec.french(dec.parse(tolerancePercent, 2), 2, true) } };
      }
    } else if (!line.from_stock && quantity > allotted) {
      return { error: "aboveAllotted", params: { product: line.name, allotted: dec.french(allotted, 3, true), unit: line.unit_label } };
    }
    return { value: dec.toPlain(quantity, 3) };
  }

  field.day = { view, counts, cash, search, checkServed, served, normalise, stockPrice, takenAtStart };
})(self.GrappeField = self.GrappeField || {});
