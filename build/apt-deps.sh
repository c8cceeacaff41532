#!/bin/sh
# apt-deps.sh [-w | -n] PACKAGE... - make sure Debian packages are installed.
#
# Each PACKAGE that dpkg-query does not report "install ok installed" is
# missing. As root, the missing ones are installed with apt-get (no
# recommends, no daemon started: a policy-rc.d refuses every start while
# apt-get runs; postfix, if asked for, is preseeded as "Local only"), and
# checked again. As another user, or with -n, nothing is installed: one
# line on standard error names the apt-get command that would install
# them, and the status is 1; with -w that line is a warning and the
# status 0. Without dpkg-query (not Debian) it says so and succeeds: the
# build will tell what it lacks.
#
# make demo and make bench run it as root or not; make deps-apt with -w
# (a user's make check then runs what it can); the build, after a failed
# go build, with -n to say which package is missing.
#
# POLICY_RC_D names the policy-rc.d file (default /usr/sbin/policy-rc.d):
# the tests point it elsewhere.
set -u

mode=install
case ${1:-} in
-w) mode=warn; shift ;;
-n) mode=check; shift ;;
esac
POLICY_RC_D=${POLICY_RC_D:-/usr/sbin/policy-rc.d}

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "apt-deps: no dpkg-query (not Debian): not checking for $*" >&2
    exit 0
fi

missing() {
    m=""
    for p in "$@"; do
        case " $m " in *" $p "*) continue ;; esac
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || m="$m $p"
    done
    echo "${m# }"
}

need=$(missing "$@")
[ -z "$need" ] && exit 0

if [ "$mode" != install ] || [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "missing Debian packages: $need; install them as root with: apt-get install $need" >&2
    [ "$mode" = warn ] && exit 0
    exit 1
fi

echo "apt-deps: installing $need"
policy=""
if [ ! -e "$POLICY_RC_D" ]; then
    printf '#!/bin/sh\n# postern build/apt-deps.sh: start no daemons\nexit 101\n' >"$POLICY_RC_D" &&
        chmod 755 "$POLICY_RC_D" && policy=1
fi
case " $need " in
*" postfix "*)
    printf 'postfix postfix/main_mailer_type select Local only\npostfix postfix/mailname string localhost\n' |
        debconf-set-selections ;;
esac
# Wait (up to 10 minutes) for another apt or dpkg run to let go of the lock.
apt-get -o DPkg::Lock::Timeout=600 update -q &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends $need
status=$?
[ -n "$policy" ] && rm -f "$POLICY_RC_D"
if [ $status != 0 ]; then
    echo "apt-deps: apt-get install $need failed (status $status)" >&2
    exit $status
fi
# SpamAssassin's postinst imports sa-update's keys with gpg, which leaves
# a gpg-agent running for that key ring: stop that one (through gpgconf,
# by its home), so that an install leaves no daemon behind.
case " $need " in
*" spamassassin "*)
    keys=/var/lib/spamassassin/sa-update-keys
    if [ -d "$keys" ] && command -v gpgconf >/dev/null 2>&1; then
        gpgconf --homedir "$keys" --kill gpg-agent 2>/dev/null || true
    fi ;;
esac
still=$(missing $need)
if [ -n "$still" ]; then
    echo "apt-deps: still missing after apt-get install: $still" >&2
    exit 1
fi
exit 0
