// The page address carries each reader's settings: "#<figure key>.<parameter>=<value>&...".
// Runs once when the Bokeh document is ready (restore), and on every control change (record).
const prefix = key + ".";
const params = new URLSearchParams(window.location.hash.slice(1));
if (mode === "restore") {
  for (const [name, control] of Object.entries(controls)) {
    const text = params.get(prefix + name);
    if (text === null) continue;
    if ("labels" in control) {
      const index = control.labels.indexOf(text);
      if (index >= 0) control.active = index;
    } else {
      const value = Number(text);
      if (Number.isFinite(value)) control.value = Math.min(Math.max(value, control.start), control.end);
    }
  }
} else {
  const control = cb_obj;
  params.set(prefix + control.name, "labels" in control ? control.labels[control.active] : String(control.value));
  window.history.replaceState(null, "", "#" + params.toString());
}
