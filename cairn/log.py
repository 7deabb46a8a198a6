"""Where unexpected errors go: ``cairn.log`` in the user's state directory (platformdirs; on
Linux ``~/.local/state/cairn/``), rotated at 1 MB with three old files kept.

The screen and the terminal get one line that names the file; the file gets the traceback.
``--debug`` also logs at debug level. The file is opened, and ``logging.handlers`` imported, on
the first record only: a session without errors never touches it and starts no slower.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

LOGGER = "cairn"
FILE_NAME = "cairn.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d %(threadName)s] %(message)s"


def log_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_state_dir("cairn", appauthor=False)) / FILE_NAME


class _OnFirstRecord(logging.Handler):
    """Builds the rotating file handler when the first record arrives, then hands every record
    to it. A log file that cannot be written never becomes an error of its own."""

    def __init__(self, path: Path) -> None:
        super().__init__(logging.DEBUG)
        self.path = path
        self._file: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._file is None:
                from logging.handlers import RotatingFileHandler

                self.path.parent.mkdir(parents=True, exist_ok=True)
                handler = RotatingFileHandler(self.path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                              encoding="utf-8")
                handler.setFormatter(logging.Formatter(FORMAT))
                with contextlib.suppress(OSError):
                    os.chmod(self.path, 0o600)  # tracebacks may quote contract titles
                self._file = handler
            self._file.emit(record)
        except Exception:  # noqa: BLE001 - a full disk must not turn one error into two
            pass

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


def setup(debug: bool = False, path: Path | None = None) -> Path:
    """Send the ``cairn`` logger to the log file; returns the file's path. Called once at start
    (again only by tests, which point it elsewhere)."""
    logger = logging.getLogger(LOGGER)
    for handler in list(logger.handlers):
        if isinstance(handler, _OnFirstRecord):
            logger.removeHandler(handler)
            handler.close()
    path = path or log_path()
    logger.addHandler(_OnFirstRecord(path))
    logger.setLevel(logging.DEBUG if debug else logging.INFO)
    logger.propagate = False  # never to stderr: the terminal gets one line, the file the details
    if debug:
        logger.debug("cairn started with --debug; logging to %s", path)
    return path


def current_path() -> Path:
    """The file records go to: the one set up, else where ``setup`` would put it."""
    for handler in logging.getLogger(LOGGER).handlers:
        if isinstance(handler, _OnFirstRecord):
            return handler.path
    return log_path()
