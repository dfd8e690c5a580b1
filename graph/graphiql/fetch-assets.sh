#!/usr/bin/env bash
# Reproduces graph/graphiql/assets/ from the npm registry: the pinned GraphiQL,
# React and ReactDOM browser builds that the binary embeds, so GraphiQL works
# on machines without internet. Each tarball must match the sha512 recorded
# here (the registry's dist.integrity), or nothing is written.
#
# Bumping a version: change it here, put the new dist.integrity
# (`npm view PKG@VERSION dist.integrity`) next to it, run this script, and
# update the file names in graphiql.go.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
dest="$here/assets"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

sri512() {
	printf 'sha512-%s' "$(openssl dgst -sha512 -binary "$1" | base64 -w0)"
}

# fetch NAME VERSION SHA512 [PATH-IN-TARBALL FILE-IN-ASSETS]...
# Everything lands in $work/out first, so a failed run leaves the committed
# assets as they were.
fetch() {
	local name=$1 version=$2 want=$3
	shift 3
	local tgz="$work/$name-$version.tgz"
	(cd "$work" && npm pack --silent "$name@$version" >/dev/null)
	local got
	got="$(sri512 "$tgz")"
	if [[ "$got" != "$want" ]]; then
		echo "fetch-assets: $name@$version: integrity $got, want $want" >&2
		exit 1
	fi
	mkdir -p "$work/$name" "$work/out"
	tar -xzf "$tgz" -C "$work/$name"
	while (($#)); do
		install -m 0644 "$work/$name/package/$1" "$work/out/$2"
		shift 2
	done
}

fetch graphiql 4.1.2 \
	sha512-rNlzQIAzm6i2KBXmVQWBgLvt0TloxFVB2d18bukvdsvjEuFDHsKx5IVOomL1W1o5WW+tE54+ioHb2AEKzO2cUg== \
	graphiql.min.js graphiql-4.1.2.min.js \
	graphiql.min.css graphiql-4.1.2.min.css \
	LICENSE graphiql-4.1.2.LICENSE.txt
fetch react 18.2.0 \
	sha512-/3IjMdb2L9QbBdWiW5e3P2/npwMBaU9mHCSCUzNln0ZCYbcfTsGbTJrU/kGemdH2IWmB2ioZ+zkxtmq6g09fGQ== \
	umd/react.production.min.js react-18.2.0.production.min.js \
	LICENSE react-18.2.0.LICENSE.txt
fetch react-dom 18.2.0 \
	sha512-6IMTriUmvsjHUjNtEDudZfuDQUoWXVxKHhlEGSk81n4YFS+r/Kl99wXiwlVXtPBtJenozv2P+hxDsw9eA7Xo6g== \
	umd/react-dom.production.min.js react-dom-18.2.0.production.min.js \
	LICENSE react-dom-18.2.0.LICENSE.txt

mkdir -p "$dest"
rm -f "$dest"/*.js "$dest"/*.css "$dest"/*.txt
cp "$work"/out/* "$dest"/
echo "fetch-assets: wrote $(ls "$work/out" | wc -l) files to $dest"
