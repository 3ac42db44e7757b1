/*
 * A local stand-in for CustomerSure's survey_widget.js, implementing the
 * documented "Widget Javascript API" so the demo and the browser tests can
 * hold cswidget's embeds to it:
 *
 *   CustomerSureSurveyWidget.init()          reads the container's params, once
 *   CustomerSureSurveyWidget.toggleWidget()  shows or hides the survey popover
 *
 * The pre-built trigger button is added unless data-widget-params has
 * "trigger": "none" (for pages with their own trigger).
 *
 * Pages whose body is swapped without a full load (Turbo, htmx) call init()
 * again for each new container. What the real widget does on a second init()
 * is not documented by CustomerSure; this stand-in initialises the first
 * container it has not seen yet (dropping the popover of a container that
 * left the page), and does nothing when it has seen them all. It counts
 * init() calls in window.__standInInitCalls, for the browser tests.
 *
 * Strict-CSP safe: no eval, no inline handlers, no style attributes; styles
 * come from survey_widget.css next to this file.
 */
(() => {
  "use strict";

  // Loaded twice (two snippets on one page): keep the first, it may hold state.
  if (window.CustomerSureSurveyWidget) {
    return;
  }

  const SELECTOR = "[data-customersure-survey-widget]";
  const WIDGET_PARAMS = "data-widget-params";
  const SURVEY_PARAMS = "data-survey-params";
  const DIALOG_ID = "customersure-survey-widget-dialog";
  const TITLE_ID = "customersure-survey-widget-title";
  const CLOSE_MESSAGE = "customersure:close";

  const scriptUrl = new URL(
    document.currentScript ? document.currentScript.src : "/static/survey_widget.js",
    document.baseURI,
  );
  const sandboxUrl = new URL("/sandbox/", scriptUrl);

  // The widget of the container initialised last, and every container seen.
  let widget = null;
  const seen = new WeakSet();
  window.__standInInitCalls = 0;
  // The last element outside the survey that had focus.
  let lastFocused = null;
  document.addEventListener("focusin", (event) => {
    if (!widget || !widget.root.contains(event.target)) {
      lastFocused = event.target;
    }
  });

  function report(message) {
    console.error(`CustomerSureSurveyWidget: ${message}`);
  }

  function addStylesheet() {
    const href = new URL("survey_widget.css", scriptUrl).href;
    if (document.querySelector(`link[data-customersure-survey-widget-css]`)) {
      return;
    }
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    link.setAttribute("data-customersure-survey-widget-css", "");
    document.head.append(link);
  }

  // The attribute's JSON object, or null (reported) when it is not one.
  function readObject(container, name) {
    const text = container.getAttribute(name);
    let value;
    try {
      value = JSON.parse(text);
    } catch (error) {
      report(`${name} is not valid JSON (${error.message}); the widget was not initialised.`);
      return null;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      report(`${name} must be a JSON object; the widget was not initialised.`);
      return null;
    }
    return value;
  }

  function element(tag, className, attributes = {}) {
    const node = document.createElement(tag);
    node.className = className;
    for (const [name, value] of Object.entries(attributes)) {
      node.setAttribute(name, value);
    }
    return node;
  }

  function surveyUrl(widgetParams, surveyParams) {
    const path = `${encodeURIComponent(widgetParams.org)}/${encodeURIComponent(widgetParams.survey)}`;
    const url = new URL(path, sandboxUrl);
    url.searchParams.set("survey_params", JSON.stringify(surveyParams));
    return url.href;
  }

  function build(container, widgetParams, surveyParams) {
    // Listeners of this build, removed with it when a new container takes over.
    const listeners = new AbortController();
    const signal = listeners.signal;
    const root = element("div", "csw-root");
    root.hidden = true;
    const dialog = element("div", "csw-dialog", {
      id: DIALOG_ID,
      role: "dialog",
      "aria-modal": "true",
      "aria-labelledby": TITLE_ID,
    });
    const header = element("div", "csw-header");
    const title = element("h2", "csw-title", { id: TITLE_ID });
    title.textContent = "Tell us what you think";
    const close = element("button", "csw-close", { type: "button", "aria-label": "Close survey" });
    const cross = element("span", "csw-close-icon", { "aria-hidden": "true" });
    cross.textContent = "\u00d7";
    close.append(cross);
    header.append(title, close);
    const frame = element("iframe", "csw-frame", { title: "Survey" });
    dialog.append(header, frame);
    root.append(dialog);
    document.body.append(root);

    let trigger = null;
    if (widgetParams.trigger !== "none") {
      trigger = element("button", "csw-trigger", {
        type: "button",
        "aria-haspopup": "dialog",
        "aria-expanded": "false",
        "aria-controls": DIALOG_ID,
      });
      trigger.textContent = "Feedback";
      trigger.addEventListener("click", toggleWidget, { signal });
      container.append(trigger);
    }

    close.addEventListener("click", hide, { signal });
    root.addEventListener("click", (event) => {
      // A click on the backdrop, outside the card, closes it.
      if (event.target === root) {
        hide();
      }
    }, { signal });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !root.hidden) {
        event.preventDefault();
        hide();
      }
    }, { signal });
    // Escape inside the survey's iframe never reaches this document; the
    // sandbox page posts a message instead.
    window.addEventListener("message", (event) => {
      if (
        event.source === frame.contentWindow &&
        event.origin === sandboxUrl.origin &&
        event.data === CLOSE_MESSAGE &&
        !root.hidden
      ) {
        hide();
      }
    }, { signal });

    return {
      container,
      listeners,
      root,
      dialog,
      close,
      frame,
      trigger,
      url: surveyUrl(widgetParams, surveyParams),
      returnFocus: null,
      inerted: [],
    };
  }

  // The element focus returns to: the one that had focus when the survey
  // opened (a button disabled since, as on a checkout page, loses it).
  function opener() {
    const active = document.activeElement;
    return active && active !== document.body ? active : lastFocused;
  }

  function focusIfPossible(target) {
    if (!target || !target.isConnected || typeof target.focus !== "function") {
      return false;
    }
    target.focus();
    return document.activeElement === target;
  }

  // Focus goes back to the opener; when it is gone or disabled, to its nearest
  // focusable ancestor, then to the trigger; never to <body>, where keyboard
  // and screen reader users would have to start the page over.
  function restoreFocus(target) {
    for (let node = target; node && node !== document.body; node = node.parentElement) {
      if (focusIfPossible(node)) {
        return;
      }
    }
    if (focusIfPossible(widget.trigger)) {
      return;
    }
    const region = (target && target.isConnected && target.closest("main, section, [role=main]")) ||
      document.querySelector("main, [role=main]") || widget.container;
    if (region) {
      region.tabIndex = -1;
      region.focus();
    }
  }

  function show() {
    widget.returnFocus = opener();
    if (!widget.root.isConnected) {
      // The body was replaced around a container kept across pages
      // (data-turbo-permanent): the popover goes into the new body.
      document.body.append(widget.root);
    }
    if (!widget.frame.hasAttribute("src")) {
      // Loaded on first open: pages that never open the survey never load it.
      widget.frame.src = widget.url;
    }
    widget.root.hidden = false;
    // Everything else becomes inert: focus and screen readers stay in the dialog.
    for (const child of document.body.children) {
      if (child !== widget.root && !child.inert) {
        child.inert = true;
        widget.inerted.push(child);
      }
    }
    if (widget.trigger) {
      widget.trigger.setAttribute("aria-expanded", "true");
    }
    widget.close.focus();
  }

  function hide() {
    widget.root.hidden = true;
    for (const child of widget.inerted) {
      child.inert = false;
    }
    widget.inerted = [];
    if (widget.trigger) {
      widget.trigger.setAttribute("aria-expanded", "false");
    }
    const target = widget.returnFocus;
    widget.returnFocus = null;
    restoreFocus(target);
  }

  function init() {
    window.__standInInitCalls += 1;
    const containers = document.querySelectorAll(SELECTOR);
    const container = Array.prototype.find.call(containers, (each) => !seen.has(each));
    if (containers.length && !container) {
      return; // Every container is initialised: a second call adds nothing.
    }
    if (!container) {
      report(
        "init() found no [data-customersure-survey-widget] element. " +
          "Call init() after the container, or after DOMContentLoaded.",
      );
      return;
    }
    if (!container.hasAttribute(WIDGET_PARAMS)) {
      report(`the container has no ${WIDGET_PARAMS}; the widget was not initialised.`);
      return;
    }
    const widgetParams = readObject(container, WIDGET_PARAMS);
    if (!widgetParams) {
      return;
    }
    for (const name of ["org", "survey"]) {
      if (typeof widgetParams[name] !== "string" || widgetParams[name] === "") {
        report(`${WIDGET_PARAMS} needs a non-empty "${name}" string; the widget was not initialised.`);
        return;
      }
    }
    // Read now and never again: the documented contract is that mutations
    // after init() are not re-parsed.
    let surveyParams = {};
    if (container.hasAttribute(SURVEY_PARAMS)) {
      surveyParams = readObject(container, SURVEY_PARAMS);
      if (!surveyParams) {
        return;
      }
    }
    seen.add(container);
    if (widget) {
      // A new container takes over (Turbo, htmx): the old popover goes.
      widget.listeners.abort();
      widget.root.remove();
      for (const child of widget.inerted) {
        child.inert = false;
      }
    }
    widget = build(container, widgetParams, surveyParams);
  }

  function toggleWidget() {
    if (!widget) {
      report("toggleWidget() was called before a successful init().");
      return;
    }
    if (widget.root.hidden) {
      show();
    } else {
      hide();
    }
  }

  addStylesheet();
  window.CustomerSureSurveyWidget = Object.freeze({ init, toggleWidget });
})();
