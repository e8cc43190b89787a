// Names for the sliders' handles: BokehJS draws them as role="slider" without an accessible
// name, so a screen reader would announce only a number. Each handle gets its slider's title.
// Runs when the figure's Bokeh document is ready; the views may still be building, so it
// retries briefly until every slider of this figure is named.
function nameHandles(key) {
  const figure = document.getElementById(key);
  const name = (attempt) => {
    let missing = 0;
    const walk = (node) => {
      for (const el of node.querySelectorAll("*")) {
        if (el.shadowRoot) {
          const handle = el.shadowRoot.querySelector(".noUi-handle");
          const title = el.shadowRoot.querySelector(".bk-slider-title");
          if (handle && title && !handle.hasAttribute("aria-label")) {
            handle.setAttribute("aria-label", title.textContent.split(":")[0].trim());
          }
          walk(el.shadowRoot);
        }
      }
    };
    if (figure) walk(figure);
    if (figure) {
      const count = (node) => [...node.querySelectorAll("*")].reduce(
        (n, el) => n + (el.shadowRoot ? (el.shadowRoot.querySelector(".noUi-handle:not([aria-label])") ? 1 : 0) + count(el.shadowRoot) : 0), 0);
      missing = count(figure);
    }
    if ((missing > 0 || !figure) && attempt < 50) setTimeout(() => name(attempt + 1), 100);
  };
  name(0);
}
