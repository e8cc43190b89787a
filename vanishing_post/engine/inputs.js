// A figure's controls are the browser's own inputs (engine/templates/controls.html): a range
// input per slider, radio buttons per choice. Keyboard (arrows, Home, End, Page keys), touch,
// labels and screen readers work as the browser makes them work. They stay disabled until the
// figure is live. Each is handed to the figure's redraw as an object shaped like the Bokeh
// widget it stands for (a slider's value, start, end and step; a choice's labels and active),
// so a redraw may move a control, as a Bokeh callback may.

class SliderControl {
  constructor(input, changed) {
    this.input = input;
    this.name = input.dataset.control;
    this.changed = changed;
    this.shown = input.closest(".vg-slider")?.querySelector("output");
  }
  get value() { return Number(this.input.value); }
  set value(value) { this.put(() => { this.input.value = String(value); }); }
  get start() { return Number(this.input.min); }
  set start(value) { this.put(() => { this.input.min = String(value); }); }
  get end() { return Number(this.input.max); }
  set end(value) { this.put(() => { this.input.max = String(value); }); }
  get step() { return Number(this.input.step); }
  // The browser keeps the value within the bounds and on a step, written with the step's
  // decimals (never 0.30000000000000004): when a change of the value or of a bound moved it,
  // that is a change of the control, as the reader's own would be.
  put(change) {
    const before = this.input.value;
    change();
    if (this.input.value !== before) this.changed(this);
  }
  show() { if (this.shown) this.shown.textContent = String(this.value); }
}

class ChoiceControl {
  constructor(group, changed) {
    this.buttons = [...group.querySelectorAll("input[type=radio]")];
    this.name = group.dataset.control;
    this.changed = changed;
  }
  get labels() { return this.buttons.map((button) => button.value); }
  get active() { return this.buttons.findIndex((button) => button.checked); }
  set active(index) {
    if (index === this.active || !this.buttons[index]) return;
    this.buttons[index].checked = true;
    this.changed(this);
  }
  show() {}
}

// What a figure's data block names (engine/embed.py): its Bokeh models by id, found in its
// document; the HTML of a figure that is only HTML (a table), as an object whose `text` is that
// HTML, as a Bokeh Div's is; and numbers JSON cannot hold.
function resolved(value, doc, figure) {
  if (Array.isArray(value)) return value.map((v) => resolved(v, doc, figure));
  if (value === null || typeof value !== "object") return value;
  if ("$model" in value) return doc.get_model_by_id(value.$model);
  if ("$html" in value) return htmlOf(figure.querySelector(".vg-static"));
  if ("$number" in value) return Number(value.$number.replace("inf", "Infinity"));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolved(v, doc, figure)]));
}

function htmlOf(box) {
  return {
    get text() { return box.innerHTML; },
    set text(html) { box.innerHTML = html; },
  };
}

const connected = {};  // figure key -> its controls, once live

// The controls of the figure `key` once they run its redraws (the twins' studio moves them).
function controlsOf(key) {
  return connected[key];
}

// Let go of the controls of figures no longer on the page: the twins' studio places one figure
// after another, and what these hold of a figure (its document's models) would keep it alive.
function forgetRemoved() {
  for (const key of Object.keys(connected)) {
    if (!document.getElementById(key)) delete connected[key];
  }
}

// Connect the controls of the figure `key` (its data block's part "controls") to its drawn
// Bokeh document `doc` (null for a figure that is HTML only): every change redraws it, goes
// into the page address and into the call of the code under it. Settings the address holds
// are restored first.
function connect(key, runs, doc) {
  const figure = document.getElementById(key);
  const box = figure?.querySelector(".vg-controls");
  if (!box) return;
  const targets = resolved(runs.targets, doc, figure), fixed = resolved(runs.fixed, doc, figure);
  const controls = {};
  // A change runs after the code that made it, as Bokeh runs a callback: a redraw that moves
  // another control has finished before that control's own redraw starts.
  const changed = (control) => queueMicrotask(() => {
    control.show();
    try {
      update(runs.figure, controls, targets, fixed, control);
    } catch (error) {  // named once: the engine's own errors name the figure already
      const named = String(error?.message ?? error).startsWith(`figure '${runs.figure}'`);
      console.error(named ? error.message : `figure '${runs.figure}': ${error}`);
    }
    settingsInAddress(controls, key, "record", control);
    showInCode(key, control);
  });
  for (const input of box.querySelectorAll("input[type=range][data-control]")) {
    const control = new SliderControl(input, changed);
    controls[control.name] = control;
    input.addEventListener("input", () => changed(control));
  }
  for (const group of box.querySelectorAll("fieldset[data-control]")) {
    const control = new ChoiceControl(group, changed);
    controls[control.name] = control;
    group.addEventListener("change", () => changed(control));
  }
  connected[key] = controls;
  settingsInAddress(controls, key, "restore");
  for (const input of box.querySelectorAll("input")) input.disabled = false;
}
