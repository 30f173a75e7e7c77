from imerit_ango.plugins import *  # noqa: F401,F403
from imerit_ango.plugins import created, __ango_console_shim__  # noqa: F401
