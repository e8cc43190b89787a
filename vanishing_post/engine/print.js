// Printing: the twins are the figures on paper. With scripts on, a twin the live plot replaced
// was never fetched (loading="lazy", display: none); fetch them all as printing starts. The
// code under each figure prints unfolded: the blocks a reader left folded open as printing
// starts, and fold again once it ends.
addEventListener("beforeprint", () => {
  for (const twin of document.querySelectorAll("img.vg-twin")) twin.loading = "eager";
  for (const code of document.querySelectorAll("details.vg-code:not([open])")) {
    code.open = true;
    code.dataset.vgPrinting = "";
  }
});
addEventListener("afterprint", () => {
  for (const code of document.querySelectorAll("details.vg-code[data-vg-printing]")) {
    code.open = false;
    delete code.dataset.vgPrinting;
  }
});
