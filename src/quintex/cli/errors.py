"""The one exception the CLI shows as a message (never as a traceback)."""
from __future__ import annotations


class CliError(Exception):
    """What went wrong, in words for the operator; the command exits non-zero."""
