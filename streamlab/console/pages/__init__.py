"""The console's pages, in navigation order. Adding one (the lab checks, next) is three small steps:

1. `pages/<id>.py` with its API routes and `PAGE = Page("<id>", "<Title>", "<one line>", router)`;
2. `static/pages/<id>.js`, which registers the page's view (`SL.page({id: "<id>", ...})`);
3. its PAGE in the list below. The navigation, the script tag and the routes follow from it.
"""

from __future__ import annotations

from . import checks, connectors, groups, opensearch, overview, s3, topics
from .base import Page, PageContext

PAGES: tuple[Page, ...] = (overview.PAGE, topics.PAGE, groups.PAGE, connectors.PAGE, s3.PAGE, opensearch.PAGE, checks.PAGE)

__all__ = ["PAGES", "Page", "PageContext"]
