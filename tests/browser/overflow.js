// What sticks out sideways: the document, any element past the viewport's
// edges, and any element whose content spills out of its own box. Scroll
// containers (a snippet's <pre>) may hold wider content: that is their job,
// so their insides are not walked.
() => {
  const width = window.innerWidth;
  const found = [];
  const name = (el) => {
    const classes = typeof el.className === "string" ? el.className.trim() : "";
    return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (classes ? "." + classes.split(/\s+/).join(".") : "");
  };
  if (document.documentElement.scrollWidth > width) {
    found.push(`document is ${document.documentElement.scrollWidth}px wide in ${width}px`);
  }
  const visit = (el) => {
    const style = getComputedStyle(el);
    if (style.display === "none") return;
    const scrolls = ["auto", "scroll", "hidden", "clip"].includes(style.overflowX);
    const box = el.getBoundingClientRect();
    if (style.visibility !== "hidden" && box.width > 0 && box.height > 0) {
      if (box.left < -0.5 || box.right > width + 0.5) {
        found.push(`${name(el)} spans ${Math.round(box.left)}..${Math.round(box.right)} in ${width}px`);
      }
      if (style.display !== "inline" && !scrolls && el.clientWidth > 0 &&
          el.scrollWidth > el.clientWidth + 1) {
        found.push(`${name(el)} holds ${el.scrollWidth}px in ${el.clientWidth}px`);
      }
    }
    if (!scrolls) {
      for (const child of el.children) visit(child);
    }
  };
  for (const child of document.body.children) visit(child);
  return found;
}
