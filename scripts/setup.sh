# Sourced by scripts/serve and scripts/test: installs what Logbook needs, once.
# Python packages go into .venv, front-end packages into node_modules; both are
# reinstalled only when pyproject.toml or package-lock.json change.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-python3}
EXTRAS=${LOGBOOK_EXTRAS:-}

if [ ! -x .venv/bin/python ]; then
  echo "Creating a Python virtual environment in .venv ..."
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)${EXTRAS:+-$EXTRAS}"
if [ ! -f "$stamp" ]; then
  echo "Installing Python packages ..."
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${EXTRAS:+[$EXTRAS]}"
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
  .venv/bin/pybabel compile --quiet -d app/translations
fi

export PATH="$PWD/.venv/bin:$PATH"
export FLASK_APP=wsgi
