#!/usr/bin/env bash
# Installs the tools the build and its tests use, when they are missing and this is root on a machine with
# apt-get (a fresh Debian machine, CI). Anywhere else it changes nothing: each test that needs a missing tool
# is skipped with one loud line saying what to install. Run by Maven at the start of every build of the
# repository (see the root pom); -Dcapaz.provision=false turns it off.
#   provision.sh [tests-skipped: true|false] [provision: true|false]
set -u
skip_tests=${1:-false}
[ "${2:-true}" = false ] && exit 0
[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || exit 0

want=()
need() { command -v "$1" >/dev/null 2>&1 || want+=("$2"); }
need qemu-system-aarch64 qemu-system-arm            # booting the kernel (run command, QEMU tests)
if [ "$skip_tests" != true ]; then
  need llvm-mc llvm                                 # encoding sweeps, object files to link
  need llvm-readelf llvm
  need ld.lld-14 lld-14                             # the linker differential tests
  need dtc device-tree-compiler                     # device-tree test blobs
  need gdb-multiarch gdb-multiarch                  # gdb against QEMU's stub
  need clang-14 clang-14                            # C objects linked with DSL code
  need aarch64-linux-gnu-ld binutils-aarch64-linux-gnu  # GNU as and ld, to compare with
fi
[ ${#want[@]} -eq 0 ] && exit 0
mapfile -t want < <(printf '%s\n' "${want[@]}" | sort -u)
echo "provisioning: installing ${want[*]} (apt-get; -Dcapaz.provision=false to skip)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null \
  || echo "provisioning: apt-get failed; tests that need ${want[*]} will be skipped"
exit 0
