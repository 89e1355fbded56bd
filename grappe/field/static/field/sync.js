/* Talking to the server (docs/field-protocol.md): fetch the day's bundle, send the outbox in order,
   finish the day. Used by the page and by the service worker's Background Sync. Sending twice at once
   (the button, the `online` event and the service worker) is safe: one send at a time per origin (a Web
   Lock where the browser has one, else one promise per page), and the server applies each entry once
   by its id anyway. Answers are codes; the page words them in French. */
(function (field) {
  "use strict";

  const store = field.store;
  const api = { day: "/terrain/api/jour/", send: "/terrain/api/envoi/", end: "/terrain/api/fin/" };
  const MOST_PER_POST = 500;
  const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("grappe-terrain") : null;
  let inFlight = null;

  function configure(urls) {
    Object.entries(urls || {}).forEach(([key, url]) => { if (url) api[key] = url; });
  }

  function call(url, token, init) {
    return fetch(url, {
      ...init,
      cache: "no-store",
      credentials: "omit", // the token is the only credential: no session cookie travels
      headers: { Authorization: "Device " + token, "Content-Type": "application/json" },
    });
  }

  async function readJson(response) {
    try {
      return await response.json();
    } catch (error) {
      return {};
    }
  }

  /* Erase the day; remember only why (revoked, or finished), so that every window can say so. */
  async function erased(body, why) {
    await store.eraseAll();
    await store.setMeta("ended", why || "erased");
    announce();
    return { status: "erased", why: why || "erased", message: body.message || "" };
  }

  /* {status: "ok", bundle} | "erased" | "send_only" | "unknown_token" | "offline" | "error" */
  async function fetchBundle(token) {
    let response;
    try {
      response = await call(api.day, token, { method: "GET" });
    } catch (error) {
      return { status: "offline" };
    }
    const body = await readJson(response);
    if (response.status === 410 || body.erase) return erased(body);
    if (response.status === 403 && body.send_only) return { status: "send_only", message: body.message || "" };
    if (response.status === 401) return { status: "unknown_token" };
    if (!response.ok) return { status: "error", code: response.status };
    return { status: "ok", bundle: body };
  }

  async function sendWaiting() {
    const token = await store.getMeta("token");
    const waiting = (await store.outbox()).filter((r) => r.state === "waiting").sort((a, b) => a.seq - b.seq);
    const tally = { status: "done", sent: 0, refused: 0 };
    if (!token || !waiting.length) return { ...tally, status: "nothing" };
    for (let start = 0; start < waiting.length; start += MOST_PER_POST) {
      const chunk = waiting.slice(start, start + MOST_PER_POST);
      let response;
      try {
        response = await call(api.send, token, {
          method: "POST", body: JSON.stringify({ entries: chunk.map((r) => r.entry) }),
        });
      } catch (error) {
        return { ...tally, status: "offline" };
      }
      const body = await readJson(response);
      if (response.status === 410 || body.erase) return erased(body);
      if (!response.ok || !Array.isArray(body.results)) return { ...tally, status: "error", code: response.status };
      const results = new Map(body.results.map((r) => [r.id, r]));
      const answered = [];
      const fresh = [];
      chunk.forEach((record) => {
        const result = results.get(record.entry.id);
        if (!result) return; // not answered: it stays waiting and goes with the next send
        const refused = result.status === "refused";
        answered.push({ ...record, state: refused ? "refused" : "sent", message: result.message || "" });
        tally[refused ? "refused" : "sent"] += 1;
        if (result.basket) fresh.push(result.basket);
      });
      await store.saveResults(answered, fresh);
      announce();
    }
    return tally;
  }

  /* Send what waits; resolves with {status: "done"|"nothing"|"offline"|"error"|"erased", sent, refused}. */
  function send() {
    if (inFlight) return inFlight;
    const run = self.navigator && navigator.locks
      ? navigator.locks.request("grappe-terrain-envoi", sendWaiting)
      : sendWaiting();
    inFlight = run.finally(() => { inFlight = null; });
    return inFlight;
  }

  /* The day is over on this device: the server stops the token, the device forgets everything. */
  async function finish() {
    const token = await store.getMeta("token");
    let response;
    try {
      response = await call(api.end, token, { method: "POST", body: "{}" });
    } catch (error) {
      return { status: "offline" };
    }
    const body = await readJson(response);
    if (response.ok) return erased(body, "finished");
    if (response.status === 410) return erased(body);
    return { status: "error", code: response.status };
  }

  /* Tell the other windows (and the page, when the service worker sent) that the outbox changed. */
  function announce() {
    if (channel) channel.postMessage({ type: "changed" });
  }

  field.sync = { configure, fetchBundle, send, finish, announce, channel };
})(self.GrappeField = self.GrappeField || {});
