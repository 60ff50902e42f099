"""Linking: campaigns (near-duplicate templates) and networks (shared identifiers).

>>> from waspada.link import LinkDoc, link_documents
>>> result = link_documents(docs)            # first run
>>> result = link_documents(more, result.state)   # incremental run, ids stay stable
"""

from waspada.link.linker import LinkConfig, LinkResult, LinkState, link_documents
from waspada.link.types import Group, LinkDoc

__all__ = ["Group", "LinkConfig", "LinkDoc", "LinkResult", "LinkState", "link_documents"]
