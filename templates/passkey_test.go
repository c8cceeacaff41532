package templates

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestPasskeyPages: the pages with a WebAuthn ceremony carry one script,
// passkey.js from the site itself, with no inline code; the options and
// a credential's name are escaped; the ceremony's button is hidden until
// the script shows it, and a noscript element says why.
func TestPasskeyPages(t *testing.T) {
	s, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	hostile := `"><script>alert(1)</script>`
	pages := map[string]*Page{
		"login": {Login: &LoginData{Passwordless: true, PasskeyFailed: true}},
		"totp":  {CSRF: "c", TOTPLogin: &TOTPLoginData{Passkey: true, PasskeyOptions: `{"challenge":"` + hostile + `"}`, PasskeyFailed: hostile}},
		"security": {CSRF: "c", User: "alice", Security: &SecurityData{PasskeysOn: true, PasskeyOptions: `{"x":"` + hostile + `"}`,
			Passkeys: []PasskeyRow{{ID: "AQID", Name: hostile, Created: "2026-12-06 09:00:00", Cloned: "2026-12-06 09:30:00"}}}},
	}
	for name, p := range pages {
		p.Site, p.Base = "postern", "/cgi-bin/postern"
		var b strings.Builder
		if err := render(&b, s, name, p); err != nil {
			t.Fatalf("Render(%s) = %v", name, err)
		}
		doc, err := html.Parse(strings.NewReader(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		var scripts, buttons, noscripts int
		var walk func(*html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				switch n.Data {
				case "script":
					scripts++
					if src := attrOf(n, "src"); src != "/cgi-bin/postern/passkey.js" || n.FirstChild != nil {
						t.Errorf("%s: script src=%q with content %v, want only passkey.js", name, src, n.FirstChild)
					}
				case "noscript":
					noscripts++
				}
				if attrOf(n, "data-passkey") != "" {
					buttons++
					if !hasAttr(n, "hidden") {
						t.Errorf("%s: the ceremony's button is shown without the script", name)
					}
				}
				for _, a := range n.Attr {
					if strings.HasPrefix(a.Key, "on") {
						t.Errorf("%s: event handler %s", name, a.Key)
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		if scripts != 1 || buttons != 1 || noscripts != 1 {
			t.Errorf("%s: %d scripts, %d ceremony buttons, %d noscript, want 1 each", name, scripts, buttons, noscripts)
		}
	}
	// Without passkeys, no script at all (TestRenderAll checks the rest).
	var b strings.Builder
	if err := render(&b, s, "login", &Page{Login: &LoginData{}}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<script") {
		t.Error("the login page has a script without passwordless login")
	}
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}
