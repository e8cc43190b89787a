// The page address carries each reader's settings: "#<figure key>.<parameter>=<value>&...".
// Run once when a figure's Bokeh document is ready (mode "restore"), and on every change of
// one of its controls (mode "record", `changed` the control), by the callbacks of embed.py.
function settingsInAddress(controls, key, mode, changed) {
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
    params.set(prefix + changed.name, "labels" in changed ? changed.labels[changed.active] : String(changed.value));
    window.history.replaceState(null, "", "#" + params.toString());
  }
}
