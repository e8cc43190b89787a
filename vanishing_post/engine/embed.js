// Drawing the figures (engine/embed.py writes each one's Bokeh document as a JSON data block,
// never an inline script, so a page works under a Content-Security-Policy without
// 'unsafe-inline'). Whatever stops a figure from drawing (no BokehJS, BokehJS failing, a
// policy that forbids what the figure runs), its static twin stays in its place.

// Whether the page may compile code from text: Bokeh's CustomJS callbacks (a figure's own,
// written in Python) need it ('unsafe-eval'). Asked once, and only of a page with such a figure.
let compiles = null;
function mayCompile() {
  if (compiles === null) {
    try { compiles = typeof new Function("return 1") === "function"; } catch { compiles = false; }
  }
  return compiles;
}

// BokehJS is not part of the page: the page script's tag names its files (data-bokehjs, beside
// the page script), fetched and run in order once the page has loaded, or before that if a
// figure BokehJS draws comes near the window; on a page that has BokehJS already (the twins'
// studio, a page of one figure), nothing is fetched. A figure that needs more of BokehJS (a
// Bokeh table, LaTeX in a label) names those files on its data block, fetched after these,
// once, before it is drawn; a page holding one inline says so (data-bokehjs-held). Resolves to
// whether BokehJS is there to draw.
const pageScript = document.currentScript;
const named = (element) => (element?.dataset.bokehjs ?? "").split(" ").filter(Boolean);
// beside the page script; on a page whose script is inline, beside the page
const besideScript = (name) => new URL(name, pageScript?.src || document.baseURI).href;
const fetched = new Map();  // BokehJS file: promise of whether it loaded
function fetchOnce(name) {
  if (document.querySelector(`script[data-bokehjs-held="${CSS.escape(name)}"]`)) {
    return Promise.resolve(true);
  }
  if (!fetched.has(name)) {
    fetched.set(name, new Promise((resolve) => {
      const script = Object.assign(document.createElement("script"), {src: besideScript(name)});
      window.vgRunBokehJS = runBokehJS;  // a file whose loader asks for it has this run it
      script.addEventListener("load", () => {
        const run = running ?? Promise.resolve();
        running = null;
        run.then(() => resolve(true), (error) => {
          console.error(`BokehJS's ${name} failed to run: ${error}`);
          resolve(false);
        });
      });
      script.addEventListener("error", () => resolve(false));
      document.head.append(script);
    }));
  }
  return fetched.get(name);
}

// BokehJS's loader runs every module of its bundle at once: a third of a second on a phone's
// CPU, during which the page cannot answer a tap or a scroll. The bundle the site serves hands
// its modules to this hook instead (vanishing_post/engine/bokehjs.py), in the order its loader
// would run them, and the rest of its start (finish); they run in slices of RUN_MS, each
// giving the browser control back, and BokehJS is then there as if loaded at once.
const RUN_MS = 20;
let running = null;  // the run a file just fetched asked for
function runBokehJS(require, finish, order) {
  running = (async () => {
    let from = performance.now();
    for (const module of order) {
      if (performance.now() - from > RUN_MS) {
        await handBack();
        from = performance.now();
      }
      require(module);
    }
    finish();
  })();
}

// Once the page has loaded, BokehJS is fetched and run, in slices, while the reader reads: the
// first figure a reader scrolls to is then drawn a fraction of a second after it comes into
// view, not after BokehJS has crossed a slow network (1.3 s of Slow 4G) and run. Not for a
// reader whose browser was asked to save data (then BokehJS comes as a figure comes near),
// nor on a page with nothing BokehJS draws.
function loadBokehJSOnceLoaded(blocks) {
  if (window.Bokeh || navigator.connection?.saveData || !blocks.some((b) => itemOf(b).doc)) return;
  loadBokehJS();
}
const inOrder = (names) => names.reduce((before, name) => before.then((ok) => ok && fetchOnce(name)),
  Promise.resolve(true));

let bokehjs = null;
function loadBokehJS(more = []) {
  if (bokehjs === null) {
    const files = named(pageScript);
    bokehjs = (window.Bokeh ? Promise.resolve(true) : inOrder(files).then((ok) => ok && files.length > 0))
      .then((ok) => {
        if (!(ok && window.Bokeh)) console.warn("BokehJS did not load; the figures' twins stay");
        return Boolean(ok && window.Bokeh);
      });
  }
  if (more.length === 0) return bokehjs;
  return bokehjs.then((ready) => ready && inOrder(more).then((ok) => {
    if (!ok) console.warn(`BokehJS's ${more.join(", ")} did not load; the figure's twin stays`);
    return ok;
  }));
}

const taken = new WeakSet();  // data blocks already handed to BokehJS, by either path below
const items = new WeakMap();  // data block: what it holds, parsed once
function itemOf(block) {
  if (!items.has(block)) items.set(block, JSON.parse(block.textContent));
  return items.get(block);
}

// Draw one figure from its data block; resolves once BokehJS has drawn it, or as soon as it
// cannot be drawn here (its twin stays; the console says why). The figure is then marked
// vg-drawn.
function draw(block, inSteps = false) {
  if (taken.has(block)) return Promise.resolve();
  taken.add(block);
  const item = itemOf(block);
  const key = block.dataset.figure;
  if (!item.doc) {  // HTML only (a table): the page shows it; BokehJS has nothing to draw
    if (item.controls) connect(key, item.controls, null);
    document.getElementById(key)?.classList.add("vg-drawn");
    return Promise.resolve();
  }
  if (block.textContent.includes('"CustomJS"') && !mayCompile()) {
    console.warn(`figure '${key}': its callbacks need 'unsafe-eval'; the twin stays`);
    return Promise.resolve();
  }
  const more = named(block);
  return loadBokehJS(more).then((ready) => ready && (more.length ? mathJaxAgain() : Promise.resolve())
    .then(newSlice)
    .then(() => building(Bokeh.embed.embed_item(item, block.dataset.target).then(dueDone), inSteps))
    .then(() => {
      document.getElementById(key)?.classList.add("vg-painted");
      // the document just made: the newest holding its root (a page that places figures again,
      // as the twins' studio does, may hold older ones under the same ids)
      const doc = [...Bokeh.documents].reverse().find((d) => d.get_model_by_id(item.root_id));
      if (item.controls) connect(key, item.controls, doc);
      return typeset(doc);
    })
    .then(() => document.getElementById(key)?.classList.add("vg-drawn"))
    .catch((error) => console.error(`figure '${key}': ${error}`)));
}

// BokehJS builds a figure's views one after another without a break, then lays the figure
// out and paints it: on a phone's CPU a third of a second in one task for a plot, more for
// several, and a reader scrolling meanwhile waits. The page gives the browser control back
// between two views once SLICE_MS have run, and before the figure is laid out (then between
// the steps of its drawing, drawApart): the longest wait is then one slice or one step.
// (BokehJS awaits each view's lazy_initialize, for fonts and images, so a view built later is a
// case it has already.) A figure starts its first slice in a task of its own, never in the one
// that ran a BokehJS file. Views made at any other time (a redraw, a dialog a tool opens) are
// made at once.
const SLICE_MS = 30;
let sliceFrom = 0;
// The figure being built is laid out, and so shown, once this resolves: its twin is on screen.
// Its views are built meanwhile, while the twin is fetched and decoded.
let twinUp = Promise.resolve();
let built = 0;  // figures BokehJS is building now
let inStepsNow = 0;  // of those, figures drawn in steps (drawApart)
const building = (drawing, inSteps) => {
  built += 1;
  inStepsNow += inSteps ? 1 : 0;
  return drawing.finally(() => {
    built -= 1;
    inStepsNow -= inSteps ? 1 : 0;
  });
};
function newSlice() {
  adaptBokehJS();
  return handBack().then(() => { sliceFrom = performance.now(); });
}

// What the page changes in BokehJS, once it is there.
let adapted = false;
function adaptBokehJS() {
  if (adapted) return;
  adapted = true;
  sliceViews();
  drawApart();
  layOutOnce();
}

// BokehJS's view making wrapped to end a slice where one is due.
function sliceViews() {
  const {View} = Bokeh.require("core/view");
  const {ViewManager} = Bokeh.require("core/view_manager");
  const lazyInitialize = View.prototype.lazy_initialize;
  // BokehJS's own promise whenever no slice ends: not one microtask more for it to wait on
  View.prototype.lazy_initialize = function (...args) {
    return built > 0 && performance.now() - sliceFrom > SLICE_MS
      ? newSlice().then(() => lazyInitialize.apply(this, args))
      : lazyInitialize.apply(this, args);
  };
  const buildView = ViewManager.prototype.build_view;  // a root's views, before its layout
  ViewManager.prototype.build_view = function (...args) {
    const view = buildView.apply(this, args);
    return built > 0 ? view.then((made) => twinUp.then(newSlice).then(() => made)) : view;
  };
}

// BokehJS attaches a figure's root, has the browser work out its styles and boxes, lays the
// figure out and paints each plot, all in one task: on a phone's CPU 0.2 s for one plot, the
// styles a third of it, and 0.3 s for three plots, each one's paint a sixth. For a figure a
// page draws as the reader comes to it (drawWaiting), each of these steps is a slice of its
// own, one after another (`later`): the styles and boxes, its views' own, the layout, then
// each plot's first paint. The figure stays unseen, out of the flow of the page, and its twin
// on screen, until the last paint (vg-painted, figures.css): the reader never sees a figure
// half laid out or half painted, and the text never moves. Figures drawn all at once
// (`embed`: the twins' studio, a page of one figure) are drawn in one task, as BokehJS draws
// them: on a loaded machine a first paint a slice after the layout sometimes set the studio's
// text a fraction of a pixel apart, and a twin must come out the same, byte for byte, in every
// build.
let due = Promise.resolve();  // the steps still to run of the figures being drawn
function later(step) {
  due = due.then(newSlice).then(step).catch((error) => console.error(error));
}
// Resolves once every step due has run (a step may add more).
function dueDone() {
  const now = due;
  return now.then(() => (now === due ? undefined : dueDone()));
}

// Roots attached and not yet laid out. What their views hear meanwhile waits: a size a
// ResizeObserver reports (BokehJS would lay the figure out at once, and again at its layout)
// is told again once the figure is laid out, as when both came in one task; a paint asked for
// is the first paint's, after the layout.
const layoutDue = new WeakSet();
const heard = new Set();  // views told of a size before their root's layout
function drawApart() {
  const {DOMView} = Bokeh.require("core/dom_view");
  const build = DOMView.prototype.build;  // a root's view, once built: attached and laid out
  DOMView.prototype.build = function (target) {
    if (inStepsNow === 0) return build.call(this, target);
    layoutDue.add(this);
    this.render_to(target);
    later(() => this.el.offsetParent);  // styles and boxes worked out, in a slice of their own
    // BokehJS's r_after_render, in two slices: the views inside (each its styles and box),
    // then the root's own, which lays the figure out
    later(() => {
      for (const child of this.children()) if (child instanceof DOMView) child.r_after_render();
    });
    later(() => {
      layoutDue.delete(this);
      this.after_render();
      this._was_built = true;
      for (const view of heard) {
        if (view.root !== this) continue;
        heard.delete(view);
        view.after_resize();
      }
      this.notify_finished();
    });
  };
  const {UIElementView} = Bokeh.require("models/ui/ui_element");
  const afterResize = UIElementView.prototype.after_resize;
  UIElementView.prototype.after_resize = function (...args) {
    if (layoutDue.has(this.root)) heard.add(this);
    else afterResize.apply(this, args);
  };
  const {PlotView} = Bokeh.require("models/plots/plot_canvas");
  const {paint, schedule_paint: schedulePaint} = PlotView.prototype;
  const painted = new WeakSet();
  const asked = new WeakSet();
  const firstDue = (view) => layoutDue.has(view.root) || (asked.has(view) && !painted.has(view));
  PlotView.prototype.schedule_paint = function (...args) {
    if (!firstDue(this)) schedulePaint.apply(this, args);
  };
  PlotView.prototype.paint = function (...args) {
    if (painted.has(this) || inStepsNow === 0) {
      painted.add(this);
      return paint.apply(this, args);
    }
    if (asked.has(this)) return;
    asked.add(this);
    later(() => {
      painted.add(this);
      this._invalidate_layout_if_needed();  // as a paint asked for after the layout would
      paint.apply(this, args);
      // BokehJS asks whether the figure is finished (its document idle) as it lays it out and
      // as boxes are reported, then no more: once painted, it is asked again
      this.notify_finished();
    });
  };
}

// A legend watches its own box and has its plot laid out and painted again whenever the box
// is reported changed; a ResizeObserver reports every box once as it starts watching, so each
// plot with a legend was laid out and painted twice as it was drawn, the second time in a task
// of its own. Only a box other than the one the plot was laid out with does that now.
function layOutOnce() {
  const {LegendView} = Bokeh.require("models/annotations/legend");
  const initialize = LegendView.prototype.initialize;
  LegendView.prototype.initialize = function (...args) {
    initialize.apply(this, args);
    this._resize_observer.disconnect();
    this._resize_observer = new ResizeObserver((entries) => {
      if (layoutDue.has(this.root)) return;  // the layout to come measures it
      const [box] = entries[entries.length - 1].borderBoxSize;
      const {width, height} = this.bbox;  // as the legend measured itself for the layout
      if (Math.abs(box.inlineSize - width) >= 0.5 || Math.abs(box.blockSize - height) >= 0.5) {
        this.request_layout();
      }
    });
    this._resize_observer.observe(this.el, {box: "border-box"});
  };
}

// BokehJS looks for MathJax once, as it first draws a text (a Bokeh table does), and if
// bokeh-mathjax was not there yet, never again: a figure that brought it has BokehJS look again.
function mathJaxAgain() {
  const {default_provider: provider} = Bokeh.require("models/text/providers");
  return provider.status === "failed" ? provider.fetch() : Promise.resolve();
}

// LaTeX in a label is typeset after BokehJS has drawn the figure (by bokeh-mathjax, then shown
// as a picture): until then BokehJS shows the label's source, or nothing. The figure counts as
// drawn once every label is, so its twin gives way to the finished figure, and the twins'
// studio photographs that. Resolves at once for a figure without LaTeX.
const TYPESET_WAIT_MS = 5000;  // a label that never comes keeps the figure from no one
function typeset(doc) {
  const {MathTextView} = Bokeh.require("models/text/math_text");
  const labels = [...Bokeh.index.query((view) => view instanceof MathTextView
    && view.root.model.document === doc)];
  const until = performance.now() + TYPESET_WAIT_MS;
  return new Promise((done) => {
    const look = () => (labels.every((view) => view.has_finished()) || performance.now() > until
      ? done() : requestAnimationFrame(look));
    look();
  });
}

// Draw every figure whose data block is inside `root`, all at once (the twins' studio, a
// page of one figure); resolves once all are drawn.
function embed(root = document) {
  return Promise.all([...root.querySelectorAll("script.vg-item")].map(draw));
}

// A page's figures are drawn as they come into the window, one at a time, in page order, the
// browser getting control back between two figures: a phone's CPU drawing nine figures at
// once would freeze the page for seconds, and a figure the reader never reaches costs nothing.
// Its twin, fetched as the figure came near (vg-first.js), holds its place until then and
// while it draws. A link to a figure (#id) scrolls to it, so it is drawn first.
const waiting = [];  // data blocks of figures that came into the window, not yet drawn
let drawing = false;

const handBack = () => new Promise((resume) =>
  (window.scheduler && scheduler.yield) ? scheduler.yield().then(resume) : setTimeout(resume, 0));

// The figure's twin is on screen (loaded, then one frame drawn), or will not be (no twin,
// failed): a figure scrolled to in one jump shows its twin, not an empty box, while it draws.
const TWIN_WAIT_MS = 3000;  // on a network that never delivers it, the live figure goes ahead
function twinShown(block) {
  const twin = document.getElementById(block.dataset.figure)?.querySelector("img.vg-twin");
  if (!twin) return Promise.resolve();
  // a twin the browser has not begun to fetch (vg-first.js asks for it as its figure comes
  // near, maybe in this same frame) cannot be decoded yet: its arrival is waited for first
  const arrived = twin.complete ? Promise.resolve() : new Promise((done) => {
    twin.addEventListener("load", done, {once: true});
    twin.addEventListener("error", done, {once: true});
  });
  const loaded = arrived.then(() => twin.decode()).catch(() => undefined);
  const late = new Promise((resolve) => setTimeout(resolve, TWIN_WAIT_MS));
  // a frame, then a task after it: the frame that shows the twin has been painted (a callback
  // of that frame itself would start drawing before the paint)
  const painted = () => new Promise((next) => requestAnimationFrame(() => setTimeout(next, 0)));
  return Promise.race([loaded, late]).then(painted);
}

async function drawWaiting() {
  if (drawing) return;
  drawing = true;
  while (waiting.length > 0) {
    waiting.sort((a, b) => a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1);
    const block = waiting.shift();
    twinUp = twinShown(block);
    await draw(block, true);
    twinUp = Promise.resolve();
    await handBack();
  }
  drawing = false;
}

function drawWhenInWindow(root = document) {
  const blocks = [...root.querySelectorAll("script.vg-item")];
  if (document.readyState === "complete") loadBokehJSOnceLoaded(blocks);
  else addEventListener("load", () => loadBokehJSOnceLoaded(blocks), {once: true});
  if (!("IntersectionObserver" in window)) {
    waiting.push(...blocks);
    drawWaiting();
    return;
  }
  const byFigure = new Map();
  const inWindow = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      inWindow.unobserve(entry.target);
      waiting.push(byFigure.get(entry.target));
    }
    drawWaiting();
  });
  // BokehJS is fetched and run, if not yet, when the first figure it draws comes within half a
  // window's height of the window, as that figure's twin is fetched (vg-first.js): before the
  // page has loaded, or for a reader who saves data; one who jumps to a figure sees its twin
  // until then
  const near = new IntersectionObserver((entries) => {
    if (!entries.some((entry) => entry.isIntersecting && itemOf(byFigure.get(entry.target)).doc)) return;
    near.disconnect();
    loadBokehJS();
  }, {rootMargin: "50% 0px"});
  for (const block of blocks) {
    const figure = document.getElementById(block.dataset.figure);
    if (!figure) continue;
    byFigure.set(figure, block);
    inWindow.observe(figure);
    near.observe(figure);
  }
}

if (document.readyState === "loading") addEventListener("DOMContentLoaded", () => drawWhenInWindow(), {once: true});
else drawWhenInWindow();
