"""The `cswidget` command line, one module per command.

`main` is the entry point; `snippet`, `batch` and `lint` are the commands,
`options` the widget flags they share, `settings` the `cswidget.toml` file,
`errors` and `output` how they report. Everything here imports the core;
the core never imports this package.
"""

from __future__ import annotations

from .main import main as main

__all__ = ["main"]
