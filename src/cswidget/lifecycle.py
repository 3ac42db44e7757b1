"""The lifecycle script: the widget re-initialised under Turbo, htmx and friends.

    <head>
      {{ cs.script(widget) }}
      {{ cs.lifecycle_script(nonce=nonce) }}
    </head>
    <body> ... {{ cs.container(widget, params) }} ... </body>

On pages whose body is replaced without a full page load, the widget's
`init()` has to run again for each new container. The lifecycle script does
that, and nothing else: it calls `CustomerSureSurveyWidget.init()` once per
container it has not seen (marking it `data-cswidget-initialised`), when

- the page has loaded, or the widget script has (it may load after it);
- Turbo renders a page (`turbo:load`, and `turbo:render`, which also fires
  after a form re-renders with 422, where `turbo:load` does not);
- htmx swaps content in (`htmx:load`, `htmx:afterSettle`, htmx 2.x);
- anything else inserts a container (a `MutationObserver`, which only looks
  at added nodes, connects once the widget script is there and disconnects
  while the page is hidden in the back/forward cache).

Before Turbo caches a page (`turbo:before-cache`) and before htmx saves a
history snapshot (`htmx:beforeHistorySave`) it puts each container back as it
was (unmarked, without what the widget added), so a restored page initialises
afresh. Containers marked `data-turbo-permanent` (or inside such an element)
are kept by Turbo across pages and are never initialised twice. Nothing runs
during a Turbo preview (`html[data-turbo-preview]`).

Leave out `init_script()` where this script is used: it does the first
`init()` too. The body is a constant: no user data inside the `<script>`.
"""

from __future__ import annotations

from typing import Final

from markupsafe import Markup

from .consent import INITIALISED_ATTRIBUTE
from .html import element
from .scripts import checked_nonce

__all__ = ["LIFECYCLE_BODY", "lifecycle_script"]

LIFECYCLE_BODY: Final = Markup(
    "(function(){"
    # Once per document: Turbo and htmx may run a body script again.
    "if(window.cswidgetLifecycle)return;window.cswidgetLifecycle=true;"
    'var d=document,sel="[data-customersure-survey-widget]",'
    'mark="' + INITIALISED_ATTRIBUTE + '",'
    "children=new WeakMap(),observer=null,queued=false;"
    "function fresh(){"
    "return Array.prototype.filter.call(d.querySelectorAll(sel),"
    "function(c){return!c.hasAttribute(mark);});}"
    "function scan(){"
    "queued=false;"
    "var w=window.CustomerSureSurveyWidget;"
    'if(!w||d.documentElement.hasAttribute("data-turbo-preview"))return;'
    "watch();"
    "fresh().forEach(function(c){"
    'c.setAttribute(mark,"");'
    "children.set(c,Array.prototype.slice.call(c.childNodes));"
    "CustomerSureSurveyWidget.init();});}"
    "function queue(){if(!queued){queued=true;Promise.resolve().then(scan);}}"
    "function added(records){"
    "for(var i=0;i<records.length;i++){"
    "var nodes=records[i].addedNodes;"
    "for(var j=0;j<nodes.length;j++){"
    "var n=nodes[j];"
    "if(n.nodeType===1&&(n.matches(sel)||n.querySelector(sel))){queue();return;}}}}"
    "function watch(){"
    "if(observer)return;"
    "observer=new MutationObserver(added);"
    "observer.observe(d.documentElement,{childList:true,subtree:true});}"
    "function unwatch(){if(observer){observer.disconnect();observer=null;}}"
    # Back as rendered, so a cached copy initialises afresh when restored.
    "function reset(){"
    "d.querySelectorAll(sel+'['+mark+']').forEach(function(c){"
    'if(c.closest("[data-turbo-permanent]"))return;'
    "var kept=children.get(c)||[];"
    "Array.prototype.slice.call(c.childNodes).forEach(function(n){"
    "if(kept.indexOf(n)<0)n.remove();});"
    "c.removeAttribute(mark);});}"
    'd.addEventListener("load",function(e){'
    "if(e.target instanceof HTMLScriptElement)scan();},true);"
    '["turbo:load","turbo:render","htmx:load","htmx:afterSettle"].forEach(function(t){'
    "d.addEventListener(t,scan);});"
    '["turbo:before-cache","htmx:beforeHistorySave"].forEach(function(t){'
    "d.addEventListener(t,reset);});"
    'window.addEventListener("pagehide",unwatch);'
    'window.addEventListener("pageshow",scan);'
    'if(d.readyState==="loading")d.addEventListener("DOMContentLoaded",scan);else scan();'
    "})();"
)

_WITHOUT_NONCE = element("script", [], LIFECYCLE_BODY)


def lifecycle_script(*, nonce: str | None = None) -> Markup:
    """The `<script>` that initialises each widget container once, also after
    Turbo and htmx swap pages and fragments in. Place it once, in `<head>`,
    and leave out `init_script()`.

    >>> lifecycle_script(nonce="r4nd0m")[:30]
    Markup('<script nonce="r4nd0m">(functi')
    """
    if nonce is None:
        return _WITHOUT_NONCE
    return element("script", [("nonce", checked_nonce(nonce))], LIFECYCLE_BODY)
