// The snippet builder: after a build with errors, focus moves to the error
// summary, so keyboard and screen reader users start where the problems are.
const summary = document.getElementById("error-summary");
if (summary) {
  summary.focus();
}
