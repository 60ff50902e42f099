"""Waspada's one exception hierarchy: every exception class the package defines is here.

    WaspadaError                 base of everything Waspada raises on purpose
    ├── AssessError              assess() cannot take this input (the one error assess() raises)
    │   ├── InvalidTextError     not a str (the text, or the lang or country argument)
    │   └── TextTooLongError     longer than MAX_TEXT_CHARS
    ├── ConfigError              a data file (indicator, recogniser, rate table, model recipe)
    │                            or a setting (LinkConfig, a recipe's threshold rule) is
    │                            invalid; raised when it loads, naming the file and the field
    ├── ModelError               the model file is missing, corrupt or of another format version
    ├── InputError               an input named for a scan does not exist or is not a file,
    │                            folder or "-" (nothing was done)
    ├── StoreError               the intel store cannot be opened, read or written, or has no
    │                            such document, campaign or network
    ├── ExchangeError            a partner's file cannot be read as a whole (too large, not
    │                            JSON, not a STIX 2.1 bundle or MISP event; named), or an
    │                            export cannot be written
    ├── ScanError                a scan cannot go on (a worker process died; committed
    │                            batches stay)
    ├── TransportError           an exchange with a partner's server failed (PSI or TAXII):
    │                            unreachable, refused (with the server's reason), another
    │                            protocol version, wrong credentials, or what was to be sent
    │                            is not a STIX bundle
    └── RequestError             the web service refuses a request (``waspada.api``): not
                                 signed in, not allowed, not found, too large, too many; it
                                 carries the HTTP status and a stable error code

    RecordTimeout(BaseException) internal to a scan: raised into assess() when one record used
                                 its CPU budget, caught around that record (it is quarantined);
                                 a BaseException so that no ``except Exception`` swallows it

ConfigError, and the AssessError subclasses, are also ValueError or TypeError, as they were
before they had a class of their own. Besides these classes the package raises only
``NotImplementedError`` (an abstract method), ``KeyboardInterrupt`` (re-raised to stop a scan),
``ValueError`` or ``IndexError`` for a caller's bug in an internal function (a span outside the
text, out-of-order edits), ``OSError`` or ``RuntimeError`` in the Spark job (a refused rename,
an internal bound), and ``typer.Exit`` in the CLI. ``tests/test_errors.py`` checks every
``raise`` in ``src/waspada`` against this list.
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
    """A bundled or user-supplied data file or setting is invalid (named in the message)."""


class ModelError(WaspadaError):
    """The model file is missing, corrupt, or written by an incompatible version."""


class InputError(WaspadaError):
    """An input named on the command line does not exist or is not a file, folder or "-"."""


class StoreError(WaspadaError):
    """The database cannot be opened, read or written, is of a newer schema than this release
    knows, or has no document or group with the id asked for."""


class ExchangeError(WaspadaError):
    """A partner's file cannot be read at all (too large, not JSON, neither a STIX 2.1 bundle
    nor a MISP event), or an export cannot be written; the message names the file. One bad
    object inside a readable file is not this error: it is listed, and the rest imported."""


class ScanError(WaspadaError):
    """The scan cannot go on (a worker process died); committed batches stay."""


class TransportError(WaspadaError):
    """An exchange with a partner's PSI or TAXII server failed; the message names the server
    (never a password) and gives its reason."""


class RequestError(WaspadaError):
    """The web service refuses a request; ``status`` is its HTTP status and ``code`` the stable
    error code of the JSON body (``{"error": {"code", "message"}}``, docs/web.md)."""

    def __init__(self, status: int, code: str, message: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


class RecordTimeout(BaseException):
    """Raised into ``assess()`` by a scan's per-record budget timer (a BaseException, so that
    no ``except Exception`` on the way swallows it); never leaves the scan."""
