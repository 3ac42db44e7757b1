// The survey sandbox inside the widget's iframe: Escape here would never
// reach the page around it, and neither would a click on the thank-you
// view's Close button, so both ask the widget to close instead.
(() => {
  "use strict";
  const framed = window.parent !== window;
  function askToClose() {
    window.parent.postMessage("customersure:close", window.location.origin);
  }
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && framed) {
      askToClose();
    }
  });
  for (const button of document.querySelectorAll("[data-survey-close]")) {
    // Outside the widget (the page opened on its own) there is nothing to close.
    button.hidden = !framed;
    button.addEventListener("click", askToClose);
  }
})();
