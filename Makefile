# Install for clinic IT: `make install PREFIX=/opt/mbt` (default /usr/local; DESTDIR for
# packaging). Needs Swift 6 to build, and on the machine that runs it only Debian's libxml2 and
# mimalloc (apt-get install libxml2 libmimalloc2.0): the Swift runtime is linked into the
# binary (--static-swift-stdlib).
#
#   PREFIX/bin/mbt
#   PREFIX/share/mbt/Protocols/     schemas and the default protocol (found beside the binary)
#   PREFIX/share/mbt/Reports/       report.xsd (the schema of the XML reports) and the page
#                                   stylesheets report.html.xsl and handout.html.xsl
#   PREFIX/share/mbt/Examples/      the example clinic file, as sheets too, and the device
#                                   export with its map and profiles (the manual cites them)
#   PREFIX/share/man/man1/mbt.1     the manual (Docs/mbt.1; `make man` re-makes it)
#   PREFIX/share/bash-completion/completions/mbt, zsh/site-functions/_mbt,
#   fish/vendor_completions.d/mbt.fish
PREFIX ?= /usr/local
DESTDIR ?=
ROOT := $(DESTDIR)$(PREFIX)
SHARE := $(ROOT)/share/mbt

.PHONY: build install uninstall man check-install check-paths

# Every path in the recipes below is single-quoted, so a PREFIX with a space is one path. What a
# quote cannot hold is refused, and so is a relative PREFIX or DESTDIR: it would install into,
# or uninstall from, wherever make happens to run.
check-paths:
	@: $(if $(findstring ',$(ROOT)),$(error PREFIX and DESTDIR cannot hold a single quote: $(ROOT)))
	@: $(if $(filter /%,$(firstword $(PREFIX))),,$(error PREFIX must be an absolute path, such as /usr/local or /opt/mbt; got '$(PREFIX)'))
	@: $(if $(DESTDIR),$(if $(filter /%,$(firstword $(DESTDIR))),,$(error DESTDIR must be an absolute path; got '$(DESTDIR)')))

build:
	swift build -c release --product mbt --static-swift-stdlib

install: check-paths build
	install -d '$(ROOT)/bin' '$(SHARE)/Protocols' '$(SHARE)/Reports' '$(SHARE)/Examples' '$(ROOT)/share/man/man1' \
		'$(ROOT)/share/bash-completion/completions' '$(ROOT)/share/zsh/site-functions' '$(ROOT)/share/fish/vendor_completions.d'
	install -m 755 "$$(swift build -c release --show-bin-path)/mbt" '$(ROOT)/bin/mbt'
	install -m 644 Protocols/*.xsd Protocols/*.xml '$(SHARE)/Protocols/'
	install -m 644 Reports/report.xsd Reports/report.html.xsl Reports/handout.html.xsl '$(SHARE)/Reports/'
	install -m 644 Examples/clinic-example.xml Examples/clinic-example.*.csv Examples/clinic-example.*.xlsx \
		Examples/vald-style.map.csv Examples/vald-style-export.csv Examples/vald-style-profiles.csv '$(SHARE)/Examples/'
	install -m 644 Docs/mbt.1 '$(ROOT)/share/man/man1/mbt.1'
	'$(ROOT)/bin/mbt' --generate-completion-script bash > '$(ROOT)/share/bash-completion/completions/mbt'
	'$(ROOT)/bin/mbt' --generate-completion-script zsh > '$(ROOT)/share/zsh/site-functions/_mbt'
	'$(ROOT)/bin/mbt' --generate-completion-script fish > '$(ROOT)/share/fish/vendor_completions.d/mbt.fish'
	@echo "installed mbt $$('$(ROOT)/bin/mbt' --version | cut -d' ' -f2) in $(ROOT)"

uninstall: check-paths
	rm -f '$(ROOT)/bin/mbt' '$(ROOT)/share/man/man1/mbt.1' '$(ROOT)/share/bash-completion/completions/mbt' \
		'$(ROOT)/share/zsh/site-functions/_mbt' '$(ROOT)/share/fish/vendor_completions.d/mbt.fish'
	rm -rf '$(SHARE)'


# The manual from the commands' own help (swift-argument-parser's plugin), dated with the
# version; ManualTests fails when an option is missing from it.
man:
	swift package --allow-writing-to-package-directory generate-manual --date "$$(git log -1 --format=%cs)" --authors "The MuscleBalance engineers"
	# FILES and ENVIRONMENT, which the generator has no place for, before EXIT STATUS.
	awk 'FNR==NR { extra = extra $$0 "\n"; next } /^\.Sh "EXIT STATUS"/ { printf "%s", extra } { print }' \
		Docs/mbt.1.files .build/plugins/GenerateManual/outputs/mbt/mbt.1 > Docs/mbt.1

# Installs into a new prefix and scores the example from another folder with the Swift
# toolchain hidden (Scripts/install-check).
check-install:
	Scripts/install-check
