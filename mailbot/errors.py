"""One small error hierarchy, so callers can catch by meaning rather than by library.

Each error also subclasses the closest builtin so generic handlers keep working.
"""

from __future__ import annotations


class MailbotError(Exception):
    """Base of every error mailbot raises on purpose; `fix` says what a person should do."""

    fix: str = ""


class ConfigError(MailbotError, ValueError):
    """The configuration is wrong; the message names the key and the fix."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class SecretMissing(ConfigError):
    """A secret named in the config (an environment variable or a file) is not available."""

    def __init__(self, key: str, how: str) -> None:
        super().__init__([f"{key}: {how}"])


class MalformedMessage(MailbotError, ValueError):
    """Raw bytes that cannot be read as an email; the message is quarantined, never dropped."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class TransitionRefused(MailbotError, ValueError):
    """A case state change that the complaints procedure does not allow."""


class DeliveryFailed(MailbotError, OSError):
    """Sending failed. `permanent` decides between retry with backoff and alerting a person.

    `connection` marks a failure of the relay itself (unreachable, TLS, no answer) rather than
    of this one letter: the rest of the queue would fail the same way, so sending pauses.
    """

    def __init__(self, reason: str, *, permanent: bool, code: int | None = None, fix: str = "",
                 connection: bool = False) -> None:
        self.reason = reason
        self.permanent = permanent
        self.code = code
        self.fix = fix
        self.connection = connection
        super().__init__(reason)


class ModelMismatch(MailbotError, RuntimeError):
    """The saved classifier was built with another library version; retrain it."""
