#!/usr/bin/env python3
"""Send Faker web-log events to Kafka (seed 001): `python producers/web_log_producer.py --count 1000`.

Options: --rate N (events/s, 0 = full speed), --count N, --topic, --bootstrap-servers; --help for all.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing

from streamlab.scripting.bootstrap import ensure_lab_python  # noqa: E402

ensure_lab_python()

from streamlab.scripting.run import run_main  # noqa: E402
from streamlab.scripting.weblog_producer import main  # noqa: E402

if __name__ == "__main__":
    run_main(main)
