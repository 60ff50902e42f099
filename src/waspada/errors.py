"""Waspada's one exception hierarchy.

    WaspadaError                 base of everything Waspada raises on purpose
    ├── AssessError              assess() cannot take this input (the one error assess() raises)
    │   ├── InvalidTextError     not a str (the text, or the lang or country argument)
    │   └── TextTooLongError     longer than MAX_TEXT_CHARS
    ├── ConfigError              a data file (indicator, recogniser, rate table, model) is invalid;
    │                            raised when it loads, naming the file and the field
    ├── ModelError               the model file is missing, corrupt or of another format version
    └── InputRecordError         one input record cannot be read (batch scan quarantines it)
"""

from __future__ import annotations


class WaspadaError(Exception):
    """Base class of every error Waspada raises on purpose."""


class AssessError(WaspadaError):
    """assess() cannot take this input. The message says why."""


class InvalidTextError(AssessError, TypeError):
    """The text (or the ``lang`` or ``country`` argument, when given) is not a str."""


class TextTooLongError(AssessError, ValueError):
    """The text is longer than waspada.MAX_TEXT_CHARS."""


class ConfigError(WaspadaError, ValueError):
    """A bundled or user-supplied data file is invalid (named in the message)."""


class ModelError(WaspadaError):
    """The model file is missing, corrupt, or written by an incompatible version."""


class InputRecordError(WaspadaError, ValueError):
    """One input record cannot be read; the batch quarantines it and goes on."""
