// The engine's part of the page script (engine/scripts.py): what every control's callback
// runs, and helpers for the redraws content adds to `redraw` (one per figure, by name).
const redraw = {};
const shared = {};  // what content scripts give the page's vgControls besides their redraws

// What every control's callback runs (engine/render.py, with_controls; engine/figure.py for a
// figure with frames): the frame the controls choose, or the figure's hand-written redraw.
function update(figure, controls, targets, fixed, moved) {
  if (targets.frames) return showFrame(controls, targets);
  if (!(figure in redraw)) throw new Error(`figure '${figure}': no redraw in the page script`);
  redraw[figure](controls, targets, fixed, moved);
}

// A figure with frames (engine/figure.py): each control's value picks the key; the frame's
// data, ranges, categories, titles and colour scales, as Python computed them, go into the
// figure's models.
function showFrame(controls, targets) {
  const {frames, dims} = targets;
  const key = dims.map((dim) => {
    const control = controls[dim];
    return "labels" in control ? control.labels[control.active] : control.value;
  });
  const at = frames.keys.findIndex((k) => k.every((v, i) => String(v) === String(key[i])));
  if (at < 0) return;
  targets.sources.forEach((source, i) => {
    const columns = frames.sources[i];
    if (!columns) return;
    const data = {...source.data};
    for (const [column, values] of Object.entries(columns)) data[column] = values[at];
    source.data = data;
    tablesShow(source);
  });
  targets.models.forEach((model, i) => {
    const changes = frames.models[i];
    if (!changes) return;
    for (const [property, values] of Object.entries(changes)) model[property] = values[at];
  });
}

// A Bokeh table shows a source's new data only when its rows change in number (bokeh#13859):
// told that its view of the source changed, it shows them.
function tablesShow(source) {
  for (const model of source.document?.all_models ?? []) {
    if (model.source === source && model.view?.change) model.view.change.emit();
  }
}

// Write new columns into every source that has them; other columns keep their first value.
function setColumns(sources, columns) {
  for (const source of sources) {
    const names = Object.keys(source.data).filter((name) => name in columns);
    if (names.length === 0) continue;
    const length = columns[names[0]].length;
    const data = {};
    for (const [name, old] of Object.entries(source.data)) {
      data[name] = name in columns ? columns[name] : Array.from({length}, () => old[0]);
    }
    source.data = data;
    tablesShow(source);
  }
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})[c]);
}

// Same markup as engine/templates/table.html.
function tableHtml(headers, rows) {
  const head = headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join("");
  const body = rows.map((row) => "<tr>" + row.map((cell, i) =>
    i === 0 ? `<th scope="row">${escapeHtml(cell)}</th>` : `<td>${escapeHtml(cell)}</td>`).join("") + "</tr>").join("");
  return `<table class="vg-table"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

