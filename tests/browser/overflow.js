// What sticks out sideways: the document, any element past the viewport's
// edges, and any element whose content spills out of its own box. Scroll
// containers (a snippet's <pre>) may hold wider content: that is their job.
() => {
  const width = window.innerWidth;
  const found = [];
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "");
  const scrolls = (el) => ["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(el).overflowX);
  const insideScroller = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (scrolls(p)) return true;
    }
    return false;
  };
  if (document.documentElement.scrollWidth > width) {
    found.push(`document is ${document.documentElement.scrollWidth}px wide in ${width}px`);
  }
  for (const el of document.body.querySelectorAll("*")) {
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || insideScroller(el)) continue;
    if (box.left < -0.5 || box.right > width + 0.5) {
      found.push(`${name(el)} spans ${Math.round(box.left)}..${Math.round(box.right)} in ${width}px`);
    }
    if (style.display !== "inline" && !scrolls(el) && el.scrollWidth > el.clientWidth + 1 &&
        el.clientWidth > 0) {
      found.push(`${name(el)} holds ${el.scrollWidth}px in ${el.clientWidth}px`);
    }
  }
  return found;
}
