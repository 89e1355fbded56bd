/* The planner map: progressive enhancement over the tables of the page (tours). */
(function () {
  "use strict";
  var holder = document.getElementById("planner-map");
  var source = document.getElementById("planner-map-data");
  if (!holder || !source || typeof L === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  holder.hidden = false;
  holder.setAttribute("role", "region");
  holder.setAttribute("aria-label", holder.getAttribute("data-label") || "Carte");
  var map = L.map(holder, { scrollWheelZoom: false });
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 18, attribution: "&copy; OpenStreetMap"
  }).addTo(map);
  var shades = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"];
  var bounds = [];
  function text(value) { var span = document.createElement("span"); span.textContent = value; return span.innerHTML; }
  data.communes.forEach(function (c) {
    var shade = shades[Math.min(4, Math.floor(c.score * 5))];
    L.circleMarker([c.lat, c.lon], {
      radius: 5 + Math.min(10, Math.sqrt(c.population) / 6), color: c.covered ? "#1b1b1b" : "#777",
      weight: c.covered ? 2 : 1, fillColor: shade, fillOpacity: 0.85
    }).bindPopup("<strong>" + text(c.name) + "</strong><br>" + text(data.labels.need) + " : " +
      Math.round(c.score * 100) + "<br>" + text(data.labels.population) + " : " + c.population).addTo(map);
    bounds.push([c.lat, c.lon]);
  });
  data.routes.forEach(function (r) {
    L.polyline(r.points, { color: r.colour, weight: 4, opacity: 0.8 }).bindPopup(text(r.label)).addTo(map);
  });
  data.stops.forEach(function (s) {
    L.circle([s.lat, s.lon], { radius: s.radius, color: "#5b2a86", weight: 1, fillOpacity: 0.06 }).addTo(map);
    L.circleMarker([s.lat, s.lon], { radius: 8, color: "#fff", weight: 2, fillColor: "#5b2a86", fillOpacity: 1 })
      .bindPopup(text(data.labels.stop) + " : " + text(s.name)).addTo(map);
  });
  data.sites.forEach(function (s) {
    L.marker([s.lat, s.lon], { title: s.name, alt: s.name })
      .bindPopup(text(data.labels.site) + " : " + text(s.name) + " (" + text(s.group) + ")").addTo(map);
  });
  L.marker([data.depot.lat, data.depot.lon], { title: data.labels.depot, alt: data.labels.depot })
    .bindPopup(text(data.labels.depot) + " : " + text(data.depot.name)).addTo(map);
  bounds.push([data.depot.lat, data.depot.lon]);
  if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20] }); } else { map.setView([44.75, 5.37], 9); }
})();
