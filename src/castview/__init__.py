"""castview: browse, replay, search and export SSH session recordings."""
__version__ = "0.1.0"
