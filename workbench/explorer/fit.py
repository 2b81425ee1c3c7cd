"""A hidden widget that makes plotly's chart fill its box when it first appears.

plotly's ``FigureWidget`` with ``autosize`` and the responsive config follows its
container only when the *window* is resized: a chart drawn into a box wider than its
default 700 px stayed 700 px wide until then (measured at 1280 x 800: a 856 px box,
a 700 px plot). :class:`FitWidth` sits beside the figure in the chart's box
(``.wb-chart``); when a new plot appears there, or the box changes width, it sends the
window a ``resize`` event, the one plotly listens to. It draws nothing and loads
nothing from the network (anywidget ships its front end with the package).
"""

from __future__ import annotations

import anywidget

__all__ = ["FitWidth"]

_ESM = """
export default {
  render({ el }) {
    el.style.display = "none";
    let box = null, pending = false;
    const seen = new WeakSet();
    const nudge = () => {  // one resize event per frame at most
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        window.dispatchEvent(new Event("resize"));
      });
    };
    // a drawing (plotly's .svg-container, sized in px) narrower or wider than its plot
    // div (100% of the box): resize; plotly then fits it, the sizes agree, no more events
    const check = () => {
      for (const drawing of box.querySelectorAll(".js-plotly-plot .svg-container")) {
        const plot = drawing.closest(".js-plotly-plot");
        const w = drawing.getBoundingClientRect().width;
        if (w > 0 && Math.abs(w - plot.clientWidth) > 2) {
          nudge();
          return;
        }
      }
    };
    const sizes = new ResizeObserver(check);
    const watch = () => {  // every drawing in the box (a new plot per redraw)
      for (const drawing of box.querySelectorAll(".js-plotly-plot .svg-container")) {
        if (!seen.has(drawing)) { seen.add(drawing); sizes.observe(drawing); }
      }
    };
    const added = new MutationObserver(watch);
    const attach = () => {
      box = el.closest(".wb-chart");
      if (!box) { requestAnimationFrame(attach); return; }
      sizes.observe(box);
      added.observe(box, { childList: true, subtree: true });
      watch();
    };
    attach();
    return () => { sizes.disconnect(); added.disconnect(); };
  },
};
"""


class FitWidth(anywidget.AnyWidget):
    """Place it in the chart's box (class ``wb-chart``) next to the plotly figure."""

    _esm = _ESM
