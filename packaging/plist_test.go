package packaging

import (
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const port = "freebsd"

// portVar returns the value of VAR= in the port's Makefile (continuation
// lines joined), "" if it is not set.
func portVar(t *testing.T, name string) string {
	t.Helper()
	mk := strings.ReplaceAll(string(read(t, filepath.Join(port, "Makefile"))), "\\\n", " ")
	m := regexp.MustCompile(`(?m)^` + name + `\??=\s*(.*)$`).FindStringSubmatch(mk)
	if m == nil {
		return ""
	}
	return strings.Join(strings.Fields(m[1]), " ")
}

// plistSub is what the ports framework substitutes in a pkg-plist for a
// port like this one (no OPTIONS): the directory variables, relative to
// PREFIX as plist entries are, and the port's own PLIST_SUB.
func plistSub(t *testing.T) map[string]string {
	name := portVar(t, "PORTNAME")
	sub := map[string]string{
		"DATADIR": "share/" + name, "DOCSDIR": "share/doc/" + name,
		"EXAMPLESDIR": "share/examples/" + name, "ETCDIR": "etc/" + name,
		"PORTDOCS": "", "PORTEXAMPLES": "", "PORTDATA": "",
	}
	for _, kv := range strings.Fields(portVar(t, "PLIST_SUB")) {
		if k, v, ok := strings.Cut(kv, "="); ok {
			sub[k] = strings.Trim(v, `"`)
		}
	}
	return sub
}

// plistFiles reads pkg-plist the way pkg(8) does for the entries that name
// files: "@sample X" installs X (and copies it to X without .sample when
// absent, a file pkg owns only at run time); other @keywords name none.
func plistFiles(t *testing.T) []string {
	t.Helper()
	sub := plistSub(t)
	subst := regexp.MustCompile(`%%([A-Z_]+)%%`)
	var files []string
	for i, line := range strings.Split(strings.TrimSpace(string(read(t, filepath.Join(port, "pkg-plist")))), "\n") {
		line = subst.ReplaceAllStringFunc(line, func(m string) string {
			v, ok := sub[strings.Trim(m, "%")]
			if !ok {
				t.Errorf("pkg-plist:%d: unknown substitution %s", i+1, m)
			}
			return v
		})
		switch {
		case strings.HasPrefix(line, "@sample "):
			files = append(files, strings.Fields(line)[1])
		case strings.HasPrefix(line, "@"), line == "":
			// @dir, @comment, …: no file
		default:
			files = append(files, line)
		}
	}
	slices.Sort(files)
	return files
}

// pkg-plist lists exactly what `make install` installs under PREFIX, but
// for the rc.d scripts named by USE_RC_SUBR: the framework installs those
// from files/NAME.in and adds them to the package itself, so ports
// conventions forbid listing them.
func TestPlistMatchesInstall(t *testing.T) {
	in := install(t, "/usr/local")
	rcScripts := strings.Fields(portVar(t, "USE_RC_SUBR"))
	if !slices.Equal(rcScripts, []string{"hvnetconf"}) {
		t.Errorf("port USE_RC_SUBR = %q; want hvnetconf", rcScripts)
	}
	var installed []string
	for rel := range tree(t, in.destdir) {
		rel = strings.TrimPrefix(rel, "usr/local/")
		if rc, ok := strings.CutPrefix(rel, "etc/rc.d/"); ok && slices.Contains(rcScripts, rc) {
			continue
		}
		installed = append(installed, rel)
	}
	slices.Sort(installed)
	if plist := plistFiles(t); !slices.Equal(plist, installed) {
		t.Errorf("pkg-plist files:\n  %q\nmake install (USE_RC_SUBR scripts left out):\n  %q", plist, installed)
	}
}

// Every plist entry but the Go binary is put in place by the port's
// post-install, in the directory the plist names (${DATADIR} being
// ${PREFIX}/share/PORTNAME).
func TestPortInstallsEveryPlistEntry(t *testing.T) {
	mk := string(read(t, filepath.Join(port, "Makefile")))
	mk = strings.ReplaceAll(mk, "${DATADIR}", "${PREFIX}/"+plistSub(t)["DATADIR"])
	if target := portVar(t, "GO_TARGET"); target != "./cmd/hvnetconf:${PREFIX}/sbin/hvnetconf" {
		t.Errorf("GO_TARGET = %q; want ./cmd/hvnetconf:${PREFIX}/sbin/hvnetconf", target)
	}
	for _, f := range plistFiles(t) {
		if f == "sbin/hvnetconf" {
			continue
		}
		if dir := "${STAGEDIR}${PREFIX}/" + path.Dir(f); !strings.Contains(mk, dir) {
			t.Errorf("port Makefile never installs into %s (for %s)", dir, f)
		}
	}
}

// files/hvnetconf.in is the repository's rc.d script with the ports'
// %%PREFIX%% in place of /usr/local.
func TestPortRCScriptMatchesRepository(t *testing.T) {
	in := string(read(t, filepath.Join(port, "files", "hvnetconf.in")))
	if !strings.Contains(in, "%%PREFIX%%/sbin/hvnetconf") {
		t.Error("files/hvnetconf.in does not run %%PREFIX%%/sbin/hvnetconf")
	}
	got := strings.ReplaceAll(in, "%%PREFIX%%", "/usr/local")
	if want := string(read(t, filepath.Join(repo, "rc.d/hvnetconf"))); got != want {
		t.Error("files/hvnetconf.in differs from rc.d/hvnetconf (other than %%PREFIX%%); regenerate it with\n" +
			"  sed 's|/usr/local/sbin/hvnetconf|%%PREFIX%%/sbin/hvnetconf|' rc.d/hvnetconf > packaging/freebsd/files/hvnetconf.in")
	}
}
