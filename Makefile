# postern - a setuid CGI webmail for Maildir.
#
#   make            build ./postern
#   make demo       run a demo on 127.0.0.1 (no root needed); MAILDIR=path serves that Maildir
#   make check      install what the tests need, then run every test
#   make install    install (PREFIX, DESTDIR, CGIBINDIR, SYSCONFDIR; SETUID=no for the virtual-user mode)

VERSION    ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.1.0-dev)
PREFIX     ?= /usr/local
SYSCONFDIR ?= /etc
CGIBINDIR  ?= /usr/lib/cgi-bin
MANDIR     ?= $(PREFIX)/share/man
LIBEXECDIR ?= $(PREFIX)/libexec/postern
SETUID     ?= yes
DESTDIR    ?=

GO         ?= go
CONFIG     := $(SYSCONFDIR)/postern/postern.conf
LDFLAGS    := -X postern/config.Path=$(CONFIG) -X main.version=$(VERSION)
GOFLAGS_BUILD := -trimpath -buildvcs=false -ldflags "$(LDFLAGS)"

# Debian packages the build and the tests need.
APT_BUILD  := gcc libpam0g-dev libcrypt-dev
APT_TEST   := apache2 chromium mandoc w3m curl ca-certificates openssl fonts-dejavu-core passwd login util-linux

.PHONY: all build demo check test unit e2e fuzz vet fmt-check man-check deps deps-apt deps-go deps-npm install uninstall clean

all: build

build: postern

postern: FORCE
	CGO_ENABLED=1 $(GO) build $(GOFLAGS_BUILD) -o $@ ./cgi
FORCE:

demo: postern
	$(GO) run ./demo -cgi ./postern $(if $(MAILDIR),-maildir "$(MAILDIR)")

# --- dependencies -------------------------------------------------------

deps: deps-apt deps-go deps-npm

# Debian packages, through apt-get when running as root; otherwise they
# must be there already.
deps-apt:
	@missing=""; for p in $(APT_BUILD) $(APT_TEST); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing:$$missing"; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	  else echo "missing Debian packages:$$missing (install them as root)"; \
	  fi; \
	fi

deps-go:
	$(GO) mod download

deps-npm:
	cd e2e/browser && npm ci --no-audit --no-fund --loglevel=error

# --- tests --------------------------------------------------------------

check: deps fmt-check vet man-check unit e2e

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
	mandoc -T lint -W warning man/*.[0-9]

FUZZTIME ?= 20s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

# --- install ------------------------------------------------------------

install: postern
	install -d $(DESTDIR)$(CGIBINDIR) $(DESTDIR)$(SYSCONFDIR)/postern $(DESTDIR)$(SYSCONFDIR)/pam.d
ifeq ($(SETUID),yes)
	install -m 4755 -o root -g root postern $(DESTDIR)$(CGIBINDIR)/postern
else
	install -m 0755 postern $(DESTDIR)$(CGIBINDIR)/postern
endif
	test -e $(DESTDIR)$(CONFIG) || install -m 0644 dist/postern.conf $(DESTDIR)$(CONFIG)
	test -e $(DESTDIR)$(SYSCONFDIR)/pam.d/postern || install -m 0644 dist/pam.d/postern $(DESTDIR)$(SYSCONFDIR)/pam.d/postern
	install -d $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0644 man/postern.conf.5 $(DESTDIR)$(MANDIR)/man5/postern.conf.5
	install -m 0644 man/postern.8 $(DESTDIR)$(MANDIR)/man8/postern.8

uninstall:
	rm -f $(DESTDIR)$(CGIBINDIR)/postern $(DESTDIR)$(MANDIR)/man5/postern.conf.5 $(DESTDIR)$(MANDIR)/man8/postern.8
	@echo "left in place: $(DESTDIR)$(CONFIG) and $(DESTDIR)$(SYSCONFDIR)/pam.d/postern (remove them by hand if unchanged)"

clean:
	rm -f postern
