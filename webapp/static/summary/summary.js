/* The printable summary: the "Print or save as PDF" button (the browser's own print dialog). */
(function () {
  "use strict";
  var button = document.getElementById("print");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
})();
