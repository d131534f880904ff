"""The web channel's assets: the embeddable widget, the page templates, the tree drawings."""

from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
