// Copy buttons: <button data-copy-target="id"> copies that element's text.
// A script file, not an inline handler, so it works under a strict CSP.
document.addEventListener("click", async (event) => {
  const button = event.target instanceof Element && event.target.closest("[data-copy-target]");
  if (!button) {
    return;
  }
  const source = document.getElementById(button.dataset.copyTarget);
  const status = document.getElementById("copy-status");
  try {
    await navigator.clipboard.writeText(source.textContent);
    status.textContent = "Copied to the clipboard.";
  } catch {
    // No clipboard permission: select the text so the user can copy it.
    window.getSelection().selectAllChildren(source);
    status.textContent = "Press Ctrl+C (or Cmd+C) to copy the selected snippet.";
  }
});
