// vg-first.js, run before the page is drawn (templates/figures.tmpl), apart from the page
// script and BokehJS so that a slow or missing BokehJS delays none of it. Scripts run, so
// figures.css keeps the twin of a figure not yet near the window from being rendered, and so
// fetched (vg-js), until the figure comes within half a window's height of it (vg-seen), so
// that the twin is there when the figure comes into view; it shows until BokehJS has drawn the
// figure (embed.js draws a figure once it is in the window). If the page script never arrives
// (blocked, missing), every twin shows once the page has loaded.
(() => {
  const page = document.documentElement;
  page.classList.add("vg-js");
  const near = "IntersectionObserver" in window ? new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      entry.target.classList.add("vg-seen");
      // fetched now, not when the browser's own lazy loading would (within a set distance of
      // the window, measured after the twin is shown): a reader who flicks past the figure
      // would leave its twin unfetched, and its drawing waiting for it
      for (const twin of entry.target.querySelectorAll("img.vg-twin")) twin.loading = "eager";
      near.unobserve(entry.target);
    }
  }, {rootMargin: "50% 0px"}) : null;
  // once parsed: before the deferred scripts (BokehJS, the page script) run
  const watch = () => {
    for (const figure of document.querySelectorAll("figure.vg-figure")) {
      if (near) near.observe(figure);
      else figure.classList.add("vg-seen");
    }
  };
  if (document.readyState === "loading") document.addEventListener("readystatechange", watch, {once: true});
  else watch();
  addEventListener("load", () => {
    if (!window.vgControls) page.classList.remove("vg-js");
  });
})();
