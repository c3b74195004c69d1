"""The `xueji` command: thin Typer modules, one per command group — parse, call, render.
The one place where errors become messages and exit codes."""
