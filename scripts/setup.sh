#!/usr/bin/env bash
# Install everything azs-assistant needs on a fresh Debian machine: system packages (apt-get),
# a virtual environment at .venv with the pinned Python dependencies, and the project itself.
# Safe to re-run: each step checks first and does nothing when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages, one per line; later features add theirs here (tesseract, chromium).
APT_PACKAGES=(
  fonts-dejavu-core      # Cyrillic font for generated PDFs (demo knowledge base, tests)
  tesseract-ocr          # OCR engine for photos and scans
  tesseract-ocr-rus      # Russian
  tesseract-ocr-kaz      # Kazakh
  tesseract-ocr-eng      # English
  tesseract-ocr-script-cyrl  # the whole Cyrillic script: a second reading of each page (Kazakh letters, «ё», numbers)
  chromium               # headless browser for the end-to-end web UI tests (driven by Playwright)
  redis-server           # answer cache shared by workers (optional at run time; its tests need it)
  rabbitmq-server        # broker for background jobs with AZS_BROKER_URL (optional: else jobs run in process; its tests need it)
  prometheus             # promtool: the alert rules in deploy/prometheus are checked and unit-tested with it
  docker-compose         # validates compose.yaml (docker-compose config); no container runs here
  nodejs                 # runs npm for the browser tests' locked tools (axe-core); nothing at run time
)

# AZS_SETUP_EXTRAS=train: more Cyrillic fonts for the OCR line model's synthetic training lines
[[ ",${AZS_SETUP_EXTRAS:-}," == *",train,"* ]] && APT_PACKAGES+=(fonts-freefont-ttf fonts-paratype fonts-cmu fonts-liberation)

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $("$PYTHON" --version)"
  "$PYTHON" -m venv .venv
fi

# AZS_SETUP_EXTRAS=train adds the LoRA training stack (torch CPU build, transformers, peft, trl);
# `make test` asks for it because the training test runs on CPU.
EXTRAS="${AZS_SETUP_EXTRAS:-}"
locks=(requirements.lock)
[[ ",$EXTRAS," == *",train,"* ]] && locks+=(requirements-train.lock)
stamp=".venv/.setup-stamp"
want="$(cat "${locks[@]}" pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing Python dependencies (pinned in requirements.lock)"
  pip_install() {  # pip, minus the notices about index folders this machine's pip.conf lists but lacks
    .venv/bin/python -m pip install -q --disable-pip-version-check "$@" 2>&1 | { grep -v "^WARNING: Location" || true; }
  }
  for lock in "${locks[@]}"; do pip_install -r "$lock"; done
  pip_install --no-deps -e .
  echo "$want" > "$stamp"
fi
# Browser-side test tools locked in package-lock.json (axe-core, injected into the pages by tests/web);
# `npm ci` installs exactly the lock, runs no install scripts and is skipped while the lock is unchanged.
if [ -f package-lock.json ]; then
  command -v npm >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm
  npm_want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [ ! -f node_modules/.setup-stamp ] || [ "$(cat node_modules/.setup-stamp)" != "$npm_want" ]; then
    echo "setup: installing the browser tests' tools (npm ci, locked in package-lock.json)"
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    echo "$npm_want" > node_modules/.setup-stamp
  fi
fi
echo "setup: ready ($(.venv/bin/azs --help >/dev/null && echo 'azs installed'))"
