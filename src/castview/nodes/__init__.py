"""Names for the stable node IDs that name tsrecorder folders (`nXm3Lz8CNTRL` → `api-gw-2`).

Sources, first match wins: the `[nodes]` table of config.toml, the local `tailscale status
--json`, the Tailscale API. The lookups' results are cached in the cache dir with a TTL;
nothing here imports the UI, and nothing here is required: without any source, IDs stay IDs.
"""

from .model import NodeName, NodeNames, display_name
from .resolve import NameSettings, Resolution, cached_names, needs_refresh, refresh

__all__ = ["NameSettings", "NodeName", "NodeNames", "Resolution", "cached_names", "display_name",
           "needs_refresh", "refresh"]
