# Sourced by the scripts beside it: make a virtual environment ($VENV, default .venv)
# with ddbtool and the extras named in $1 installed, skipping pip when
# pyproject.toml has not changed since the last run.
set -euo pipefail
extras="$1"
venv="${VENV:-.venv}"
python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    echo "error: ddbtool needs Python 3.10 or newer as '$python' (set PYTHON=...)" >&2
    exit 1
fi
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
stamp="$venv/.ddbtool-$extras"
wanted="$(cat pyproject.toml)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    echo "installing ddbtool[$extras] into $venv ..." >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[$extras]"
    printf '%s' "$wanted" > "$stamp"
fi
