"""``python -m gowright``: run the gowright executable with the given arguments."""

import subprocess
import sys

from . import find_gowright_bin

if __name__ == "__main__":
    sys.exit(subprocess.call([find_gowright_bin(), *sys.argv[1:]]))
