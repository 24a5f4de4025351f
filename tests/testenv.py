"""Environment for the test run, set before Django reads its settings.

Tests run with production settings (DEBUG off). TEST_DATABASE_URL points the whole suite at a real
PostgreSQL; without it the suite uses SQLite.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-used-anywhere-else-0123456789abcdef")
os.environ["DEBUG"] = "false"
if os.environ.get("TEST_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["TEST_DATABASE_URL"]
else:
    os.environ.pop("DATABASE_URL", None)
# No env file reaches the tests (a developer's .env with a DATABASE_URL would otherwise point
# them at that database), nor the servers and commands they start, which inherit this.
os.environ["ENV_FILE"] = ""
