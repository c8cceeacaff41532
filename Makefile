# postern - a setuid CGI webmail for Maildir.
#
#   make            build ./postern and ./postern-login
#   make demo       run a demo on 127.0.0.1 (no root needed); MAILDIR=path serves that Maildir,
#                   PORT=n listens on port n (default 8025, or a free one when it is in use)
#   make check      install what the tests need, then run every test
#   make install    install (PREFIX, DESTDIR, CGIBINDIR, SYSCONFDIR; SETUID=no for the virtual-user mode)
#   make uninstall  remove what install put there (the configuration only if unchanged)
#   make deb        build the Debian package into DEBOUT (dpkg-buildpackage -us -uc -b)

VERSION    ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.1.0-dev)
PREFIX     ?= /usr/local
SYSCONFDIR ?= /etc
CGIBINDIR  ?= /usr/lib/cgi-bin
MANDIR     ?= $(PREFIX)/share/man
LIBEXECDIR ?= $(PREFIX)/libexec/postern
DATADIR    ?= $(PREFIX)/share/postern
SETUID     ?= yes
DESTDIR    ?=

GO         ?= go
CONFIG     := $(SYSCONFDIR)/postern/postern.conf
LDFLAGS    := -X postern/config.Path=$(CONFIG) -X main.version=$(VERSION) \
              -X postern/config.DefaultWrapper=$(LIBEXECDIR)/postern-sendmail \
              -X postern/config.DefaultHelper=$(LIBEXECDIR)/postern-helper
LDFLAGS    += -X postern/config.LoginHelper=$(LIBEXECDIR)/postern-login
# A position-independent executable: ASLR for the setuid program (and
# Debian's hardening checks).
BUILDMODE  ?= pie
# Its relative relocations packed (DT_RELR: binutils 2.38, glibc 2.36),
# when the C toolchain links them: the dynamic loader then reads 16 KB of
# relocations at every start instead of 1 MB (45,000 entries), and the
# program is 1 MB smaller (bench/abcgi.py: 36 fewer page faults a
# request). The pages the relocations write to are the same either way.
RELR       ?= $(shell printf 'int main(void){return 0;}' | $${CC:-cc} -x c - -o /dev/null -pie -fPIE -Wl,-z,pack-relative-relocs -Wl,--fatal-warnings 2>/dev/null && echo -Wl,-z,pack-relative-relocs)
EXTLDFLAGS := $(if $(filter pie,$(BUILDMODE)),$(RELR))
GOFLAGS_BUILD := -trimpath -buildvcs=false -buildmode=$(BUILDMODE) -ldflags "$(LDFLAGS)$(if $(EXTLDFLAGS), -extldflags=$(EXTLDFLAGS))"
# The request binary is linked static-pie (glibc's libc.a, libxcrypt's
# libcrypt.a, SQLite inside): no dynamic loader runs at each request, and
# the set-user-ID program loads no shared object at all. It links neither
# libpam nor libc's name service: os/user reads /etc/passwd and /etc/group
# (osusergo), net resolves in Go (netgo), SQLite loads no extension; PAM and
# NSS-only users are postern-login's (auth/checkpass). STATIC=no, or a
# toolchain without -static-pie, links it as a dynamic PIE (the same code).
STATIC     ?= yes
STATICPIE  ?= $(if $(filter yes,$(STATIC)),$(if $(filter pie,$(BUILDMODE)),$(shell printf 'int main(void){return 0;}' | $${CC:-cc} -x c - -o /dev/null -static-pie -fPIE 2>/dev/null && echo -static-pie)))
REQUEST_TAGS := sqlite_fts5,osusergo,netgo,sqlite_omit_load_extension
# A static-pie program relocates itself, page after page of pointers (1.1
# MB of Go type data): its entry point (privdrop/rtenv/prefault.c) first
# moves its writable segment into 2 MB transparent huge pages, and asks
# the kernel for the rest of those pages in a few
# madvise(MADV_POPULATE_WRITE) calls instead of one page fault each
# (doc.go, "The relocated pages"). The huge pages need the segments
# aligned to 2 MB (the kernel then loads the program at a 2 MB boundary)
# and the end of the read-only-after-relocation part (RELRO) on one too.
# The installed program is written out and dropped from the page cache,
# so that the next request reads it from disk: its entry point marks its
# code MADV_HUGEPAGE first, and the kernel then caches it in 2 MB pages,
# which every later request maps whole (doc.go, "Huge pages of the
# program file"). Left in the cache as install wrote it, in small pages,
# it would stay so. An optimisation only: a failure is ignored.
HUGEFILE   = sh build/hugefile.sh
PREFAULT_LD := -Wl,-e,postern_entry -Wl,-z,max-page-size=0x200000 -Wl,-z,common-page-size=0x200000
# (x86-64 only: prefault.c has no entry point for other machines.)
PREFAULT   := $(if $(STATICPIE),$(if $(filter amd64,$(shell $(GO) env GOARCH)),$(PREFAULT_LD)))
REQUEST_EXTLDFLAGS := $(strip $(STATICPIE) $(PREFAULT) $(EXTLDFLAGS))
GOFLAGS_REQUEST := -tags=$(REQUEST_TAGS) -trimpath -buildvcs=false -buildmode=$(BUILDMODE) -ldflags "$(LDFLAGS)$(if $(REQUEST_EXTLDFLAGS), '-extldflags=$(REQUEST_EXTLDFLAGS)')"
# The search index needs SQLite's FTS5 (github.com/mattn/go-sqlite3 builds
# it with this tag); every go command run by make gets it.
export GOFLAGS := -tags=sqlite_fts5

# Debian packages the build and the tests need.
APT_BUILD  := gcc libpam0g-dev libcrypt-dev
APT_TEST   := apache2 chromium mandoc w3m whois curl ca-certificates openssl fonts-dejavu-core passwd login util-linux oathtool fail2ban time \
              lighttpd nginx fcgiwrap dpkg-dev debhelper lintian fakeroot postfix gnupg gpgsm sq sqv \
              dovecot-core dovecot-sieve maildrop spamassassin slapd ldap-utils
# A user known only to the name service (e2e TestLoginNSSOnlyUser).
APT_TEST   += libnss-extrausers
# The entry point's madvise calls, seen by build/TestRequestBinaryPrefault.
APT_TEST   += strace

.PHONY: all build demo check test unit e2e fuzz vet fmt-check man-check deps deps-apt deps-build deps-go deps-npm install postern-for-install helper-for-install uninstall clean bench bench-prepare repro-check install-check deb floor
.PHONY: login-for-install

all: build

build: postern postern-login postern-helper

# The build writes the paths it compiled in next to the program, in the
# form of `postern -version`'s lines after the first: make install compares
# them with the paths it installs to.
BUILDPATHS = printf '%s\n' "config: $(CONFIG)" "wrapper: $(LIBEXECDIR)/postern-sendmail" \
	"login: $(LIBEXECDIR)/postern-login" "helper: $(LIBEXECDIR)/postern-helper"

# A failed build names the Debian packages it lacks (cgo needs gcc and the
# PAM and libcrypt headers), if that is why.
# build/memprofrate then turns off the program's memory profile samples of
# its first allocations (the runtime takes them before it turns profiling
# off itself).
postern: FORCE
	CGO_ENABLED=1 $(GO) build $(GOFLAGS_REQUEST) -o $(POSTERN_OUT) ./cgi || { sh build/apt-deps.sh -n $(APT_BUILD); exit 1; }
	$(GO) run ./build/memprofrate $(POSTERN_OUT)
	@$(BUILDPATHS) >$(POSTERN_OUT).paths
# Where make postern writes the program (build/static_test.go builds one
# elsewhere, to check what it links).
POSTERN_OUT ?= postern

# bench/floor: the Go floor of make bench, built as the request binary.
floor: FORCE
	CGO_ENABLED=1 $(GO) build $(GOFLAGS_REQUEST) -o $(FLOOR_OUT) ./bench/floor
FLOOR_OUT ?= bench/floor/floor

# The login helper (login/, auth/checkpass): PAM and libc's name service,
# run by the root room only for a PAM login, password change or account
# check, and for a user /etc/passwd does not name. A dynamic PIE.
postern-login: FORCE
	CGO_ENABLED=1 $(GO) build $(GOFLAGS_BUILD) -o $@ ./login || { sh build/apt-deps.sh -n $(APT_BUILD); exit 1; }
FORCE:

# postern-helper (helper/doc.go): the passkey ceremonies and the
# directory's lookups, out of the request binary. Static and without cgo,
# so that the requests that run it need no loader or library in their
# sandbox; it has no path compiled in. Not a PIE: Go links a PIE without
# cgo only as a dynamic program (PT_INTERP, the loader relocating 750 KB
# of .data.rel.ro at every run: 175 more page faults a run, measured),
# and a static-pie needs the external linker, that is cgo. Go is memory
# safe, so ASLR of the helper's own image adds little.
postern-helper: FORCE
	CGO_ENABLED=0 $(GO) build -trimpath -buildvcs=false -buildmode=exe -o $@ ./helper

# The demo installs the build's Debian packages first (as root; as another
# user it names the apt-get command and stops). PORT chooses the port;
# without it the demo takes 8025, or a free port when 8025 is in use.
PORT ?=
demo: deps-build
	@$(MAKE) --no-print-directory postern
	$(GO) run ./demo -cgi ./postern $(if $(PORT),-addr 127.0.0.1:$(PORT)) $(if $(MAILDIR),-maildir "$(MAILDIR)")

# --- dependencies -------------------------------------------------------

deps: deps-apt deps-go deps-npm

# Debian packages, through apt-get when running as root (build/apt-deps.sh);
# otherwise it names the apt-get command, and make check runs what it can.
deps-apt:
	@sh build/apt-deps.sh -w $(APT_BUILD) $(APT_TEST)

# What the build needs: as root installed, else named, and make stops.
deps-build:
	@sh build/apt-deps.sh $(APT_BUILD)

deps-go:
	$(GO) mod download

deps-npm:
	cd e2e/browser && npm ci --no-audit --no-fund --loglevel=error

# --- tests --------------------------------------------------------------

check: deps fmt-check vet man-check repro-check install-check unit e2e

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

# Unit, table, corpus and fuzz-seed tests of every package.
unit:
	$(GO) test -count=1 $$($(GO) list ./... | grep -v /e2e)

# The installed binary under a real Apache, real users, real PAM, and
# headless Chromium (needs root).
e2e:
	$(GO) test -count=1 -v -timeout 30m ./e2e

test: unit

# The manual pages must be clean for mandoc's linter.
man-check:
	mandoc -T lint -W warning man/*.[0-9] $(wildcard wrapper/*.[0-9])

# Two builds of the same tree, from copies in different directories, must
# give byte-identical binaries. The second build links anew (go build
# does not cache executables) but takes compiled packages from the cache,
# whose keys under -trimpath do not depend on the directory; with
# REPRO_FRESH=yes it compiles everything again in an empty cache (slower:
# a few minutes).
REPRO_FRESH ?= no
repro-check:
	@tmp=$$(mktemp -d) && trap 'chmod -R u+w "$$tmp"; rm -rf "$$tmp"' EXIT && \
	for d in a b/elsewhere; do \
	  mkdir -p "$$tmp/$$d" && \
	  { git ls-files -co --exclude-standard 2>/dev/null || find . -type f -not -path './.git/*'; } | \
	    grep -v '^e2e/browser/node_modules/' | tar -cf - -T - | tar -xf - -C "$$tmp/$$d"; \
	done && \
	$(MAKE) -s -C "$$tmp/a" postern postern-login postern-helper VERSION=$(VERSION) && \
	$(if $(filter yes,$(REPRO_FRESH)),GOCACHE="$$tmp/gocache") $(MAKE) -s -C "$$tmp/b/elsewhere" postern postern-login postern-helper VERSION=$(VERSION) && \
	cmp "$$tmp/a/postern" "$$tmp/b/elsewhere/postern" && \
	cmp "$$tmp/a/postern-login" "$$tmp/b/elsewhere/postern-login" && \
	cmp "$$tmp/a/postern-helper" "$$tmp/b/elsewhere/postern-helper" && \
	echo "repro-check: two builds of $(VERSION) are identical ($$(sha256sum <"$$tmp/a/postern" | cut -c1-16), postern-helper $$(sha256sum <"$$tmp/a/postern-helper" | cut -c1-16))"

FUZZTIME ?= 20s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

# --- install ------------------------------------------------------------

# As root the program is installed owned by root; as another user (a
# packager's DESTDIR) ownership is left to the packaging tool (fakeroot).
OWNER := $(if $(filter 0,$(shell id -u)),-o root -g root)
SNIPPETS := apache/postern.conf lighttpd/postern.conf nginx/postern.conf
WRAPPER := $(wildcard wrapper/postern-sendmail)
WRAPPERMAN := $(wildcard wrapper/postern-sendmail.8)
# The fail2ban filter and jail (disabled), as postern.conf in
# SYSCONFDIR/fail2ban/filter.d and jail.d. Each replaces an installed copy
# only when that is still the one install put there before (DATADIR keeps
# it), so that an enabled jail or an edited filter stays.
F2B := filter.d jail.d

# install never ships a program built for other paths than those it
# installs to: when ./postern is missing, or postern.paths (written by the
# build) differs from this install's paths, it builds ./postern again;
# without Go (sudo with root's PATH) it refuses and says what to run.
# `sudo make install` after `make` with the same variables needs no Go.
postern-for-install:
	@want=$$($(BUILDPATHS)); \
	if [ -f postern ] && [ "$$(cat postern.paths 2>/dev/null)" = "$$want" ]; then exit 0; fi; \
	if [ ! -f postern ]; then what="there is no ./postern"; \
	elif [ ! -f postern.paths ]; then what="./postern has no postern.paths to say which paths it was built for"; \
	else what="./postern was built for other paths ($$(echo $$(cat postern.paths)))"; fi; \
	if command -v $(GO) >/dev/null 2>&1; then \
	  echo "install: $$what; building it for" $$want; $(MAKE) --no-print-directory postern; \
	else \
	  echo "install: $$what and $(GO) is not in PATH to build it for" $$want"; run make with the same variables as make install (as a user with Go), then install" >&2; \
	  exit 1; \
	fi

# postern-login has no paths compiled in: install builds it when missing.
login-for-install:
	@if [ ! -f postern-login ]; then \
	  if command -v $(GO) >/dev/null 2>&1; then $(MAKE) --no-print-directory postern-login; \
	  else echo "install: there is no ./postern-login and $(GO) is not in PATH to build it; run make first" >&2; exit 1; fi; \
	fi

# postern-helper has no path compiled in: install builds it when missing.
helper-for-install:
	@[ -f postern-helper ] || { command -v $(GO) >/dev/null 2>&1 && $(MAKE) --no-print-directory postern-helper; } || \
	  { echo "install: there is no ./postern-helper and $(GO) is not in PATH to build it; run make (as a user with Go), then install" >&2; exit 1; }

install: postern-for-install login-for-install helper-for-install
	install -d $(DESTDIR)$(CGIBINDIR) $(DESTDIR)$(SYSCONFDIR)/postern $(DESTDIR)$(SYSCONFDIR)/pam.d \
	  $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 $(addprefix $(DESTDIR)$(DATADIR)/,apache lighttpd nginx)
ifeq ($(SETUID),yes)
	install -m 4755 $(OWNER) postern $(DESTDIR)$(CGIBINDIR)/postern
else
	install -m 0755 postern $(DESTDIR)$(CGIBINDIR)/postern
endif
	$(HUGEFILE) $(DESTDIR)$(CGIBINDIR)/postern
	@if [ -e $(DESTDIR)$(CONFIG) ]; then echo "kept $(DESTDIR)$(CONFIG); the new default is $(DATADIR)/postern.conf"; \
	else install -m 0644 dist/postern.conf $(DESTDIR)$(CONFIG); fi
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/pam.d/postern ]; then echo "kept $(DESTDIR)$(SYSCONFDIR)/pam.d/postern"; \
	else install -m 0644 dist/pam.d/postern $(DESTDIR)$(SYSCONFDIR)/pam.d/postern; fi
	install -m 0644 dist/postern.conf $(DESTDIR)$(DATADIR)/postern.conf
	install -m 0644 dist/pam.d/postern $(DESTDIR)$(DATADIR)/pam.d-postern
	install -d $(addprefix $(DESTDIR)$(SYSCONFDIR)/fail2ban/,$(F2B)) $(addprefix $(DESTDIR)$(DATADIR)/fail2ban/,$(F2B))
	@for f in $(F2B); do \
	  conf=$(DESTDIR)$(SYSCONFDIR)/fail2ban/$$f/postern.conf; shipped=$(DESTDIR)$(DATADIR)/fail2ban/$$f/postern.conf; \
	  if [ ! -e "$$conf" ] || { [ -e "$$shipped" ] && cmp -s "$$conf" "$$shipped"; }; then \
	    install -m 0644 dist/fail2ban/$$f/postern.conf "$$conf" || exit 1; \
	  elif ! cmp -s "$$conf" dist/fail2ban/$$f/postern.conf; then \
	    echo "kept $$conf (changed); the new default is $(DATADIR)/fail2ban/$$f/postern.conf"; \
	  fi; \
	  install -m 0644 dist/fail2ban/$$f/postern.conf "$$shipped" || exit 1; \
	done
	for f in $(SNIPPETS); do install -m 0644 dist/$$f $(DESTDIR)$(DATADIR)/$$f || exit 1; done
	install -m 0644 man/postern.conf.5 $(DESTDIR)$(MANDIR)/man5/postern.conf.5
	install -m 0644 man/postern.8 $(DESTDIR)$(MANDIR)/man8/postern.8
ifneq ($(WRAPPER),)
	install -d $(DESTDIR)$(LIBEXECDIR)
	install -m 0755 $(WRAPPER) $(DESTDIR)$(LIBEXECDIR)/postern-sendmail
endif
	install -d $(DESTDIR)$(LIBEXECDIR)
	install -m 0700 $(OWNER) postern-login $(DESTDIR)$(LIBEXECDIR)/postern-login
ifneq ($(WRAPPERMAN),)
	install -m 0644 $(WRAPPERMAN) $(DESTDIR)$(MANDIR)/man8/postern-sendmail.8
endif
	install -d $(DESTDIR)$(LIBEXECDIR)
	install -m 0755 postern-helper $(DESTDIR)$(LIBEXECDIR)/postern-helper

# The configuration and PAM files go only when they are the shipped ones.
uninstall:
	rm -f $(DESTDIR)$(CGIBINDIR)/postern $(DESTDIR)$(LIBEXECDIR)/postern-sendmail $(DESTDIR)$(LIBEXECDIR)/postern-login $(DESTDIR)$(LIBEXECDIR)/postern-helper \
	  $(DESTDIR)$(MANDIR)/man5/postern.conf.5 $(DESTDIR)$(MANDIR)/man8/postern.8 $(DESTDIR)$(MANDIR)/man8/postern-sendmail.8
	@for f in $(CONFIG):postern.conf $(SYSCONFDIR)/pam.d/postern:pam.d-postern \
	  $(foreach f,$(F2B),$(SYSCONFDIR)/fail2ban/$(f)/postern.conf:fail2ban/$(f)/postern.conf); do \
	  conf=$(DESTDIR)$${f%%:*}; shipped=$(DESTDIR)$(DATADIR)/$${f#*:}; \
	  if [ ! -e "$$conf" ]; then :; \
	  elif [ -e "$$shipped" ] && cmp -s "$$conf" "$$shipped"; then rm -f "$$conf" && echo "removed $$conf (unchanged)"; \
	  else echo "left $$conf in place: it was changed; remove it by hand if it is no longer wanted"; fi; \
	done
	rm -f $(DESTDIR)$(DATADIR)/postern.conf $(DESTDIR)$(DATADIR)/pam.d-postern $(addprefix $(DESTDIR)$(DATADIR)/,$(SNIPPETS)) \
	  $(foreach f,$(F2B),$(DESTDIR)$(DATADIR)/fail2ban/$(f)/postern.conf)
	-rmdir $(addprefix $(DESTDIR)$(DATADIR)/,apache lighttpd nginx $(addprefix fail2ban/,$(F2B)) fail2ban) $(DESTDIR)$(DATADIR) \
	  $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(SYSCONFDIR)/postern 2>/dev/null
	-rmdir $(addprefix $(DESTDIR)$(SYSCONFDIR)/fail2ban/,$(F2B)) $(DESTDIR)$(SYSCONFDIR)/fail2ban 2>/dev/null

# install and uninstall into a staging DESTDIR: every file arrives, the
# program setuid, a changed configuration survives install and uninstall,
# and nothing else is left.
install-check: postern postern-login postern-helper
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && d="$$tmp/root" && \
	$(MAKE) -s install DESTDIR="$$d" >/dev/null && \
	for f in $(CGIBINDIR)/postern $(CONFIG) $(SYSCONFDIR)/pam.d/postern $(MANDIR)/man8/postern.8 \
	  $(MANDIR)/man5/postern.conf.5 $(addprefix $(DATADIR)/,$(SNIPPETS)) \
	  $(if $(WRAPPER),$(LIBEXECDIR)/postern-sendmail) $(if $(WRAPPERMAN),$(MANDIR)/man8/postern-sendmail.8) \
	  $(LIBEXECDIR)/postern-login \
	  $(LIBEXECDIR)/postern-helper \
	  $(foreach f,$(F2B),$(SYSCONFDIR)/fail2ban/$(f)/postern.conf $(DATADIR)/fail2ban/$(f)/postern.conf); do \
	  test -f "$$d$$f" || { echo "install-check: $$f not installed"; exit 1; }; \
	done && \
	jail="$$d$(SYSCONFDIR)/fail2ban/jail.d/postern.conf" && filter="$$d$(SYSCONFDIR)/fail2ban/filter.d/postern.conf" && \
	grep -q '^enabled *= *false$$' "$$jail" || { echo "install-check: the fail2ban jail is not disabled"; exit 1; } && \
	f2b=$$(POSTERN_FAIL2BAN_FILTER="$$filter" $(GO) test -count=1 -v -run '^TestFail2banFilter$$' ./audit 2>&1); \
	case "$$f2b" in *"--- PASS: TestFail2banFilter"*) ;; \
	  *"--- SKIP: TestFail2banFilter"*) echo "install-check: fail2ban-regex is missing: the installed filter was not tried";; \
	  *) echo "install-check: fail2ban-regex with the installed filter:"; echo "$$f2b"; exit 1;; esac && \
	test -u "$$d$(CGIBINDIR)/postern" || { echo "install-check: $(CGIBINDIR)/postern is not setuid"; exit 1; } && \
	[ "$$(stat -c %a "$$d$(LIBEXECDIR)/postern-login")" = 700 ] || { echo "install-check: $(LIBEXECDIR)/postern-login is not mode 0700"; exit 1; } && \
	paths=$$("$$d$(CGIBINDIR)/postern" -version | tail -n +2) && [ "$$paths" = "$$($(BUILDPATHS))" ] || \
	  { echo "install-check: the installed program's paths are not this install's:"; echo "$$paths"; exit 1; } && \
	echo "# changed by the admin" >>"$$d$(CONFIG)" && \
	sed -i 's/^enabled *= *false$$/enabled = true/' "$$jail" && \
	echo "# an older version" | tee -a "$$filter" >>"$$d$(DATADIR)/fail2ban/filter.d/postern.conf" && \
	$(MAKE) -s install DESTDIR="$$d" >/dev/null && grep -q "changed by the admin" "$$d$(CONFIG)" || \
	  { echo "install-check: install overwrote a changed $(CONFIG)"; exit 1; } && \
	grep -q '^enabled = true$$' "$$jail" || { echo "install-check: install overwrote an enabled fail2ban jail"; exit 1; } && \
	cmp -s "$$filter" dist/fail2ban/filter.d/postern.conf || \
	  { echo "install-check: install did not update an unchanged fail2ban filter"; exit 1; } && \
	$(MAKE) -s uninstall DESTDIR="$$d" >/dev/null && \
	left=$$(cd "$$d" && find . -type f | sort | tr '\n' ' ') && \
	[ "$$left" = "./$(patsubst /%,%,$(SYSCONFDIR)/fail2ban/jail.d/postern.conf) ./$(patsubst /%,%,$(CONFIG)) " ] || \
	  { echo "install-check: after uninstall, want only the changed configuration and jail, have:"; echo "$$left"; exit 1; } && \
	echo "install-check: install and uninstall in DESTDIR ok" && \
	src="$$tmp/src" && mkdir "$$src" && \
	{ git ls-files -co --exclude-standard 2>/dev/null || find . -type f -not -path './.git/*'; } | \
	  grep -v '^e2e/browser/node_modules/' | tar -cf - -T - | tar -xf - -C "$$src" && \
	$(MAKE) -s -C "$$src" postern PREFIX=/usr/local >/dev/null && \
	$(MAKE) -s -C "$$src" install PREFIX=/opt/ptcheck DESTDIR="$$tmp/other" >/dev/null && \
	paths=$$("$$tmp/other$(CGIBINDIR)/postern" -version) && \
	case "$$paths" in *"wrapper: /opt/ptcheck/libexec/postern/postern-sendmail"*) ;; \
	  *) echo "install-check: make install PREFIX=/opt/ptcheck after make PREFIX=/usr/local installed a program for:"; \
	     echo "$$paths"; exit 1;; esac && \
	$(MAKE) -s -C "$$src" postern PREFIX=/usr/local >/dev/null && \
	if out=$$($(MAKE) -s -C "$$src" install PREFIX=/opt/ptcheck GO=/nonexistent/go DESTDIR="$$tmp/refused" 2>&1); then \
	  echo "install-check: make install PREFIX=/opt/ptcheck without Go installed a program built for /usr/local"; exit 1; fi && \
	case "$$out" in *"not in PATH to build it"*) ;; *) echo "install-check: without Go, install said: $$out"; exit 1;; esac && \
	[ ! -e "$$tmp/refused" ] || { echo "install-check: a refused install left files in DESTDIR"; exit 1; } && \
	echo "install-check: install rebuilds a program built for another PREFIX, or without Go refuses: ok"

# --- Debian package ---------------------------------------------------------

# The package is built from a copy of the working tree, so that
# dpkg-buildpackage writes its output into DEBOUT and not next to the tree.
# -d: Go may come from go.dev rather than the golang-go package.
DEBOUT ?= $(CURDIR)/deb-out
deb:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && mkdir -p "$$tmp/postern" $(DEBOUT) && \
	{ git ls-files -co --exclude-standard 2>/dev/null || find . -type f -not -path './.git/*'; } | \
	  grep -v -e '^e2e/browser/node_modules/' -e '^deb-out/' | tar -cf - -T - | tar -xf - -C "$$tmp/postern" && \
	cd "$$tmp/postern" && GOMODCACHE=$$($(GO) env GOMODCACHE) GOCACHE=$$($(GO) env GOCACHE) \
	  dpkg-buildpackage -us -uc -b -d && \
	cp "$$tmp"/*.deb "$$tmp"/*.buildinfo "$$tmp"/*.changes $(DEBOUT)/ && ls -l $(DEBOUT)

clean:
	rm -f postern postern.paths postern-login postern-helper
	rm -rf deb-out

# --- benchmarks (not part of check) ---------------------------------------

# postern and Debian's SqWebMail under Apache on loopback, on the same
# generated Maildirs (as root; 100,000 messages take long). SIZES picks the
# mailboxes; results go to bench/results/. Every tool either side uses is
# installed (bench-prepare) and checked before anything is measured.
SIZES ?= 1000 10000 100000
bench:
	SIZES="$(SIZES)" sh bench/run.sh

bench-prepare:
	sh bench/run.sh prepare
