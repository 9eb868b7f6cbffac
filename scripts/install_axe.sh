#!/usr/bin/env bash
# Deque's axe-core for the accessibility audits of the browser tests (tests/support/axe.py):
# the npm package at a pinned version, its integrity checked, axe.min.js unpacked into
# var/cache/axe-core/<version>/. Nothing is installed globally; run again, it does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="4.10.2"
INTEGRITY="sha512-RE3mdQ7P3FRSe7eqCWoeQ/Z9QXrtniSjp1wUjt5nRC3WIpz5rSCve6o3fsZ2aCpJtrZjSZgjwXAoTO5k4tEI0w=="
DEST="var/cache/axe-core/$VERSION"
[ -s "$DEST/axe.min.js" ] && exit 0
command -v npm >/dev/null 2>&1 || { echo "install_axe: npm is needed (apt-get install -y npm)" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && npm pack "axe-core@$VERSION" --silent > name.txt )
tgz="$tmp/$(tail -n 1 "$tmp/name.txt")"
got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
[ "$got" = "$INTEGRITY" ] || { echo "install_axe: axe-core $VERSION does not match its pinned integrity" >&2; exit 1; }
tar -xzf "$tgz" -C "$tmp" package/axe.min.js package/LICENSE
mkdir -p "$DEST"
cp "$tmp/package/axe.min.js" "$tmp/package/LICENSE" "$DEST/"
echo "install_axe: axe-core $VERSION in $DEST"
