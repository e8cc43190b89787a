// JavaScript twins of maths.py, run by the sliders in the reader's browser.
// One function per formula, written the same way as its Python twin so that both give the
// same floating point numbers; change one, change the other (tests/test_browser_controls.py
// compares them).
const maths = {
  // np.linspace(start, stop, points): i * step + start, the last point exactly stop.
  xRange(start, stop, points) {
    const xs = new Float64Array(points);
    const step = (stop - start) / (points - 1);
    for (let i = 0; i < points; i++) xs[i] = i * step + start;
    if (points > 1) xs[points - 1] = stop;
    return xs;
  },
  // Stable logistic sigmoid: exp only ever sees -|x|.
  sigmoid(x) {
    const e = Math.exp(-Math.abs(x));
    return x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
  },
  // The derivative written in the sigmoid's output s: s * (1 - s).
  gradientFromSigmoid(s) {
    return s * (1.0 - s);
  },
  // Tangent at x0 over [x0 - halfWidth, x0 + halfWidth], two points.
  tangentLine(x0, halfWidth) {
    const xs = maths.xRange(x0 - halfWidth, x0 + halfWidth, 2);
    const s0 = maths.sigmoid(x0);
    const g0 = maths.gradientFromSigmoid(s0);
    return [xs, xs.map((x) => s0 + g0 * (x - x0))];
  },
  // Cumulative product of the gradient at x over steps 1..n (np.cumprod).
  decay(x, steps) {
    const g = maths.gradientFromSigmoid(maths.sigmoid(x));
    const out = new Float64Array(steps);
    let acc = 1.0;
    for (let k = 0; k < steps; k++) {
      acc = k === 0 ? g : acc * g;
      out[k] = acc;
    }
    return out;
  },
};
shared.maths = maths;
