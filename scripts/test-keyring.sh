#!/bin/sh
# Runs the connections tests against a real OS keyring: a private D-Bus session with a fresh,
# unlocked gnome-keyring Secret Service. Installs nothing; needs (Debian/Ubuntu):
#   apt-get install -y gnome-keyring dbus-x11
# Extra arguments go to `go test` (e.g. -count=1 -run Keyring -v).
#
# The keyring lives in a temporary XDG_DATA_HOME/XDG_RUNTIME_DIR, so your own login keyring
# and any running keyring daemon are never touched. gnome-keyring only creates the login
# collection for a non-empty password, so a throwaway one is used ("echo -n ''" leaves the
# default collection missing and every keyring call fails).
set -eu
cd "$(dirname "$0")/.."
for bin in dbus-run-session gnome-keyring-daemon go; do
	command -v "$bin" >/dev/null 2>&1 || {
		echo "test-keyring: $bin not found; install it with: apt-get install -y gnome-keyring dbus-x11" >&2
		exit 1
	}
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -m 700 "$tmp/data" "$tmp/run"
XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/run" dbus-run-session -- sh -c '
	printf %s sfmcp-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
	SFMCP_KEYRING_TEST=1 go test -race "$@" ./connections/...
' sh "$@"
