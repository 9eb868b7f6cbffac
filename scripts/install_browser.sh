#!/usr/bin/env bash
# Debian's Chromium for the browser tests (Playwright drives it; no browser download), and axe-core.
set -euo pipefail
# Deque's axe-core (pinned npm package) for the accessibility audits.
bash "$(dirname "$0")/install_axe.sh"
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then exit 0; fi
echo "install_browser: installing Debian's chromium"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu-core > /dev/null
