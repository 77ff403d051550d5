# Sourced by scripts/serve and scripts/test: installs what Logbook needs, once.
# Python packages go into .venv, front-end packages into node_modules; both are
# reinstalled only when a lock file (requirements/*.txt, package-lock.json) changes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-python3}
EXTRAS=${LOGBOOK_EXTRAS:-}

if [ ! -x .venv/bin/python ]; then
  echo "Creating a Python virtual environment in .venv ..."
  "$PYTHON" -m venv .venv
fi
# Exactly the packages in the lock file, each checked against its hash, so a package
# swapped on the index (or on the way) fails the install instead of running. The lock
# also pins the build backend, so Logbook itself is installed without fetching anything.
lock="requirements/${EXTRAS:-runtime}.txt"
stamp=".venv/.installed-$(cat pyproject.toml "$lock" | sha256sum | cut -c1-16)${EXTRAS:+-$EXTRAS}"
if [ ! -f "$stamp" ]; then
  echo "Installing Python packages from $lock ..."
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r "$lock"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps \
    --no-build-isolation -e .
  touch "$stamp"
fi

lockstamp="node_modules/.installed-$(cat package-lock.json | sha256sum | cut -c1-16)"
if [ ! -f "$lockstamp" ]; then
  echo "Installing front-end packages ..."
  npm ci --no-audit --no-fund --loglevel=error
  touch "$lockstamp"
fi
npm run --silent build

if compgen -G "app/translations/*/LC_MESSAGES/messages.po" > /dev/null; then
  # The catalogues compiled for the site (the .mo files are not kept in git).
  .venv/bin/pybabel compile -d app/translations > /dev/null
fi

export PATH="$PWD/.venv/bin:$PATH"
export FLASK_APP=wsgi
