"""Run manage.py with the node's clock off by BMIS_TEST_CLOCK_OFFSET seconds (a test's wrong clock).

Debian has no libfaketime here: Django's clock (`django.utils.timezone.now`, which every model
default and service reads) is shifted before Django loads, which is what a node with a wrong
system clock would see. UUIDv7 keys keep the true time: they only need to be unique.
"""

import datetime
import os
import runpy
import sys
from pathlib import Path

import django.utils.timezone as timezone

offset = datetime.timedelta(seconds=float(os.environ.get("BMIS_TEST_CLOCK_OFFSET", "0")))
true_now = timezone.now
timezone.now = lambda: true_now() + offset

root = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(root))
sys.argv = [str(root / "manage.py"), *sys.argv[1:]]
runpy.run_path(str(root / "manage.py"), run_name="__main__")
