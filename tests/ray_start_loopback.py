"""`ray start` for the tests' clusters: keeps 127.0.0.1 as given.

On Linux `ray start` swaps a loopback `--node-ip-address` or `--address` for the machine's network
address ("a remotely reachable IP"), so a test cluster would talk over the machine's network
interface. Run as `python tests/ray_start_loopback.py start ...` (the arguments of `ray`), it keeps
every node on 127.0.0.1. Drivers (the tests, the app processes they start) get the same with
`RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0` (see tests/executor_backends.py).
"""

import sys

from ray._private import services

services.resolve_ip_for_localhost = lambda host: host  # as given: 127.0.0.1 stays 127.0.0.1

from ray.scripts.scripts import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
