#!/usr/bin/env bash
# Installs the Debian packages the test suite runs for real (Prometheus, Alertmanager, Chromium).
# Called by `npm test` (test/setup/provision-global-setup.ts) with the packages whose programs are
# missing; usable by hand too:
#
#   scripts/test/provision.sh [--dry-run] PACKAGE...
#
# As root with apt-get: installs what is not installed yet, saying so, without starting the
# packaged services (a Debian Prometheus on :9090 or Alertmanager on :9093 would take the ports
# the tests start their own instances on). Otherwise: one line naming the command to run, exit 3.
# --dry-run prints the apt-get commands instead of running them.
# Exit: 0 all installed, 1 apt-get failed, 3 cannot install here (not root, or no apt-get).
set -euo pipefail

DRY_RUN=0
if [[ "${1:-}" == --dry-run ]]; then DRY_RUN=1; shift; fi
(($#)) || exit 0

say() { printf '[provision] %s\n' "$*" >&2; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
for p in "$@"; do installed "$p" || missing+=("$p"); done
if ((${#missing[@]} == 0)); then
  say "already installed: $*"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  say "missing: ${missing[*]}; no apt-get here: install them with your package manager (their tests are skipped until then)"
  exit 3
fi
if [[ $EUID -ne 0 && $DRY_RUN -eq 0 ]]; then
  say "missing: ${missing[*]}; run: sudo apt-get install -y --no-install-recommends ${missing[*]} (their tests are skipped until then)"
  exit 3
fi

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-y -q -o Dpkg::Use-Pty=0 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold --no-install-recommends)
say "installing with apt-get: ${missing[*]} (the tests run them for real)"
if ((DRY_RUN)); then
  say "dry run: would run: apt-get update -qq && apt-get install ${apt_opts[*]} ${missing[*]} (services kept from starting)"
  exit 0
fi

policy=/usr/sbin/policy-rc.d
log="$(mktemp)"
created_policy=0
cleanup() {
  if ((created_policy)); then rm -f "$policy"; fi
  rm -f "$log"
}
trap cleanup EXIT
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && created_policy=1
fi

t0=$(date +%s)
apt-get update -qq >"$log" 2>&1 || { sleep 5; apt-get update -qq >>"$log" 2>&1; } || { tail -n 20 "$log" >&2; say "apt-get update failed"; exit 1; }
if ! apt-get install "${apt_opts[@]}" "${missing[@]}" >>"$log" 2>&1; then
  tail -n 30 "$log" >&2
  say "could not install ${missing[*]} (apt-get install failed; its last lines are above)"
  exit 1
fi
# A service started anyway (policy-rc.d not honoured, e.g. under systemd) is stopped again.
if command -v service >/dev/null 2>&1; then
  for p in "${missing[@]}"; do service "$p" stop >/dev/null 2>&1 || true; done
fi
for p in "${missing[@]}"; do installed "$p" || { say "$p is still not installed"; exit 1; }; done
say "installed ${missing[*]} in $(($(date +%s) - t0)) s"
