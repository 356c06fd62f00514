"""What every benchmark needs first: the apt packages, a release build of salesctl, and a
private PostgreSQL to run it against."""
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def release_salesctl():
    """Installs missing packages, builds salesctl in release mode, and returns its path."""
    subprocess.run([os.path.join(ROOT, "scripts/ensure-dependencies")], check=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "salesctl"], check=True, cwd=ROOT, stdout=sys.stderr)
    bin_path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], check=True, capture_output=True,
                              text=True, cwd=ROOT).stdout.strip()
    return os.path.join(bin_path, "salesctl")


@contextlib.contextmanager
def private_node(prefix):
    """A private one-node PostgreSQL (scripts/pg-cluster) in a fresh folder named with `prefix`.

    Yields its URL and the environment salesctl runs with against it; stops and removes it
    afterwards, also when the benchmark fails."""
    work = tempfile.mkdtemp(prefix=prefix)
    os.chmod(work, 0o755)  # the server runs as the postgres user
    cluster = os.path.join(work, "pg")
    try:
        url = subprocess.run([os.path.join(ROOT, "scripts/pg-cluster"), "start", cluster], check=True, capture_output=True,
                             text=True).stdout.strip()
        yield url, dict(os.environ, DATABASE_URL=url, SALESOPS_SQL_DIR=os.path.join(ROOT, "sql"))
    finally:
        subprocess.run([os.path.join(ROOT, "scripts/pg-cluster"), "stop", cluster], check=False, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
