// Draws a campaign's or network's graph with Cytoscape.js (vendored): documents and the
// identifiers they carry, from the JSON API (the element's data-src). No inline script: the
// page's Content-Security-Policy allows scripts from this site only.
(function () {
  "use strict";
  function draw() {
    var box = document.getElementById("graph");
    if (!box || typeof cytoscape !== "function") { return; }
    fetch(box.getAttribute("data-src"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(function (g) {
        var els = [];
        g.graph.nodes.forEach(function (n) {
          els.push({ data: { id: n.id, label: n.label, type: n.type } });
        });
        g.graph.links.forEach(function (l, i) {
          els.push({ data: { id: "e" + i, source: l.source, target: l.target } });
        });
        var cy = cytoscape({
          container: box,
          elements: els,
          layout: { name: "concentric", concentric: function (n) { return n.data("type") === "identifier" ? 2 : 1; }, levelWidth: function () { return 1; }, animate: false },
          style: [
            { selector: "node", style: { "label": "data(label)", "font-size": 9, "background-color": "#1f5fa8", "color": "#111" } },
            { selector: "node[type = 'identifier']", style: { "background-color": "#b3261e", "shape": "diamond" } },
            { selector: "edge", style: { "width": 1, "line-color": "#888" } }
          ]
        });
        var count = document.getElementById("graph-count");
        box.setAttribute("data-nodes", String(cy.nodes().length));
        box.setAttribute("data-edges", String(cy.edges().length));
        if (count) { count.textContent = cy.nodes().length + " / " + cy.edges().length; }
        window.waspadaGraph = cy;
      })
      .catch(function (e) {
        var count = document.getElementById("graph-count");
        if (count) { count.textContent = String(e); }
      });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
