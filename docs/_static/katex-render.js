// Render the math Sphinx writes for MathJax (\( \) inline, \[ \] display, in elements of class "math") with
// KaTeX, offline. All scripts are deferred, so katex and renderMathInElement exist when DOMContentLoaded fires.
document.addEventListener("DOMContentLoaded", function () {
  var delimiters = [
    {left: "\\[", right: "\\]", display: true},
    {left: "\\(", right: "\\)", display: false},
  ];
  document.querySelectorAll(".math").forEach(function (el) {
    renderMathInElement(el, {delimiters: delimiters, throwOnError: false});
  });
});
