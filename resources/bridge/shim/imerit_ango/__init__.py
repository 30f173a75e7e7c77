"""Ango Plugin Console's stand-in for the imerit-ango package.

The console's bridge puts it on sys.path only when the real package is not installed, so plugin
scripts written for the SDK import unchanged. Inside the console the console is the runtime:
ModelPlugin(...) only records its callback and run(...) returns at once.
"""

__ango_console_shim__ = True
__version__ = "0+ango-console-shim"
