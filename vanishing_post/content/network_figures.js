// The network figures' redraws (see network_figures.py), added to figures.js's table.
// The depth slider swaps in the gradient norms computed at build time for that depth: a
// network cannot be retrained in the reader's browser, so nothing is recomputed here.
Object.assign(redraw, {
  "layer-gradients"(controls, targets) {
    const depth = controls.depth.value;
    const at = targets.depths.indexOf(depth);
    if (at < 0) return;
    // Each series holds every depth's values one after the other, in targets.depths' order.
    const start = targets.depths.slice(0, at).reduce((sum, d) => sum + d, 0);
    const layer = Float64Array.from({length: depth}, (_, k) => k + 1);
    for (const [name, source] of Object.entries(targets.sources)) {
      const norm = name === "bound"
        ? bestCaseBound(targets.bound, depth)
        : targets.table[name].slice(start, start + depth);
      source.data = {layer, norm};
    }
  },
});
redraw["skip-connections"] = redraw["layer-gradients"];

// Twin of network.best_case_bound: maxGradient ** (depth - l) for l = 1..depth. The powers
// of 0.25 are powers of two, exact in both languages.
function bestCaseBound(maxGradient, depth) {
  return Float64Array.from({length: depth}, (_, k) => maxGradient ** (depth - 1 - k));
}
