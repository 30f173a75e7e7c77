#!/usr/bin/env bash
# Builds the Debian package with cpack and inspects it: the files it installs, its control
# fields (Depends computed by dpkg-shlibdeps), the icons' sizes, the installed program, the
# AppStream data, the systemd unit, and lintian (errors fail the test; warnings are printed).
# Usage: check-deb.sh BUILD_DIR SOURCE_DIR WORK_DIR
set -euo pipefail
build=$1
source=$2
work=$3

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
rm -rf "$work"
mkdir -p "$work"

# cpack builds the project first (its preinstall step), then packages.
if ! cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log" >&2
  fail "cpack failed"
fi
shopt -s nullglob
debs=("$work"/ango-console_*.deb)
((${#debs[@]} == 1)) || fail "expected one ango-console_*.deb in $work, found ${#debs[@]}"
deb=${debs[0]}
echo "package: $deb"

# --- Control fields ---
field() { dpkg-deb -f "$deb" "$1"; }
version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
[[ $(field Package) == ango-console ]] || fail "Package is '$(field Package)'"
[[ $(field Version) == "$version" ]] || fail "Version is '$(field Version)', the project's is '$version'"
[[ $(field Section) == devel ]] || fail "Section is '$(field Section)'"
[[ $(field Maintainer) =~ ^[^\<]+\ \<[^@\>]+@[^\>]+\>$ ]] || fail "Maintainer '$(field Maintainer)' is not 'Name <email>'"
[[ -n $(field Description) ]] || fail "no Description"
depends=$(field Depends)
echo "Depends: $depends"
for package in libqt6core6 libqt6gui6 libqt6widgets6 libqt6network6 libqt6websockets6 python3; do
  grep -qE "(^|, )$package( |,|$)" <<<"$depends" || fail "Depends lacks $package"
done

# --- Files ---
contents=$(dpkg-deb -c "$deb")
paths=$(awk '{print $6}' <<<"$contents")
has() { grep -qxF "./$1" <<<"$paths" || fail "the package lacks /$1"; }
has usr/bin/ango-console
grep -qE '^-rwxr-xr-x root/root .* \./usr/bin/ango-console$' <<<"$contents" \
  || fail "/usr/bin/ango-console is not an executable owned by root"
has usr/share/applications/ango-console.desktop
metainfo_id=$(sed -n 's:.*<id>\([^<]*\)</id>.*:\1:p' "$source/packaging/linux/ango-console.metainfo.xml" | head -n1)
has "usr/share/metainfo/$metainfo_id.metainfo.xml"
has usr/share/icons/hicolor/scalable/apps/ango-console.svg
sizes=(16 22 24 32 48 64 128 256)
for size in "${sizes[@]}"; do
  has "usr/share/icons/hicolor/${size}x${size}/apps/ango-console.png"
done
has usr/share/man/man1/ango-console.1.gz
has usr/share/doc/ango-console/copyright
has usr/share/doc/ango-console/changelog.gz
has usr/share/doc/ango-console/examples/profile-env.json
has usr/lib/systemd/system/ango-console-runner.service
# The whole bridge, as the bridge engineer wrote it, without Python caches.
if [[ -d $source/resources/bridge ]]; then
  has usr/share/ango-console/bridge/ango_bridge.py
  while IFS= read -r file; do
    has "usr/share/ango-console/bridge/${file#./}"
  done < <(cd "$source/resources/bridge" && find . -type f ! -path '*/__pycache__/*' ! -name '*.pyc')
fi
! grep -qE '__pycache__|\.pyc$' <<<"$paths" || fail "Python caches in the package"
# Nothing else sneaks in (headers, static libraries, test programs).
unexpected=$(grep -vE '^\./$|^\./usr/$|^\./usr/bin/(ango-console)?$|^\./usr/share/|^\./usr/lib/$|^\./usr/lib/systemd/' <<<"$paths" || true)
[[ -z $unexpected ]] || fail "unexpected files: $unexpected"

# --- The installed files themselves ---
root=$work/root
dpkg-deb -x "$deb" "$root"
for size in "${sizes[@]}"; do
  png=$root/usr/share/icons/hicolor/${size}x${size}/apps/ango-console.png
  file -b "$png" | grep -q "^PNG image data, $size x $size," || fail "$png is $(file -b "$png")"
done
file -b "$root/usr/bin/ango-console" | grep -q ', stripped' || fail "ango-console is not stripped"
grep -qx 'Exec=ango-console' "$root/usr/share/applications/ango-console.desktop" || fail "desktop Exec"
grep -qx 'Icon=ango-console' "$root/usr/share/applications/ango-console.desktop" || fail "desktop Icon"
zcat "$root/usr/share/doc/ango-console/changelog.gz" | head -n1 | grep -qF "ango-console ($version)" \
  || fail "changelog.gz does not start with version $version"
# The packaged program runs, with the system's Qt and without a display.
QT_QPA_PLATFORM=offscreen "$root/usr/bin/ango-console" run --help >"$work/run-help.txt" \
  || fail "the packaged ango-console run --help failed"
grep -q -- '--plugin-id' "$work/run-help.txt" || fail "run --help printed no usage"

if command -v appstreamcli >/dev/null; then
  appstreamcli validate-tree --no-net "$root" || fail "appstreamcli validate-tree"
else
  echo "SKIP: appstreamcli not installed"
fi

# systemd-analyze verify needs the units the service refers to: a root made of the package and
# copies of the host's targets and slices. Any message (an unknown key, say) fails the test.
if command -v systemd-analyze >/dev/null && [[ -d /lib/systemd/system ]]; then
  cp /lib/systemd/system/*.target /lib/systemd/system/*.slice "$root/usr/lib/systemd/system/" 2>/dev/null || true
  dropin=$root/etc/systemd/system/ango-console-runner.service.d
  mkdir -p "$dropin"
  cp "$root/usr/share/doc/ango-console/examples/credentials.conf" "$dropin/"
  messages=$(systemd-analyze --root="$root" --man=no verify \
    "$root/usr/lib/systemd/system/ango-console-runner.service" 2>&1) || fail "systemd-analyze verify: $messages"
  [[ -z $messages ]] || fail "systemd-analyze verify: $messages"
else
  echo "SKIP: systemd-analyze not available"
fi

# --- The container recipe (no Dockerfile linter in Debian 12, no engine here): the essentials ---
dockerfile=$source/packaging/docker/Dockerfile
grep -qE '^FROM debian:12(-slim)?$' "$dockerfile" || fail "Dockerfile: not FROM debian:12"
grep -qE '^USER [1-9][0-9]*:[1-9][0-9]*$' "$dockerfile" || fail "Dockerfile: no numeric non-root USER"
grep -qF '"/usr/bin/ango-console", "run"' "$dockerfile" || fail "Dockerfile: the entry point is not ango-console run"
! grep -qiE '^(ENV|ARG).*(SECRET|TOKEN|PASSWORD|APIKEY)' "$dockerfile" || fail "Dockerfile: a secret in ENV or ARG"

# --- lintian ---
lintian_output=$(lintian --fail-on error --display-info --tag-display-limit 0 "$deb" 2>&1) \
  && lintian_status=0 || lintian_status=$?
echo "lintian:"
grep -v 'running with root privileges is not recommended' <<<"$lintian_output" | sed 's/^/  /' || true
((lintian_status == 0)) || fail "lintian reported errors (status $lintian_status)"
echo "PASS"
