"""Commands typed at shell prompts, inferred from a replay's screen (issue 14).

Pure: no Textual, no IO beyond a file-like object and the cache directory.
"""

from .infer import CommandWatch, ScanCancelled, scan_commands
from .model import Command
from .store import CommandStore, commands_of

__all__ = ["Command", "CommandStore", "CommandWatch", "ScanCancelled", "commands_of", "scan_commands"]
