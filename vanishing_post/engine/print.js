// Printing: the twins are the figures on paper. With scripts on, a twin the live plot replaced
// was never fetched (loading="lazy", display: none); fetch them all as printing starts.
addEventListener("beforeprint", () => {
  for (const twin of document.querySelectorAll("img.vg-twin")) twin.loading = "eager";
});
