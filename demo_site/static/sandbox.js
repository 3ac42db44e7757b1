// The survey sandbox inside the widget's iframe: Escape here would never
// reach the page around it, so ask the widget to close instead.
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && window.parent !== window) {
    window.parent.postMessage("customersure:close", window.location.origin);
  }
});
