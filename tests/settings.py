"""Settings for the test suite: the portal's own, with DEBUG turned on explicitly.

The portal defaults to DEBUG off (production); tests never run as production,
so they say so here rather than relying on a variable in the shell.
"""

import os

os.environ["DEBUG"] = "true"

from portal.settings import *  # noqa: E402, F403
