"""Shim of the older `ango` package (v2 line): the same stand-ins as imerit_ango."""

__ango_console_shim__ = True
