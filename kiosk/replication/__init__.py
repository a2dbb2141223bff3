"""What makes every venue machine agree: node, fold, conflicts, peer sync.

The op log's domain side; the wire protocol itself is the top-level `sync` package.
"""

from kiosk.replication import copies, fold  # noqa: F401  (they register with the node, the fold)
