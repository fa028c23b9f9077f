"""Upstream msgids the portal translates itself (see each module)."""
