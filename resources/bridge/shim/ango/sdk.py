from imerit_ango.sdk import *  # noqa: F401,F403
