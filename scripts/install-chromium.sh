#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (test/browser.test.ts,
# test/package.test.ts), only when it is missing. .ci/run calls it before
# the tests. playwright-core drives this binary; no browser is downloaded.
# If it cannot be installed (not Debian, not root, no package mirror), it
# says why and exits 0: the browser tests then skip, printing that reason.
set -uo pipefail

if [ -x /usr/lib/chromium/chromium ] || [ -n "${UNLOADABLE_CHROMIUM:-}" ]; then
  echo "install-chromium: $( (/usr/lib/chromium/chromium --version || true) 2>/dev/null | head -1) already installed"
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "install-chromium: no apt-get here; install Chromium yourself and set UNLOADABLE_CHROMIUM to its binary" >&2
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-chromium: not root; run: sudo apt-get install -y chromium" >&2
  exit 0
fi
echo "install-chromium: installing Debian's chromium (about 15 s)"
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; then
  echo "install-chromium: apt-get could not install chromium; the browser tests will be skipped" >&2
  exit 0
fi
/usr/lib/chromium/chromium --version
