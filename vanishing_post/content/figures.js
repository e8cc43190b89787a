// The first post's redraws, one per figure, run by its controls (figures.py, with_controls):
// each recomputes with the `maths` twins and writes into the Bokeh models it was given.

// Python's repr() of a float: the shortest exact digits, exponent form below 1e-4.
function pyRepr(v) {
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return v.toFixed(1);
  if (v !== 0 && (Math.abs(v) < 1e-4 || Math.abs(v) >= 1e16)) {
    return v.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
  }
  return String(v);
}

// start must stay below stop: a control pushed past the other is put back one step short.
function keepOrder(controls, moved) {
  const {start, stop} = controls;
  if (start.value < stop.value) return true;
  if (moved === start) start.value = stop.value - start.step;
  else stop.value = start.value + stop.step;
  return false;
}

function sigmoidColumns(controls, fixed) {
  const xs = maths.xRange(controls.start.value, controls.stop.value, fixed.points);
  const s = xs.map(maths.sigmoid);
  return {X: xs, Sigmoid: s, Gradient: s.map(maths.gradientFromSigmoid)};
}

// The decay's log y range, twin of figures.py log_axis_range: positive values' span in
// decades, padded by LOG_PADDING of it (half a decade for one value), not below 10^LOG_FLOOR.
const LOG_PADDING = 0.05, LOG_FLOOR = -300;
function logAxisRange(values) {
  let low = Infinity, high = -Infinity;
  for (const v of values) {
    if (v > 0) { low = Math.min(low, v); high = Math.max(high, v); }
  }
  [low, high] = [Math.log10(low), Math.log10(high)];
  const pad = high > low ? (high - low) * LOG_PADDING : 0.5;
  return [10.0 ** Math.max(low - pad, LOG_FLOOR), 10.0 ** (high + pad)];
}

Object.assign(redraw, {
  "sigmoid-tangent"(controls, targets, fixed, moved) {
    if (!keepOrder(controls, moved)) return;
    const {start, stop, tangent_x} = controls;
    tangent_x.start = start.value;
    tangent_x.end = stop.value;
    const x0 = Math.min(Math.max(tangent_x.value, start.value), stop.value);
    if (x0 !== tangent_x.value) { tangent_x.value = x0; return; }
    const [tx, ty] = maths.tangentLine(x0, fixed.half_width);
    setColumns(targets.sources, {
      ...sigmoidColumns(controls, fixed), "X-Tangent": tx, "Y-Tangent": ty,
      "X-Point": [x0], "Y-Point": [maths.sigmoid(x0)],
    });
    Object.assign(targets.x_range, {start: start.value, end: stop.value});
  },
  "side-by-side"(controls, targets, fixed, moved) {
    if (!keepOrder(controls, moved)) return;
    setColumns(targets.sources, sigmoidColumns(controls, fixed));
    Object.assign(targets.x_range, {start: controls.start.value, end: controls.stop.value});
  },
  "compression"(controls, targets, fixed, moved) {
    if (!keepOrder(controls, moved)) return;
    setColumns(targets.sources, sigmoidColumns(controls, fixed));
    Object.assign(targets.x_range, {start: controls.start.value, end: controls.stop.value});
    targets.y_range.start = controls.y_low.value;
  },
  "decay"(controls, targets) {
    const steps = controls.steps.value;
    const products = maths.decay(controls.x.value, steps);
    setColumns(targets.sources, {Step: Float64Array.from({length: steps}, (_, k) => k + 1), Gradient: products});
    const [low, high] = logAxisRange(products);
    Object.assign(targets.log_range, {start: low, end: high});
    const scale = controls.scale.labels[controls.scale.active];
    for (const [name, models] of Object.entries(targets.shown)) {
      for (const model of models) model.visible = name === scale;
    }
  },
  "numbers"(controls, targets, fixed, moved) {
    if (!keepOrder(controls, moved)) return;
    const columns = sigmoidColumns(controls, fixed);
    const rows = Object.entries(columns).map(([name, values]) => {
      let max = -Infinity, min = Infinity;
      for (const v of values) { max = Math.max(max, v); min = Math.min(min, v); }
      return [name, max.toFixed(3), min.toFixed(3)];
    });
    targets.table.text = tableHtml(["", "max", "min"], rows);
  },
  "decay-steps"(controls, targets) {
    const x = controls.x.value;
    const s = maths.sigmoid(x);
    const g = maths.gradientFromSigmoid(s);
    const rows = Array.from(maths.decay(x, controls.steps.value), (p, k) =>
      [String(k + 1), pyRepr(x), pyRepr(s), pyRepr(g), pyRepr(p)]);
    targets.table.text = tableHtml(["step", "x", "sigmoid(x)", "gradient", "product so far"], rows);
  },
});
