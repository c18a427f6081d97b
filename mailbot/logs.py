"""Structured logging: `event key=value` lines, or JSON lines for log shippers.

Callers log an event name and facts (case reference, ids, counts), never complaint text or
client addresses at INFO: those go to DEBUG at most.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone
from typing import Any

_RESERVED = set(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in _RESERVED}


class KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        """One line per event, key=value, for a person reading journald or a log file."""
        at = datetime.fromtimestamp(record.created, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        fields = " ".join(f"{k}={v}" for k, v in _extras(record).items())
        line = f"{at} {record.levelname:<7} {record.name} {record.getMessage()}"
        if fields:
            line += " " + fields
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        """One JSON object per line, for a log collector."""
        body = {
            "at": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
            **_extras(record),
        }
        if record.exc_info:
            body["exc"] = self.formatException(record.exc_info)
        return json.dumps(body, default=str)


def setup_logging(level: str = "INFO", json_format: bool = False) -> None:
    """Log to stderr (systemd keeps it) in the configured format; libraries that log message
    contents or chatter are held at WARNING."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if json_format else KeyValueFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("imapclient", "aiosmtplib", "apscheduler", "alembic", "mail.log"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
