// Drawing the figures (engine/embed.py writes each one's Bokeh document as a JSON data block,
// never an inline script, so a page works under a Content-Security-Policy without
// 'unsafe-inline'). Whatever stops a figure from drawing (no BokehJS, BokehJS failing, a
// policy that forbids what the figure runs), its static twin stays in its place.

// Whether the page may compile code from text: Bokeh's CustomJS callbacks (a figure's
// controls) need it ('unsafe-eval'). Asked once, and only of a page with such a figure.
let compiles = null;
function mayCompile() {
  if (compiles === null) {
    try { compiles = typeof new Function("return 1") === "function"; } catch { compiles = false; }
  }
  return compiles;
}

// Draw every figure whose data block is inside `root`; resolves once all are drawn. A figure
// that cannot be drawn here keeps its twin, and says why on the console.
function embed(root = document) {
  const drawing = [];
  for (const block of root.querySelectorAll("script.vg-item")) {
    if (!window.Bokeh) continue;
    const text = block.textContent;
    if (text.includes('"CustomJS"') && !mayCompile()) {
      console.warn(`figure '${block.dataset.figure}': its controls need 'unsafe-eval'; the twin stays`);
      continue;
    }
    drawing.push(Bokeh.embed.embed_item(JSON.parse(text), block.dataset.target)
      .catch((error) => console.error(`figure '${block.dataset.figure}': ${error}`)));
  }
  return Promise.all(drawing);
}

if (document.readyState === "loading") addEventListener("DOMContentLoaded", () => embed(), {once: true});
else embed();
