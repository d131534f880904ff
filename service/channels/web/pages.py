"""The page templates, with the one filter their KB text needs: inline code as ``<code>``.

KB text marks code the way Markdown does (```spark.driver.memory```); the widget renders it
the same way (its ``md``), so a cause reads alike on a page, in the widget and in Slack.
"""

from __future__ import annotations

import re

from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from service.channels.web import TEMPLATES_DIR

_CODE = re.compile(r"`([^`\n]+)`")


def inline_markdown(text: object) -> Markup:
    """``text`` escaped, with each `code span` shown as ``<code>``."""
    escaped = str(escape("" if text is None else str(text)))
    return Markup(_CODE.sub(lambda m: f"<code>{m.group(1)}</code>", escaped))


def page_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=TEMPLATES_DIR)
    templates.env.filters["md"] = inline_markdown
    return templates
