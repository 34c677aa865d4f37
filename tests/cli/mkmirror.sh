# Build a small Debian mirror and a host root for `vigie updates` tests.
# mkmirror WWW ROOT URL: WWW is served at URL; ROOT gets etc/apt,
# var/lib/apt/lists (as apt would have downloaded them), var/lib/dpkg/status.
# Sets HELLO_SHA (SHA-256 of the hello .deb).
mkmirror() {
	local www=$1 root=$2 url=$3 d pkgs host
	host=${url#http://}
	mkdir -p "$www/debian/dists/bookworm/main/binary-amd64" \
		"$www/debian-security/dists/bookworm-security/main/binary-amd64" \
		"$www/debian-security/pool/main/h/hello" "$www/debian/pool/main/w/world" \
		"$root/etc/apt/sources.list.d" "$root/var/lib/apt/lists" "$root/var/lib/dpkg"
	# hello 1.0-3 (security) with a changelog naming CVEs
	d=$(mktemp -d "$T/pkg.XXXXXX")
	mkdir -p "$d/DEBIAN" "$d/usr/share/doc/hello"
	printf 'Package: hello\nVersion: 1.0-3\nArchitecture: all\nMaintainer: Jane Doe <jane@example.org>\nDescription: greeting\n' >"$d/DEBIAN/control"
	gzip -9nc "$TESTDATA/updates/changelog.Debian" >"$d/usr/share/doc/hello/changelog.Debian.gz"
	dpkg-deb -Zxz --root-owner-group -b "$d" "$www/debian-security/pool/main/h/hello/hello_1.0-3_all.deb" >/dev/null
	# broken 1.0-2: a truncated .deb (its index checksum matches the bytes)
	cp "$www/debian-security/pool/main/h/hello/hello_1.0-3_all.deb" "$T/full.deb"
	head -c $(( $(stat -c%s "$T/full.deb") - 80 )) "$T/full.deb" >"$www/debian-security/pool/main/h/hello/broken_1.0-2_amd64.deb"
	# badsum 1.0-2: a good .deb whose index checksum is wrong
	cp "$T/full.deb" "$www/debian-security/pool/main/h/hello/badsum_1.0-2_amd64.deb"
	HELLO_SHA=$(sha256sum "$T/full.deb" | cut -c1-64)
	local broken_sha
	broken_sha=$(sha256sum "$www/debian-security/pool/main/h/hello/broken_1.0-2_amd64.deb" | cut -c1-64)
	pkgs="$www/debian-security/dists/bookworm-security/main/binary-amd64/Packages"
	{
		printf 'Package: hello\nVersion: 1.0-3\nArchitecture: all\nFilename: pool/main/h/hello/hello_1.0-3_all.deb\nSize: %s\nSHA256: %s\n\n' \
			"$(stat -c%s "$T/full.deb")" "$HELLO_SHA"
		printf 'Package: gir1.2-hello\nSource: hello\nVersion: 1.0-3\nArchitecture: amd64\nFilename: pool/main/h/hello/gir1.2-hello_1.0-3_amd64.deb\n\n'
		printf 'Package: broken\nVersion: 1.0-2\nArchitecture: amd64\nFilename: pool/main/h/hello/broken_1.0-2_amd64.deb\nSHA256: %s\n\n' "$broken_sha"
		printf 'Package: badsum\nVersion: 1.0-2\nArchitecture: amd64\nFilename: pool/main/h/hello/badsum_1.0-2_amd64.deb\nSHA256: %s\n' \
			"0000000000000000000000000000000000000000000000000000000000000000"
	} >"$pkgs"
	xz -k "$pkgs"
	printf 'Origin: Debian\nLabel: Debian-Security\nSuite: stable-security\nCodename: bookworm-security\n' \
		>"$www/debian-security/dists/bookworm-security/Release"
	pkgs="$www/debian/dists/bookworm/main/binary-amd64/Packages"
	printf 'Package: hello\nVersion: 1.0-2\nArchitecture: all\n\nPackage: world\nVersion: 2.1-1\nArchitecture: amd64\nFilename: pool/main/w/world/world_2.1-1_amd64.deb\n\nPackage: uptodate\nVersion: 5.0-1\nArchitecture: amd64\n' >"$pkgs"
	gzip -k "$pkgs"
	printf -- '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nOrigin: Debian\nLabel: Debian\nSuite: stable\nCodename: bookworm\n-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n' \
		>"$www/debian/dists/bookworm/InRelease"

	# the host: its sources (one-line and deb822) and what apt downloaded
	printf 'deb %s/debian bookworm main\n' "$url" >"$root/etc/apt/sources.list"
	printf 'Types: deb\nURIs: %s/debian-security\nSuites: bookworm-security\nComponents: main\n' "$url" \
		>"$root/etc/apt/sources.list.d/security.sources"
	local l="$root/var/lib/apt/lists/${host}_"
	cp "$www/debian/dists/bookworm/InRelease" "${l}debian_dists_bookworm_InRelease"
	cp "$www/debian/dists/bookworm/main/binary-amd64/Packages.gz" "${l}debian_dists_bookworm_main_binary-amd64_Packages.gz"
	cp "$www/debian-security/dists/bookworm-security/Release" "${l}debian-security_dists_bookworm-security_Release"
	cp "$www/debian-security/dists/bookworm-security/main/binary-amd64/Packages.xz" \
		"${l}debian-security_dists_bookworm-security_main_binary-amd64_Packages.xz"
	cp "$TESTDATA/updates/status" "$root/var/lib/dpkg/status"
	printf 'ID=debian\nVERSION_CODENAME=bookworm\n' >"$root/etc/os-release"
}
