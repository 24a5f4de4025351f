"""Environment for the test run, set before Django reads its settings.

Tests run with production settings (DEBUG off). TEST_DATABASE_URL and TEST_CACHE_URL point the
whole suite at a real PostgreSQL and Redis; without them it uses SQLite and local memory.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-used-anywhere-else-0123456789abcdef")
os.environ["DEBUG"] = "false"
if os.environ.get("TEST_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["TEST_DATABASE_URL"]
else:
    os.environ.pop("DATABASE_URL", None)
if os.environ.get("TEST_CACHE_URL"):
    # Each xdist worker (gw0, gw1, ...) has a Redis database of its own, counting down from the
    # one asked for, as pytest-django gives each its own test database: a test clears the cache.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker.startswith("gw"):
        base, _, number = os.environ["TEST_CACHE_URL"].rpartition("/")
        if not number.isdigit() or int(worker[2:]) > int(number):
            raise RuntimeError(
                f"TEST_CACHE_URL must end in a database number of at least {worker[2:]} "
                f"(one a worker, counting down): {os.environ['TEST_CACHE_URL']}"
            )
        os.environ["TEST_CACHE_URL"] = f"{base}/{int(number) - int(worker[2:])}"
    os.environ["CACHE_URL"] = os.environ["TEST_CACHE_URL"]
else:
    os.environ.pop("CACHE_URL", None)
# No env file reaches the tests (a developer's .env with a DATABASE_URL would otherwise point
# them at that database), nor the servers and commands they start, which inherit this.
os.environ["ENV_FILE"] = ""
