/* The van's day on a phone, offline first (docs/field-protocol.md). Three screens (the stops, a stop,
   a basket: basket.js) drawn with plain DOM from the day kept in IndexedDB; every entry is kept on the
   device at once, then sent when the network allows. French only: the van's volunteers are French-
   speaking staff. Modules: decimal.js (exact numbers), store.js (IndexedDB), sync.js (the server),
   day.js (the day as shown, the rules), basket.js, and this one (words, banner, screens, start). */
(function (field) {
  "use strict";

  /* Every word the app shows. French typography: a no-break space (U+00A0) before : ; ! ? */
  const T = {
    loading: "Chargement de la journée…",
    noDay: "Aucune tournée n’est préparée sur cet appareil.",
    noDayHelp: "Préparez la tournée depuis la page des tournées, avec le réseau, avant de partir.",
    toPrepare: "Les tournées à préparer",
    distributions: "Les distributions (pages ordinaires)",
    offlinePrepare: "Pas de réseau\u00a0: la tournée n’a pas pu être chargée. Réessayez avec le réseau.",
    retry: "Réessayer",
    unknownToken: "Cet appareil n’est pas reconnu par le serveur. Préparez la tournée à nouveau.",
    otherDayWaiting: "Des saisies d’une autre journée attendent encore d’être envoyées\u00a0: envoyez-les avant de préparer une nouvelle tournée.",
    erased: "Cet appareil a été retiré par la coordination\u00a0: les données de la journée ont été effacées de l’appareil.",
    finished: "Journée terminée\u00a0: tout est envoyé et les données de la journée ont été effacées de cet appareil.",
    serverError: "Le serveur n’a pas pu répondre (erreur {code}). Les saisies restent sur l’appareil.",
    dayTitle: "Tournée du {day}",
    stopsTitle: "Les arrêts",
    stopCounts: "{total}\u00a0: {waiting} en attente, {collected} remis, {absent} pas venus",
    baskets: ["{n} panier", "{n} paniers"],
    stockTitle: "Stock du camion",
    stockLeft: "Reste",
    product: "Produit",
    refusedTitle: "Refusé par le serveur",
    refusedItem: "Refusé par le serveur\u00a0: {reason} — la coordination le traitera",
    refusedWhat: "{member}, {what}",
    endTitle: "Fin de la journée",
    endWaiting: "Envoyez d’abord les saisies en attente\u00a0: la journée se termine quand tout est envoyé.",
    endHelp: "Tout est envoyé. Terminer la journée efface ses données de cet appareil.",
    endButton: "Terminer la journée",
    endConfirm: "Les données de la journée vont être effacées de cet appareil, et il ne pourra plus rien saisir pour cette tournée. Le serveur a bien tout reçu.",
    endYes: "Oui, terminer la journée",
    endNo: "Annuler",
    endOffline: "Pas de réseau\u00a0: la journée ne peut se terminer qu’avec le réseau. Rien n’est effacé.",
    pending: ["{n} saisie pas encore envoyée", "{n} saisies pas encore envoyées"],
    allSent: "Tout est envoyé.",
    nothingYet: "Aucune saisie pour l’instant.",
    sending: "Envoi en cours…",
    sentReport: "Dernier envoi\u00a0: {sent}, {refused}.",
    sentCount: ["{n} saisie reçue", "{n} saisies reçues"],
    refusedCount: ["{n} refusée", "{n} refusées"],
    offline: "Pas de réseau\u00a0: les saisies restent sur l’appareil et partiront au prochain envoi.",
    sendOnly: "La tournée a été préparée il y a plus de 36 heures\u00a0: l’appareil ne prend plus de saisies, il peut seulement envoyer.",
    back: "← Les arrêts",
    backTo: "← {stop}",
    search: "Chercher un adhérent (nom ou numéro)",
    searchHelp: "Sans accents si vous voulez\u00a0: «\u00a0etienne\u00a0» trouve «\u00a0Étienne\u00a0».",
    found: ["{n} panier trouvé", "{n} paniers trouvés"],
    status: { waiting: "En attente", collected: "Remis", not_collected: "Pas venu" },
    group: { waiting: "En attente ({n})", collected: "Remis ({n})", not_collected: "Pas venus ({n})" },
    notSentBadge: "pas encore envoyé",
    cashTitle: "Caisse de l’arrêt",
    cashFees: "dont cotisations",
    total: "Total",
    none: "Aucun paiement pour l’instant.",
    tolerance: "Vrac pesé\u00a0: jusqu’à {percent}\u00a0% d’écart avec la quantité attribuée. Laissez la case vide si la quantité servie est celle attribuée.",
    allotted: "Attribué\u00a0: {quantity}",
    servedLabel: "Servi ({unit})",
    servedShown: "Servi\u00a0: {quantity}",
    fromStock: "stock du camion",
    weighed: "vrac pesé",
    basketTotal: "Total du panier\u00a0: {amount}",
    saveWeights: "Enregistrer les pesées",
    collect: "Remis\u00a0: passer au paiement",
    notCollected: "Pas venu (panier non retiré)",
    weightsRefused: "Rien n’a été enregistré\u00a0: corrigez la case signalée. Tout ce que vous avez tapé est encore là.",
    notANumber: "{product}\u00a0: tapez un nombre, par exemple 1,95.",
    negative: "{product}\u00a0: une quantité ne peut pas être négative.",
    outOfTolerance: "{product}\u00a0: {served}\u00a0{unit} est trop loin des {allotted}\u00a0{unit} attribués (tolérance {percent}\u00a0%).",
    aboveAllotted: "{product}\u00a0: au plus {allotted}\u00a0{unit} (ce qui a été attribué).",
    weightsKept: "Pesées gardées sur l’appareil.",
    collectedKept: "Panier remis, gardé sur l’appareil. Passez au paiement.",
    absentKept: "Panier marqué pas venu, gardé sur l’appareil.",
    stockTitleSell: "Vendre du stock du camion",
    stockOption: "{name} — reste {left} — {price}",
    quantityLabel: "Quantité",
    addStock: "Ajouter au panier",
    stockNone: "Plus rien à vendre dans le camion.",
    stockTooMuch: "{product}\u00a0: il ne reste que {left} dans le camion.",
    stockZero: "Tapez une quantité plus grande que zéro.",
    stockKept: "{product} ajouté au panier, gardé sur l’appareil.",
    absentText: "Pas venu\u00a0: rien de servi, rien à payer.",
    servedTotal: "Panier servi\u00a0: {amount}",
    balanceBefore: "Solde avant ce panier\u00a0: {amount}",
    paymentsTaken: "Paiements pris",
    reference: "n°\u00a0{reference}",
    due: "Reste à payer\u00a0: {amount}",
    nothingDue: "Rien à payer.",
    feeTitle: "Cotisation\u00a0: {amount}",
    feeHelp: "Sa première cotisation, à prendre à cette première distribution, à part du panier.",
    feeMeans: "Payée par",
    feeButton: "Encaisser la cotisation ({amount})",
    feeTaken: "Cotisation de {amount} encaissée ({means}).",
    feeKept: "Cotisation gardée sur l’appareil.",
    payTitle: "Prendre un paiement",
    payMeans: "Moyen de paiement",
    payAmount: "Montant (€)",
    payReference: "Numéro du chèque ou du bon",
    payIssuer: "Émetteur du bon alimentaire",
    payButton: "Enregistrer le paiement",
    payHelp: "Un paiement peut se faire en plusieurs fois, par plusieurs moyens.",
    payRefused: "Rien n’a été enregistré\u00a0: {reason}",
    payAmountBad: "tapez un montant plus grand que zéro, par exemple 12,50.",
    payTooMuch: "{amount} est plus que les {due} qui restent à payer.",
    payChequeNumber: "tapez le numéro du chèque.",
    payVoucherNumber: "tapez le numéro du bon.",
    payVoucherIssuer: "tapez l’émetteur du bon.",
    payMeansMissing: "choisissez un moyen de paiement.",
    payKept: "Paiement de {amount} gardé sur l’appareil.",
    onAccount: "Laisser {amount} sur le compte (limite {limit})",
    onAccountBeyond: "Le solde serait de {balance}, au-delà de la limite de {limit}\u00a0: prenez un paiement.",
    onAccountKept: "Le reste est laissé sur le compte, gardé sur l’appareil.",
    onAccountDone: "Le reste est laissé sur le compte.",
    nextMember: "Adhérent suivant",
    waitingHere: ["{n} saisie de ce panier pas encore envoyée", "{n} saisies de ce panier pas encore envoyées"],
    readOnly: "Lecture seule\u00a0: l’appareil ne prend plus de saisies.",
    stopClosed: "Cette distribution a été clôturée sur le serveur\u00a0: les saisies faites ici y seront refusées.",
    units: { piece: ["pièce", "pièces"] },
    kinds: { served: "pesées", collected: "panier remis", not_collected: "pas venu", stock_sale: "vente du stock",
      payment: "paiement", fee: "cotisation", on_account: "laissé sur le compte" },
    notFound: "Cette page n’existe pas dans la tournée.",
  };

  function t(key, params) {
    let text = T[key];
    if (Array.isArray(text)) text = text[params.n === 1 ? 0 : 1];
    return String(text).replace(/\{(\w+)\}/g, (all, name) => (params && name in params ? params[name] : all));
  }

  const dec = field.decimal;
  const store = field.store;
  const sync = field.sync;
  const day = field.day;

  const state = { token: null, bundle: null, records: [], view: null, sendNote: "", notice: "", flash: "", lastRoute: null,
    typing: false };

  /* --- DOM helpers ------------------------------------------------------------------------------ */

  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([name, value]) => {
      if (value === false || value === null || value === undefined) return;
      if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : value);
    });
    children.flat().forEach((child) => {
      if (child !== null && child !== undefined && child !== false) {
        node.append(child instanceof Node ? child : document.createTextNode(String(child)));
      }
    });
    return node;
  }

  /* "1 pièce", "2 pièces", "1,5 kg": the bundle's unit label is singular. */
  function quantity(value, unitLabel, unit) {
    return quantityOf(dec.parse(value, 3), unitLabel, unit);
  }

  function quantityOf(milli, unitLabel, unit) {
    const words = T.units[unit];
    const label = words ? words[milli >= 2000n ? 1 : 0] : unitLabel;
    return dec.french(milli, 3, true) + "\u00a0" + label;
  }

  function price(unitPrice, unitLabel) {
    return dec.euros(dec.divideHalfUp(dec.parse(unitPrice, 6), 10000n)) + "\u00a0/\u00a0" + unitLabel;
  }

  function meansLabel(code) {
    const found = (state.bundle.means || []).find((m) => m.code === code);
    return found ? found.label : code;
  }

  function dayTitle(isoDay) {
    const date = new Date(isoDay + "T12:00:00Z");
    return new Intl.DateTimeFormat("fr-FR", { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })
      .format(date);
  }

  function sendOnly() {
    return Boolean(state.bundle && (state.bundle.send_only || Date.now() > Date.parse(state.bundle.send_only_after)));
  }

  /* --- State -------------------------------------------------------------------------------------- */

  async function load() {
    const ended = await store.getMeta("ended"); // erased by this window, another one or the service worker
    if (ended) state.notice = ended === "finished" ? T.finished : T.erased;
    state.token = await store.getMeta("token");
    state.bundle = await store.getMeta("bundle");
    state.records = (await store.outbox()).sort((a, b) => a.seq - b.seq);
    state.view = state.bundle ? day.view(state.bundle, state.records) : null;
  }

  /* Keep one entry: on disk first, then on the screen. Refused when the device only sends. */
  async function record(basket, kind, fields, local) {
    if (sendOnly()) {
      state.flash = T.sendOnly;
      return false;
    }
    const entry = { id: crypto.randomUUID(), at: new Date().toISOString(), kind, basket: basket.id, stamp: basket.stamp,
      payload: fields };
    await store.addEntry(entry, local);
    await load();
    sync.announce();
    registerBackgroundSync();
    return true;
  }

  async function send() {
    state.sendNote = T.sending;
    drawStatus();
    const result = await sync.send();
    await load();
    if (result.status === "erased") {
      state.sendNote = "";
    } else if (result.status === "offline") {
      state.sendNote = T.offline;
    } else if (result.status === "error") {
      state.sendNote = t("serverError", { code: result.code });
    } else if (result.status === "done") {
      state.sendNote = t("sentReport", { sent: t("sentCount", { n: result.sent }), refused: t("refusedCount", { n: result.refused }) });
    } else {
      state.sendNote = "";
    }
    refresh();
  }

  /* After a send or news from another window: the whole screen again, unless the volunteer is typing in
     it (what was typed is never wiped by a background event); the banner in any case. */
  function refresh() {
    if (state.typing && !state.notice) drawStatus();
    else draw(false);
  }

  function registerBackgroundSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then((registration) => {
      if (registration.sync) return registration.sync.register("field-outbox");
      return null;
    }).catch(() => {});
  }

  /* --- The banner: what is not yet sent, and the send button, on every screen --------------------- */

  function drawStatus() {
    const box = document.getElementById("field-status");
    const text = document.getElementById("field-pending");
    box.hidden = !state.bundle;
    let words;
    if (state.view && state.view.waiting) words = t("pending", { n: state.view.waiting });
    else words = state.records.length ? T.allSent : T.nothingYet;
    text.textContent = state.sendNote ? words + " " + state.sendNote : words;
    box.classList.toggle("field-status-waiting", Boolean(state.view && state.view.waiting));
  }

  /* --- Screens ------------------------------------------------------------------------------------ */

  function route() {
    const match = /^#\/(arret|panier)\/(\d+)$/.exec(location.hash);
    return match ? { screen: match[1], id: Number(match[2]) } : { screen: "home" };
  }

  function flashNode() {
    if (!state.flash) return null;
    return h("div", { class: "messages" },
      h("p", { class: "message message-success field-flash", role: "status", tabindex: "-1", id: "field-flash" }, state.flash));
  }

  function noticeScreen(message, withRetry) {
    const body = document.body.dataset;
    return [
      h("h1", { tabindex: "-1" }, "Grappe · camion"),
      h("div", { class: "messages" }, h("p", { class: "message " + (message === T.finished ? "message-success" : "message-warning"),
        role: "alert" }, message)),
      withRetry ? h("p", {}, h("button", { type: "button", onclick: start }, T.retry)) : null,
      h("ul", { class: "field-links" },
        h("li", {}, h("a", { href: body.home }, T.toPrepare)),
        h("li", {}, h("a", { href: body.distributions }, T.distributions))),
    ];
  }

  function homeScreen(view) {
    const bundle = view.bundle;
    const stops = h("ol", { class: "field-stops" }, view.stops.map((stop) => {
      const c = day.counts(stop);
      return h("li", {}, h("a", { href: "#/arret/" + stop.distribution, class: "field-stop" },
        h("span", { class: "field-stop-name" }, stop.position + ". " + stop.name),
        h("span", {}, stop.time),
        h("span", { class: "small" }, t("stopCounts", { total: t("baskets", { n: stop.baskets.length }),
          waiting: c.waiting, collected: c.collected, absent: c.not_collected }))));
    }));
    const stock = view.stock.length ? [
      h("h2", {}, T.stockTitle),
      h("div", { class: "table-wrap" }, h("table", {},
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, T.product), h("th", { scope: "col", class: "num" }, T.stockLeft))),
        h("tbody", {}, view.stock.map((s) => h("tr", {}, h("td", {}, s.name),
          h("td", { class: "num" }, quantityOf(s.leftMilli, s.unit_label, s.unit))))))),
    ] : [];
    const end = [h("h2", {}, T.endTitle)];
    if (view.waiting) {
      end.push(h("p", {}, T.endWaiting));
    } else {
      // two steps: a day ended by mistake cannot be taken up again without the network
      const confirm = h("div", { id: "field-end-confirm", class: "card", hidden: true },
        h("p", {}, T.endConfirm),
        h("div", { class: "actions" },
          h("button", { type: "button", id: "field-end-yes", class: "button-danger", onclick: finish }, T.endYes),
          h("button", { type: "button", class: "button-secondary", onclick: () => { confirm.hidden = true; ask.hidden = false; ask.focus(); } }, T.endNo)));
      const ask = h("button", { type: "button", id: "field-end", class: "button-danger",
        onclick: () => { ask.hidden = true; confirm.hidden = false; confirm.querySelector("button").focus(); } }, T.endButton);
      end.push(h("p", {}, T.endHelp), h("p", {}, ask), confirm);
    }
    return [
      h("h1", { tabindex: "-1" }, t("dayTitle", { day: dayTitle(bundle.day) })),
      h("p", {}, bundle.group.name + " · " + bundle.device.label),
      sendOnly() ? h("p", { class: "message message-warning" }, T.sendOnly) : null,
      flashNode(),
      h("h2", {}, T.stopsTitle), stops,
      refusedList(view.refused),
      stock,
      end,
    ];
  }

  function refusedList(refused) {
    if (!refused.length) return null;
    return h("section", { class: "card field-refused", id: "field-refused" },
      h("h2", {}, T.refusedTitle),
      h("ul", {}, refused.map((r) => {
        const found = state.view.basketsById.get(r.entry.basket);
        const member = found ? found.basket.member.number + " " + found.basket.member.name : "";
        return h("li", {}, h("strong", {}, t("refusedWhat", { member, what: T.kinds[r.entry.kind] || r.entry.kind })), h("br"),
          t("refusedItem", { reason: r.message }));
      })));
  }

  function basketItem(basket) {
    return h("li", { class: "basket-" + basket.status, "data-basket": basket.id },
      h("a", { href: "#/panier/" + basket.id, class: "field-basket-link" },
        h("span", { class: "member-number" }, basket.member.number), " ", basket.member.name),
      basket.waiting ? [" ", h("span", { class: "badge badge-warn" }, T.notSentBadge)] : null);
  }

  function stopScreen(view, distribution) {
    const stop = view.stops.find((s) => s.distribution === distribution);
    if (!stop) return [h("h1", { tabindex: "-1" }, T.notFound), h("p", {}, h("a", { href: "#/" }, T.back))];
    const groups = h("div", { id: "field-baskets" });
    const count = h("p", { id: "field-found", class: "small", "aria-live": "polite" });
    const input = h("input", { type: "search", id: "field-search", autocomplete: "off", "aria-describedby": "field-search-help" });
    function fill() {
      const shown = day.search(stop.baskets, input.value);
      count.textContent = t("found", { n: shown.length });
      groups.replaceChildren(...["waiting", "collected", "not_collected"].map((status) => {
        const list = shown.filter((b) => b.status === status);
        if (!list.length) return "";
        return h("section", {}, h("h2", {}, T.group[status].replace("{n}", list.length)),
          h("ul", { class: "basket-list" }, list.map(basketItem)));
      }));
    }
    input.addEventListener("input", fill);
    fill();
    const cash = day.cash(stop);
    const rows = Object.entries(cash.byMeans).map(([means, cents]) => h("tr", {}, h("th", { scope: "row" }, meansLabel(means)),
      h("td", { class: "num" }, dec.euros(cents))));
    return [
      h("p", {}, h("a", { href: "#/" }, T.back)),
      h("h1", { tabindex: "-1" }, stop.position + ". " + stop.name),
      h("p", {}, stop.time, stop.place ? [h("br"), stop.place] : null),
      stop.closed ? h("p", { class: "message message-warning" }, T.stopClosed) : null,
      flashNode(),
      h("div", { class: "field-search" },
        h("label", { for: "field-search" }, T.search), input,
        h("span", { class: "form-help", id: "field-search-help" }, T.searchHelp)),
      count, groups,
      h("section", { class: "card", id: "field-cash" }, h("h2", {}, T.cashTitle),
        rows.length ? h("table", {}, h("tbody", {}, rows,
          h("tr", { class: "field-cash-total" }, h("th", { scope: "row" }, T.total), h("td", { class: "num" }, dec.euros(cash.total))),
          cash.fees > 0n ? h("tr", {}, h("th", { scope: "row" }, T.cashFees), h("td", { class: "num" }, dec.euros(cash.fees))) : null))
          : h("p", {}, T.none)),
    ];
  }

  /* What the basket screen (basket.js) uses of this module. */
  const shared = { T, t, h, state, record, draw, quantity, quantityOf, price, meansLabel, flashNode, sendOnly };

  /* --- Drawing ------------------------------------------------------------------------------------ */

  /* Draw the screen of the current address. On a change of screen the focus goes to its title; after an
     entry, to the message saying it is kept. */
  function draw(newScreen) {
    const main = document.getElementById("main");
    const current = route();
    const key = current.screen + (current.id || "");
    const moved = newScreen !== false || key !== state.lastRoute;
    state.lastRoute = key;
    let content;
    if (state.notice) content = noticeScreen(state.notice, false);
    else if (!state.view) content = noticeScreen(state.token ? T.offlinePrepare : T.noDay + " " + T.noDayHelp, Boolean(state.token));
    else if (current.screen === "arret") content = stopScreen(state.view, current.id);
    else if (current.screen === "panier") content = field.basket.screen(shared, state.view, current.id);
    else content = homeScreen(state.view);
    main.replaceChildren(...[content].flat(Infinity).filter(Boolean));
    state.typing = false;
    drawStatus();
    const flash = document.getElementById("field-flash");
    if (moved) {
      (main.querySelector("h1") || main).focus();
      if (!flash) window.scrollTo(0, 0);
    } else if (flash) {
      flash.focus();
    }
    state.flash = "";
  }

  async function finish() {
    const result = await sync.finish();
    if (result.status === "erased") {
      await load();
      state.notice = T.finished;
    } else if (result.status === "offline") {
      state.flash = T.endOffline;
    } else {
      state.flash = t("serverError", { code: result.code });
    }
    draw(true);
  }

  /* --- Start -------------------------------------------------------------------------------------- */

  /* A token arrives in the address's fragment once (after "Préparer pour la route"): keep it, take it
     out of the address, fetch the day. */
  async function takeToken() {
    const fragment = location.hash.slice(1);
    if (!fragment || fragment.startsWith("/")) return;
    history.replaceState(null, "", location.pathname + location.search);
    const known = await store.getMeta("token");
    if (known === fragment) return;
    const waiting = (await store.outbox()).some((r) => r.state === "waiting");
    if (known && waiting) {
      state.notice = T.otherDayWaiting;
      return;
    }
    await store.eraseAll();
    await store.setMeta("token", fragment);
  }

  async function start() {
    state.notice = "";
    await takeToken();
    await load();
    if (state.token && !state.bundle && !state.notice) {
      const answer = await sync.fetchBundle(state.token);
      if (answer.status === "ok") {
        await store.setMeta("bundle", { ...answer.bundle, taken_at_start: day.takenAtStart(answer.bundle) });
        // ask the browser never to evict the day's data under storage pressure (kept until the day ends)
        if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
      } else if (answer.status === "erased") {
        state.notice = T.erased;
      } else if (answer.status === "unknown_token") {
        state.notice = T.unknownToken;
      } else if (answer.status === "send_only") {
        state.notice = answer.message || T.sendOnly;
      } else if (answer.status === "error") {
        state.notice = t("serverError", { code: answer.code });
      }
      await load();
    }
    draw(true);
    if (state.view && state.view.waiting) send();
  }

  document.addEventListener("DOMContentLoaded", () => {
    const data = document.body.dataset;
    document.getElementById("field-nojs").remove();
    sync.configure({ day: data.apiDay, send: data.apiSend, end: data.apiEnd });
    if ("serviceWorker" in navigator && data.serviceWorker) {
      navigator.serviceWorker.register(data.serviceWorker, { scope: data.scope }).catch(() => {});
    }
    document.getElementById("field-send").addEventListener("click", send);
    window.addEventListener("hashchange", () => draw(true));
    window.addEventListener("online", send);
    if (sync.channel) {
      sync.channel.addEventListener("message", async () => { await load(); refresh(); });
    }
    document.getElementById("main").addEventListener("input", () => { state.typing = true; });
    document.getElementById("main").append(h("p", { role: "status" }, T.loading));
    start();
  });
})(self.GrappeField = self.GrappeField || {});
