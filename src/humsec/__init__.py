"""humsec: the human-security approach as an analysis toolkit.

Layers (imports only run downward):

* foundation: :mod:`humsec.framework`, :mod:`humsec.data`
* engines: :mod:`humsec.index`, :mod:`humsec.deprivation`, :mod:`humsec.shocks`
* interfaces: :mod:`humsec.cli`, :mod:`humsec.report`
"""

__version__ = "0.1.0"
