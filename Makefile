# Usage:
#	make [makefiles] [CC=...] [CCARGS=...] [AUXLIBS=...] [OPT=...] [DEBUG=...]
#	make test		build and run the whole test suite
#	make run		build and start greylistd on 127.0.0.1:10023
#
# This file only makes sure that the generated Makefiles exist and then
# hands every target to Makefile.out, which makedefs writes from
# Makefile.in ("make makefiles" writes it again with new options).

SHELL	= /bin/sh

default: update

makefiles Makefiles:
	@mantools/needpkgs build
	$(MAKE) -f Makefile.in MAKELEVEL= Makefiles

Makefile.out: Makefile.in makedefs
	@mantools/needpkgs build
	$(MAKE) -f Makefile.in MAKELEVEL= Makefiles

test tests test-quick run test-asan test-valgrind stress fuzz bench bench-large: FORCE
	@mantools/needpkgs test
	@$(MAKE) Makefile.out
	@$(MAKE) -f Makefile.out MAKELEVEL= $@

deb: FORCE
	@mantools/needpkgs deb
	@$(MAKE) Makefile.out
	@$(MAKE) -f Makefile.out MAKELEVEL= $@

update install uninstall clean tidy depend man: Makefile.out FORCE
	@$(MAKE) -f Makefile.out MAKELEVEL= $@

FORCE:

.PHONY: default makefiles Makefiles FORCE
