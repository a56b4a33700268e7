"""localize: split articles into gettext catalogs, draft, review and publish them."""

__version__ = "0.1.0"
