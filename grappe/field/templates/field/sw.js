{% load static %}/* The offline day's service worker (docs/field-protocol.md), rendered by field.views.service_worker.
   Version {{ version }}. It keeps the app shell and its files (no personal data in them) and serves them
   from its cache, so the app opens with no network; the API (/terrain/api/) always goes to the network
   and is never cached: the day's data lives in IndexedDB only. Background Sync ("field-outbox") sends
   the outbox where the browser has it; the page's "Envoyer maintenant" does the same everywhere. */
"use strict";

const CACHE = "grappe-terrain-{{ version }}";
const SHELL = "{{ shell_url|escapejs }}";
const SCOPE = new URL(self.registration.scope).pathname;
const FILES = [SHELL{% for asset in assets %}, "{{ asset|escapejs }}"{% endfor %},
  "{% static 'core/grappe.css' %}", "{% static 'field/app.css' %}", "{% static 'field/decimal.js' %}",
  "{% static 'field/store.js' %}", "{% static 'field/sync.js' %}", "{% static 'field/day.js' %}", "{% static 'field/basket.js' %}",
  "{% static 'field/app.js' %}"].filter((url, index, all) => all.indexOf(url) === index);

importScripts("{% static 'field/decimal.js' %}", "{% static 'field/store.js' %}", "{% static 'field/sync.js' %}");

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith("grappe-terrain-") && n !== CACHE).map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(SCOPE + "api/")) return; // the network, never a cache
  const shell = url.pathname === new URL(SHELL, self.location.origin).pathname;
  if (!shell && !FILES.includes(url.pathname)) return; // the online pages: as usual
  // the shell whatever its fragment or query; the files by their address
  event.respondWith(caches.open(CACHE).then((cache) => cache.match(shell ? SHELL : request, { ignoreSearch: shell })
    .then((found) => found || fetch(request))));
});

self.addEventListener("sync", (event) => {
  if (event.tag === "field-outbox") {
    event.waitUntil(self.GrappeField.sync.send().then((result) => {
      // offline again: reject so that the browser tries later
      if (result.status === "offline") throw new Error("offline");
    }));
  }
});
