from imerit_ango.plugins import PluginLogger  # noqa: F401
