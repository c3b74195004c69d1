"""Where the data lives: the directory (xueji.toml and its settings), the database and its
sessions, migrations, and everything SQLite-specific. The one place that knows which
database it is. Imports only values."""
