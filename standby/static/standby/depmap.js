/* The interactive dependency map on a node's page (Cytoscape.js, vendored).
   Data: inventory:node_graph (?up=N&down=N). Layers: what requires the node above it, what it
   requires below; a layer wider than the map wraps onto several rows so 200 nodes stay readable.
   Colour and shape both say the kind (never colour alone); a legend sits under the map.
   What-if maps (strategy:whatif_graph) give each node a status: the label starts with a mark
   ("✕ " failed, "↓ " down) so the status survives the label being cut short, and the map opens
   fitted to those nodes rather than zoomed on one of them. */
(function () {
  "use strict";

  var COLOURS = {
    process: "#6f42c1", service: "#0d6efd", asset: "#0b7285",
    location: "#8c5a2b", supplier: "#c2255c", group: "#6c757d"
  };
  var SHAPES = {
    process: "round-rectangle", service: "ellipse", asset: "rectangle",
    location: "hexagon", supplier: "diamond"
  };
  var COLUMN = 150;   // px between neighbours in a row
  var ROW = 64;       // px between rows of one layer
  var LAYER_GAP = 40; // extra px between layers
  // Before the name, not after it: a long name is cut at the end ("…"), never the mark.
  var STATUS_MARK = { failed: "\u2715 ", down: "\u2193 " };

  function elementsOf(data) {
    var elements = [];
    data.nodes.forEach(function (n) {
      elements.push({ group: "nodes", data: {
        statusLabel: (STATUS_MARK[n.status] || "") + n.label,
        id: n.id, key: n.key, label: n.label, kind: n.kind, kindLabel: n.kind_label,
        url: n.url, layer: n.layer, focus: n.id === data.focus ? 1 : 0, status: n.status || ""
      }});
    });
    data.groups.forEach(function (g) {
      elements.push({ group: "nodes", data: { id: g.id, label: g.label, kind: "group", layer: g.layer } });
    });
    data.edges.forEach(function (e) {
      elements.push({ group: "edges", data: { id: e.id, source: e.source, target: e.target, via: e.via } });
    });
    return elements;
  }

  /* Layered positions: layers top to bottom; within a layer, order by the mean x of the
     neighbours already placed (one barycentre pass), then wrap into rows. */
  function positions(data, width, height) {
    var items = data.nodes.concat(data.groups);
    var neighbours = {};
    data.edges.forEach(function (e) {
      (neighbours[e.source] = neighbours[e.source] || []).push(e.target);
      (neighbours[e.target] = neighbours[e.target] || []).push(e.source);
    });
    var layers = {};
    items.forEach(function (it) { (layers[it.layer] = layers[it.layer] || []).push(it); });
    var order = Object.keys(layers).map(Number).sort(function (a, b) { return a - b; });
    // Rows as wide as keeps the widest layer's grid close to the map's own shape.
    var widest = Math.max.apply(null, order.map(function (l) { return layers[l].length; }));
    var aspect = (Math.max(width, 320) / Math.max(height, 240)) * (ROW / COLUMN);
    var perRow = Math.max(3, Math.floor(Math.max(width, 320) / COLUMN),
      Math.ceil(Math.sqrt(widest * aspect)));
    var placed = {};
    var y = 0;
    order.forEach(function (layer) {
      var row = layers[layer];
      row.forEach(function (it) {
        var xs = (neighbours[it.id] || []).filter(function (id) { return id in placed; })
          .map(function (id) { return placed[id].x; });
        it._bary = xs.length ? xs.reduce(function (a, b) { return a + b; }, 0) / xs.length : 0;
      });
      row.sort(function (a, b) {
        return a._bary - b._bary || String(a.kind).localeCompare(String(b.kind)) ||
          String(a.label).localeCompare(String(b.label));
      });
      var rows = Math.ceil(row.length / perRow);
      for (var r = 0; r < rows; r++) {
        var chunk = row.slice(r * perRow, (r + 1) * perRow);
        // Stagger alternate rows by half a column so labels of stacked rows do not align.
        var shift = (r % 2) * COLUMN / 2;
        chunk.forEach(function (it, i) {
          placed[it.id] = { x: (i - (chunk.length - 1) / 2) * COLUMN + shift, y: y };
        });
        y += ROW;
      }
      y += LAYER_GAP;
    });
    return placed;
  }

  var STYLE = [
    { selector: "node", style: {
      "label": "data(label)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 3,
      "text-wrap": "ellipsis", "text-max-width": 136, "width": 22, "height": 22,
      "color": "#212529", "text-background-color": "#fff", "text-background-opacity": 0.85,
      "text-background-padding": 1, "border-width": 1, "border-color": "#fff",
      "min-zoomed-font-size": 5
    }},
    { selector: "node[kind = 'group']", style: {
      "shape": "round-rectangle", "width": 66, "height": 18, "text-valign": "center",
      "text-margin-y": 0, "font-size": 10, "color": "#fff", "text-background-opacity": 0,
      "background-color": COLOURS.group
    }},
    { selector: "node[focus = 1]", style: {
      "width": 34, "height": 34, "border-width": 4, "border-color": "#ffbf47", "font-weight": "bold"
    }},
    { selector: "edge", style: {
      "width": 1.2, "line-color": "#adb5bd", "target-arrow-color": "#adb5bd",
      "target-arrow-shape": "triangle", "arrow-scale": 0.8, "curve-style": "straight"
    }},
    { selector: "edge[via = 'location'], edge[via = 'supplier']", style: { "line-style": "dashed" } },
    { selector: "node.hover", style: { "border-color": "#212529", "border-width": 2 } },
    // What-if maps: failed nodes ringed red, nodes down through them ringed amber; the mark
    // before the label says which too (never colour alone).
    { selector: "node[status = 'failed']", style: {
      "border-width": 5, "border-color": "#b02a37", "label": "data(statusLabel)" } },
    { selector: "node[status = 'down']", style: {
      "border-width": 4, "border-color": "#cc8a00", "label": "data(statusLabel)" } }
  ];
  Object.keys(SHAPES).forEach(function (kind) {
    STYLE.splice(1, 0, { selector: "node[kind = '" + kind + "']", style: {
      "shape": SHAPES[kind], "background-color": COLOURS[kind]
    }});
  });

  function draw(container, status, up, down) {
    var base = container.dataset.url;
    var url = base + (base.indexOf("?") >= 0 ? "&" : "?") + "up=" + up + "&down=" + down;
    status.textContent = "Loading the map…";
    return fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        if (container._cy) { container._cy.destroy(); }
        var placed = positions(data, container.clientWidth, container.clientHeight);
        var cy = cytoscape({
          container: container,
          elements: elementsOf(data),
          style: STYLE,
          layout: { name: "preset", positions: function (node) { return placed[node.id()]; },
                    fit: true, padding: 24 },
          minZoom: 0.05, maxZoom: 3, wheelSensitivity: 0.3, autoungrabify: true
        });
        cy.on("tap", "node[url]", function (event) { window.location.href = event.target.data("url"); });
        cy.on("mouseover", "node[url]", function (event) {
          event.target.addClass("hover"); container.style.cursor = "pointer";
        });
        cy.on("mouseout", "node[url]", function (event) {
          event.target.removeClass("hover"); container.style.cursor = "";
        });
        // What-if: what failed and everything it took down, in view together (the failed item
        // is at the bottom, what went down above it); never zoomed in beyond 1.4.
        var struck = cy.nodes("[status = 'failed'], [status = 'down']");
        if (struck.length) {
          cy.fit(struck, 24);
          if (cy.zoom() > 1.4) { cy.zoom(1.4); cy.center(struck); }
        }
        // Small maps: do not blow three nodes up to fill the screen. Large ones: open at a
        // zoom where labels can be read, on the node itself; the rest is a pan away.
        else if (cy.zoom() > 1.4) { cy.zoom(1.4); cy.center(); }
        else if (cy.zoom() < 0.75) {
          var focus = cy.getElementById(data.focus);
          cy.zoom(0.75);
          cy.pan({ x: container.clientWidth / 2 - focus.position("x") * 0.75,
                   y: 40 - focus.position("y") * 0.75 +
                      (data.nodes.some(function (n) { return n.layer < 0; }) ? container.clientHeight / 3 : 0) });
        }
        if (data.edges.length > 80) { cy.edges().style("opacity", 0.45); }
        container._cy = cy;
        window.standbyDepmap = cy;
        var text = data.nodes.length + " node" + (data.nodes.length === 1 ? "" : "s") +
          (data.groups.length ? ", " + data.groups.length + " redundancy group" +
            (data.groups.length === 1 ? "" : "s") : "") + ". Scroll or pinch to zoom; drag to pan.";
        if (data.truncated) { text += " The map is cut short: choose fewer levels to see all of it."; }
        status.textContent = text;
        container.dataset.ready = "1";
      })
      .catch(function (error) { status.textContent = "The map could not be loaded (" + error.message + ")."; });
  }

  function init() {
    var container = document.getElementById("depmap");
    if (!container || typeof cytoscape === "undefined") { return; }
    var section = container.closest("section");
    var status = section.querySelector(".depmap-status");
    var form = section.querySelector(".depmap-levels");
    function redraw() { draw(container, status, form.elements.up.value, form.elements.down.value); }
    form.addEventListener("change", redraw);
    form.addEventListener("submit", function (event) { event.preventDefault(); redraw(); });
    var fit = form.querySelector("[data-depmap-fit]");
    if (fit) { fit.addEventListener("click", function () { if (container._cy) { container._cy.fit(undefined, 24); } }); }
    redraw();
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
