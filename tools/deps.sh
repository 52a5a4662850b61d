#!/bin/sh
# Install the Debian 12 packages Offhook needs, only when something is missing.
# Usage: tools/deps.sh [--quiet]
set -e

PKGS="build-essential g++ make python3 clang libclang-rt-14-dev
googletest libgtest-dev
grub-pc-bin grub-common xorriso mtools dosfstools
qemu-system-x86 qemu-system-arm qemu-utils
gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib binutils-arm-none-eabi
iproute2 iputils-ping dnsmasq-base tshark sip-tester kamailio baresip sox
pulseaudio libasound2-plugins
libspandsp-dev libosip2-dev libsofia-sip-ua-dev gdb
python3-matplotlib python3-pil chromium"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends $missing
