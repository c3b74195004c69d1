"""xueji — 学籍管理: the registrar's toolkit for student-status records."""

__version__ = "0.1.0"
