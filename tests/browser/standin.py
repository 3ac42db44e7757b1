"""A minimal stand-in for the widget script, for tests that only need to
know what `init()` parsed.

It reads both attributes once, as the documented widget does, and leaves the
parsed objects in `window.__seen`. (The demo site's stand-in is the full one.)
"""

from __future__ import annotations

RECORDING_WIDGET_JS = """
window.CustomerSureSurveyWidget = {
  init: function () {
    var el = document.querySelector("[data-customersure-survey-widget]");
    window.__seen = {
      widget: JSON.parse(el.getAttribute("data-widget-params")),
      survey: JSON.parse(el.getAttribute("data-survey-params")),
    };
  },
  toggleWidget: function () {},
};
"""
