"""What every benchmark needs first: the apt packages, and a release build of salesctl."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def release_salesctl():
    """Installs missing packages, builds salesctl in release mode, and returns its path."""
    subprocess.run([os.path.join(ROOT, "scripts/ensure-dependencies")], check=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "salesctl"], check=True, cwd=ROOT, stdout=sys.stderr)
    bin_path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], check=True, capture_output=True,
                              text=True, cwd=ROOT).stdout.strip()
    return os.path.join(bin_path, "salesctl")
