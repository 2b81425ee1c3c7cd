"""Disagreement explorer: where does a judge disagree with people, and why?"""

from .view import CAUSES, RESOLVE_RULES, Explorer, item_html, render_text

__all__ = ["CAUSES", "RESOLVE_RULES", "Explorer", "item_html", "render_text"]
