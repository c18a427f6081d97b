"""mailbot: runs a law firm's complaints inbox by email."""

__version__ = "0.1.0"
