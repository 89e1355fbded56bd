/* The device's memory of the day, in IndexedDB: "meta" holds the token and the day's bundle, "outbox"
   every entry in the order it was made (an auto-incremented sequence number), with its state: waiting,
   sent or refused. Each write is its own transaction, committed before the screen says it is kept.
   Used by the page and by the service worker (Background Sync): no DOM here. */
(function (field) {
  "use strict";

  const NAME = "grappe-terrain";
  let opening = null;

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function open() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const req = indexedDB.open(NAME, 1);
        req.onupgradeneeded = () => {
          req.result.createObjectStore("meta");
          req.result.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
        };
        req.onsuccess = () => {
          // another tab or a new version of the app asks to upgrade: let it
          req.result.onversionchange = () => { req.result.close(); opening = null; };
          resolve(req.result);
        };
        req.onerror = () => { opening = null; reject(req.error); };
      });
    }
    return opening;
  }

  /* Run `work(stores)` in one transaction; resolves with its result once the transaction is committed
     (durability "strict": on disk before we say so). */
  async function transact(names, mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(names, mode, { durability: "strict" });
      const stores = Object.fromEntries(names.map((n) => [n, tx.objectStore(n)]));
      let result;
      Promise.resolve(work(stores)).then((value) => { result = value; }, (error) => { tx.abort(); reject(error); });
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error("aborted"));
    });
  }

  function getMeta(key) {
    return transact(["meta"], "readonly", (s) => request(s.meta.get(key)));
  }

  function setMeta(key, value) {
    return transact(["meta"], "readwrite", (s) => request(s.meta.put(value, key)));
  }

  /* Keep one entry (what the server gets) with what only the device needs to show it (`local`, e.g. the
     fee's amount); resolves with its sequence number once it is on disk. */
  function addEntry(entry, local) {
    const record = { entry, local: local || {}, state: "waiting", message: "" };
    return transact(["outbox"], "readwrite", (s) => request(s.outbox.add(record)));
  }

  function outbox() {
    return transact(["outbox"], "readonly", (s) => request(s.outbox.getAll()));
  }

  /* The results of a send: each record's new state, and the baskets' fresh copies into the bundle. */
  function saveResults(records, freshBaskets) {
    return transact(["meta", "outbox"], "readwrite", async (s) => {
      records.forEach((record) => s.outbox.put(record));
      if (freshBaskets.length) {
        const bundle = await request(s.meta.get("bundle"));
        if (bundle) {
          // the money shown is the balance before the basket (as first known) plus the device's own
          // entries, so the first copy's balance is kept
          const byId = new Map(freshBaskets.map((b) => [b.id, b]));
          bundle.stops.forEach((stop) => {
            stop.baskets = stop.baskets.map((b) => (byId.has(b.id) ? { ...byId.get(b.id), balance: b.balance } : b));
          });
          s.meta.put(bundle, "bundle");
        }
      }
    });
  }

  /* Everything of the day, gone: the token, the bundle, the outbox. */
  function eraseAll() {
    return transact(["meta", "outbox"], "readwrite", (s) => { s.meta.clear(); s.outbox.clear(); });
  }

  field.store = { getMeta, setMeta, addEntry, outbox, saveResults, eraseAll };
})(self.GrappeField = self.GrappeField || {});
