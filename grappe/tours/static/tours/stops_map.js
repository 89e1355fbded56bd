/* The villages' page: a map of the van's stops, an extra over the list (which says everything). */
(function () {
  "use strict";
  var section = document.getElementById("stops-map-section");
  var holder = document.getElementById("stops-map");
  var source = document.getElementById("stops-map-data");
  if (!section || !holder || !source || typeof L === "undefined") { return; }
  var stops = JSON.parse(source.textContent);
  if (!stops.length) { return; }
  section.hidden = false;
  holder.setAttribute("role", "region");
  holder.setAttribute("aria-label", holder.getAttribute("data-label") || "Carte");
  var map = L.map(holder, { scrollWheelZoom: false });
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 18, attribution: "&copy; OpenStreetMap"
  }).addTo(map);
  var bounds = [];
  stops.forEach(function (stop) {
    var link = document.createElement("a");
    link.href = "#" + stop.anchor;
    link.textContent = stop.name;
    L.marker([stop.lat, stop.lon], { title: stop.name, alt: stop.name }).bindPopup(link).addTo(map);
    bounds.push([stop.lat, stop.lon]);
  });
  if (bounds.length === 1) { map.setView(bounds[0], 12); } else { map.fitBounds(bounds, { padding: [24, 24] }); }
})();
