// customs-graph: the interactive graph component (Streamlit components v2).
//
// vis-network is prepended to this file by ui/graphview.py from the copy the
// pyvis package ships (no CDN): it defines globalThis.vis.
//
// Data in (from Python): {key, nodes, edges, legend, height, selected, text, big, layout}
//   node: {id, label, full, title, color, shape, image, size, pinned, focus, more_of, x, y}
//         (label: the caption as drawn, maybe shortened; full: the whole caption, shown
//          while the node is selected; image: the label's icon as a data URI)
//   layout: "physics" (vis-network lays the graph out and stabilises it) or
//   "server" (a big graph: x/y come from Python, drawn at once with physics off)
//   edge: {id, from, to, label, title, dashes}
// Events out (triggers): "select" (node id, on click), "expand" (node id, on
// double-click or a click on a "+N more" node). State out: "positions" ({id: [x, y]},
// when the data asks for it: after a layout and after a drag).
//
// Everything taken from the data is placed as text (textContent), never as
// HTML: names come from customs records and cannot be trusted.

const REGISTRY = (globalThis.__customsGraph = globalThis.__customsGraph || {});

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

function tooltip(text) {
  // An Element is shown as-is by vis-network; a string could be read as HTML.
  return el("div", "cg-tip", text);
}

const OPTIONS = {
  autoResize: true,
  interaction: {hover: true, tooltipDelay: 150, multiselect: false, navigationButtons: false,
                keyboard: false},
  physics: {
    enabled: true,
    solver: "barnesHut",
    barnesHut: {gravitationalConstant: -9000, centralGravity: 0.25, springLength: 130,
                springConstant: 0.035, damping: 0.35, avoidOverlap: 0.2},
    stabilization: {enabled: true, iterations: 250, fit: true},
    minVelocity: 1.0,
  },
  nodes: {
    font: {size: 13, face: "Inter, Segoe UI, Arial, sans-serif", color: "#1b2631",
           strokeWidth: 3, strokeColor: "#ffffff"},
    borderWidth: 1.5,
    size: 16,
  },
  edges: {
    arrows: {to: {enabled: true, scaleFactor: 0.55}},
    color: {color: "#9aa7b4", highlight: "#1f5f8b", hover: "#1f5f8b"},
    font: {size: 10, color: "#56636f", strokeWidth: 3, strokeColor: "#ffffff", align: "middle"},
    smooth: {enabled: true, type: "continuous", roundness: 0.3},
    width: 1.2,
    selectionWidth: 1.5,
  },
};

function toVisNode(n) {
  const more = !!n.more_of;
  const v = {
    id: n.id,
    label: n.label,
    title: tooltip(n.title),
    shape: n.shape,
    size: n.size || (n.focus ? 24 : 16),
    color: more
      ? {background: "#ffffff", border: "#8a96a3", highlight: {background: "#eef3f8", border: "#1f5f8b"}}
      : {background: n.color, border: n.pinned ? "#1b2631" : shade(n.color),
         highlight: {background: n.color, border: "#1b2631"},
         hover: {background: n.color, border: "#1b2631"}},
    borderWidth: n.pinned ? 3.5 : (n.focus ? 2.5 : 1.5),
    shapeProperties: more ? {borderDashes: [4, 3]} : {borderDashes: false},
    font: more ? {size: 11, color: "#56636f"} : (n.focus ? {size: 15, bold: true} : {}),
  };
  if (["box", "ellipse", "database", "text", "circle"].includes(n.shape)) {
    v.font = Object.assign({}, v.font, {color: "#1b2631", strokeWidth: 0});
    v.margin = 6;
  }
  if (n.image && !more) {
    // The icon names the kind; the border still says pinned, focus and selection.
    v.shape = "circularImage";
    v.image = n.image;
    v.size = n.focus ? 22 : 15;
  }
  if (more) v.shape = "box";
  return v;
}

function shade(hex) {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex || "");
  if (!m) return "#555555";
  const x = parseInt(m[1], 16);
  const f = (c) => Math.max(0, Math.round(c * 0.7)).toString(16).padStart(2, "0");
  return "#" + f((x >> 16) & 255) + f((x >> 8) & 255) + f(x & 255);
}

function toVisEdge(e) {
  return {id: e.id, from: e.from, to: e.to, label: e.label, title: tooltip(e.title),
          dashes: !!e.dashes, arrows: e.dashes ? {to: {enabled: false}} : undefined};
}

function drawLegend(box, legend, text) {
  box.replaceChildren();
  if (!legend || !legend.length) return;
  for (const item of legend) {
    const row = el("div", "cg-legend-row");
    let sw;
    if (item.image) {
      sw = el("img", "cg-swatch cg-icon");
      sw.src = item.image;
      sw.alt = "";
    } else {
      sw = el("span", "cg-swatch cg-shape-" + item.shape);
      sw.style.setProperty("--c", item.color);
    }
    row.append(sw, el("span", "cg-legend-text", item.text));
    box.append(row);
  }
  if (text && text.pinned) {
    const row = el("div", "cg-legend-row");
    row.append(el("span", "cg-swatch cg-pinned"), el("span", "cg-legend-text", text.pinned));
    box.append(row);
  }
}

function build(parentElement, data) {
  const root = el("div", "cg-root");
  const bar = el("div", "cg-toolbar");
  const fit = el("button", "cg-btn", (data.text && data.text.fit) || "Fit");
  const png = el("button", "cg-btn", (data.text && data.text.png) || "PNG");
  const phys = el("button", "cg-btn", (data.text && data.text.freeze) || "Freeze layout");
  fit.type = png.type = phys.type = "button";
  fit.dataset.action = "fit";
  png.dataset.action = "png";
  phys.dataset.action = "physics";
  const info = el("span", "cg-info");
  bar.append(fit, phys, png, info);
  const canvasBox = el("div", "cg-canvas");
  const legend = el("div", "cg-legend");
  const hint = el("div", "cg-hint");
  const foot = el("div", "cg-foot");
  foot.append(legend, hint);
  root.append(bar, canvasBox, foot);
  parentElement.append(root);

  const nodes = new vis.DataSet();
  const edges = new vis.DataSet();
  const network = new vis.Network(canvasBox, {nodes, edges}, OPTIONS);
  const st = {root, canvasBox, legend, info, hint, nodes, edges, network, api: null, data: null,
              physics: true, lastSelected: null, laidOut: true, serverLayout: false,
              server: new Map(), t0: 0, layoutMs: null, drawnMs: null, phys,
              fitBtn: fit, pngBtn: png, fitPending: false, frozen: false};

  // A white background so that the PNG is readable outside the app.
  network.on("beforeDrawing", (ctx) => {
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.restore();
  });
  network.on("click", (p) => {
    if (!p.nodes.length || !st.api) return;
    const id = p.nodes[0];
    const n = nodes.get(id);
    if (n && n.__more_of) {
      st.api.setTriggerValue("expand", n.__more_of);
      return;
    }
    if (id !== st.lastSelected) {
      showFull(st, id);
      st.lastSelected = id;
      st.api.setTriggerValue("select", id);
    }
  });
  network.on("doubleClick", (p) => {
    if (!p.nodes.length || !st.api || !st.data || !st.data.expandable) return;
    const n = nodes.get(p.nodes[0]);
    st.api.setTriggerValue("expand", (n && n.__more_of) || p.nodes[0]);
  });
  network.on("dragEnd", (p) => {
    // A pinned node stays where the analyst drops it.
    for (const id of p.nodes) {
      const n = nodes.get(id);
      if (n && n.__pinned) {
        const pos = network.getPositions([id])[id];
        nodes.update({id, x: pos.x, y: pos.y, fixed: {x: true, y: true}});
      }
    }
    if (p.nodes.length) reportPositions(st);
  });
  network.on("stabilizationIterationsDone", () => {
    network.fit({animation: false});
    st.laidOut = true;  // tests and benchmarks wait for this
    laidOutNow(st);
    reportPositions(st);
  });
  network.on("stabilized", () => {
    // After an expansion the view takes in the new nodes, once they have settled.
    if (st.fitPending && st.physics) network.fit({animation: {duration: 300}});
    st.fitPending = false;
    reportPositions(st);
  });
  fit.addEventListener("click", () => network.fit({animation: {duration: 300}}));
  if (typeof window !== "undefined") window.addEventListener("resize", () => sizeCanvas(st));
  phys.addEventListener("click", () => {
    st.frozen = st.physics;  // the analyst's choice: expansions then leave the view alone
    setPhysics(st, !st.physics);
  });
  png.addEventListener("click", () => savePng(st));
  return st;
}

// The selected node shows its whole caption; the one selected before goes back to short.
function showFull(st, id) {
  const prev = st.lastSelected && st.nodes.get(st.lastSelected);
  if (prev && prev.__short !== undefined) st.nodes.update({id: prev.id, label: prev.__short});
  const n = id && st.nodes.get(id);
  if (n && n.__full) st.nodes.update({id, label: n.__full});
}

// The drawing's height: as given, or (fit_window) what the window has left below
// the drawing's top, never less than given.
function sizeCanvas(st) {
  const data = st.data || {};
  let h = data.height || 620;
  if (data.fit_window && typeof window !== "undefined") {
    const top = st.canvasBox.getBoundingClientRect().top + (window.scrollY || 0);
    h = Math.max(h, Math.round(window.innerHeight - Math.max(top, 0) - 70));
  }
  if (st.canvasBox.style.height !== h + "px") st.canvasBox.style.height = h + "px";
}

function setPhysics(st, on) {
  st.physics = on;
  st.network.setOptions({physics: {enabled: on}});
  const text = (st.data && st.data.text) || {};
  st.phys.textContent = on ? (text.freeze || "Freeze layout") : (text.unfreeze || "Resume layout");
}

// Timings for the benchmark: the layout done, then the first frame drawn after it.
function laidOutNow(st) {
  st.layoutMs = performance.now() - st.t0;
  st.network.once("afterDrawing", () => { st.drawnMs = performance.now() - st.t0; });
  st.network.redraw();
}

// Where new nodes go on a graph laid out by the server and already on screen: each
// keeps its offset, in the server's layout, from the nearest node already shown
// (which stays where it is: the analyst's picture does not jump).
function placeFromServer(st, data, incoming, known, positions) {
  const adj = new Map();
  for (const e of data.edges || []) {
    if (!adj.has(e.from)) adj.set(e.from, []);
    if (!adj.has(e.to)) adj.set(e.to, []);
    adj.get(e.from).push(e.to);
    adj.get(e.to).push(e.from);
  }
  const anchor = new Map();
  let queue = [];
  let sx = 0, sy = 0, count = 0;
  for (const id of known) {
    const s = st.server.get(id);
    if (!incoming.has(id) || !s || !positions[id]) continue;
    anchor.set(id, id);
    queue.push(id);
    sx += positions[id].x - s.x;
    sy += positions[id].y - s.y;
    count += 1;
  }
  while (queue.length) {  // breadth first: the nearest shown node anchors each new one
    const next = [];
    for (const id of queue) {
      for (const w of adj.get(id) || []) {
        if (anchor.has(w) || known.has(w) || !st.server.has(w)) continue;
        anchor.set(w, anchor.get(id));
        next.push(w);
      }
    }
    queue = next;
  }
  const shift = count ? {x: sx / count, y: sy / count} : {x: 0, y: 0};
  for (const [id, v] of incoming) {
    if (known.has(id)) continue;
    const s = st.server.get(id);
    if (!s) continue;
    const a = anchor.get(id);
    const base = a ? {x: positions[a].x - st.server.get(a).x, y: positions[a].y - st.server.get(a).y}
                   : shift;
    v.x = s.x + base.x;
    v.y = s.y + base.y;
  }
}

// Where the nodes are, for Python to save with an investigation: sent when a layout
// is done or has settled and after each drag (never on every frame), rounded, only
// when a node moved.
function reportPositions(st) {
  if (!st.api || !st.data || !st.data.report_positions) return;
  const out = {};
  const all = st.network.getPositions();
  for (const id of Object.keys(all)) {
    if (String(id).startsWith("more::")) continue;
    out[id] = [Math.round(all[id].x), Math.round(all[id].y)];
  }
  // Only a real move is news: physics jitter must not start rerun after rerun.
  const last = st.lastPositions || {};
  const moved = Object.keys(out).some((id) => !last[id] ||
    Math.abs(last[id][0] - out[id][0]) > 2 || Math.abs(last[id][1] - out[id][1]) > 2);
  if (!moved && Object.keys(last).length === Object.keys(out).length) return;
  st.lastPositions = out;
  st.api.setStateValue("positions", out);
}

function savePng(st) {
  const canvas = st.canvasBox.querySelector("canvas");
  if (!canvas) return;
  const a = document.createElement("a");
  a.href = canvas.toDataURL("image/png");
  a.download = (st.data && st.data.filename) || "customs-graph.png";
  document.body.appendChild(a);
  a.click();
  a.remove();
}

function update(st, data) {
  st.data = data;
  const serverLayout = data.layout === "server";
  const fresh = !st.nodes.length && (data.nodes || []).length > 0;
  if (fresh) {
    st.t0 = performance.now();
    st.layoutMs = st.drawnMs = null;
  }
  // Physics follows the kind of layout when it changes, and is off for every new
  // server-laid-out graph; in between, the toolbar button is the analyst's.
  if (serverLayout !== st.serverLayout || (serverLayout && fresh)) {
    st.serverLayout = serverLayout;
    setPhysics(st, !serverLayout);
  }
  if (st.big !== !!data.big) {
    st.big = !!data.big;
    st.network.setOptions({edges: {smooth: st.big ? false : OPTIONS.edges.smooth}});
  }
  sizeCanvas(st);
  const incoming = new Map();
  for (const n of data.nodes || []) {
    const v = toVisNode(n);
    v.__more_of = n.more_of || null;
    v.__pinned = !!n.pinned;
    v.__short = v.label;
    v.__full = n.full || null;
    incoming.set(n.id, v);
  }
  const known = new Set(st.nodes.getIds());
  const remove = [...known].filter((id) => !incoming.has(id));
  if (remove.length) st.nodes.remove(remove);
  // Place new nodes next to a neighbour already on screen: expansions grow
  // in place instead of scattering.
  const positions = st.network.getPositions();
  const neighbour = new Map();
  for (const e of data.edges || []) {
    if (positions[e.from] && !known.has(e.to)) neighbour.set(e.to, e.from);
    if (positions[e.to] && !known.has(e.from)) neighbour.set(e.from, e.to);
  }
  if (serverLayout) {
    st.server = new Map();
    for (const n of data.nodes || []) {
      if (typeof n.x === "number" && typeof n.y === "number") st.server.set(n.id, {x: n.x, y: n.y});
    }
    if (known.size) {
      placeFromServer(st, data, incoming, known, positions);
    } else {
      for (const [id, v] of incoming) {
        const s = st.server.get(id);
        if (s) { v.x = s.x; v.y = s.y; }
      }
    }
  }
  const items = [];
  for (const [id, v] of incoming) {
    if (!known.has(id) && !serverLayout) {
      const near = neighbour.get(id);
      if (near && positions[near]) {
        const a = Math.random() * 2 * Math.PI;
        v.x = positions[near].x + 90 * Math.cos(a);
        v.y = positions[near].y + 90 * Math.sin(a);
      }
    }
    if (v.__pinned) {
      const pos = positions[id] || {x: v.x, y: v.y};
      if (pos.x !== undefined) { v.x = pos.x; v.y = pos.y; }
      v.fixed = {x: true, y: true};
    } else {
      v.fixed = false;
    }
    items.push(v);
  }
  st.nodes.update(items);

  const edgeIds = new Set((data.edges || []).map((e) => e.id));
  const staleEdges = st.edges.getIds().filter((id) => !edgeIds.has(id));
  if (staleEdges.length) st.edges.remove(staleEdges);
  st.edges.update((data.edges || []).map(toVisEdge));

  const text = data.text || {};
  st.fitBtn.textContent = text.fit || "Fit";
  st.pngBtn.textContent = text.png || "PNG";
  st.phys.textContent = st.physics ? (text.freeze || "Freeze layout")
                                   : (text.unfreeze || "Resume layout");
  drawLegend(st.legend, data.legend, data.text);
  st.info.textContent = (data.text && data.text.info) || "";
  st.hint.textContent = (data.text && data.text.hint) || "";
  if (data.selected && st.nodes.get(data.selected)) {
    st.network.selectNodes([data.selected]);
    showFull(st, data.selected);
    st.lastSelected = data.selected;
  }
  const added = known.size ? items.filter((v) => !known.has(v.id)).length : 0;
  if (added && !st.frozen) {
    // An expansion: show the new nodes now, while the layout settles, and once it
    // has (unless the analyst froze the view meanwhile).
    st.fitPending = st.physics;
    st.network.fit({animation: {duration: 300}});
    for (const ms of [1200, 3000, 6000]) {
      setTimeout(() => { if (!st.frozen) st.network.fit({animation: {duration: 300}}); }, ms);
    }
  }
  if (!known.size && items.length && serverLayout) {
    // Laid out already: fit it to the frame and draw it, no simulation at all. The
    // canvas first takes its frame's new height: resized after the fit, vis-network
    // would rescale the view and cut the graph.
    st.network.setSize("100%", "100%");
    st.network.fit({animation: false});
    st.laidOut = true;
    laidOutNow(st);
    reportPositions(st);
  } else if (!known.size && items.length) {
    // A fresh graph: lay it out before showing it, then fit it to the frame.
    st.laidOut = false;
    // Fewer iterations for big graphs: the physics keeps settling them live after.
    st.network.stabilize(Math.round(Math.max(100, Math.min(300, 60000 / items.length))));
  }
}

export default function (component) {
  const {data, parentElement, setStateValue, setTriggerValue} = component;
  let st = parentElement.__cg;
  if (!st || !st.root.isConnected) {
    st = build(parentElement, data || {});
    parentElement.__cg = st;
  }
  st.api = {setStateValue, setTriggerValue};
  update(st, data || {});
  if (data && data.key) {
    // Read by the browser tests and the benchmark.
    REGISTRY[data.key] = {
      network: st.network, nodes: st.nodes, edges: st.edges,
      get laidOut() { return !!st.laidOut; },
      get physics() { return st.physics; },
      get serverLayout() { return st.serverLayout; },
      get layoutMs() { return st.layoutMs; },
      get drawnMs() { return st.drawnMs; },
    };
  }
  // The network outlives data updates; Streamlit calls this on each update.
  return () => {};
}
