package sanitize

import "testing"

// TestCheckerCatches makes sure the property checker used by the attack,
// fidelity and fuzz tests can fail: each of these outputs is unsafe or
// unstable and must be reported.
func TestCheckerCatches(t *testing.T) {
	bad := []string{
		`<div class="postern-mail"><img src="javascript:alert(1)"/></div>`,
		`<div class="postern-mail"><p onclick="x">a</p></div>`,
		`<div class="postern-mail"><script>alert(1)</script></div>`,
		`<div class="postern-mail"><svg></svg></div>`,
		`<div class="postern-mail"><p style="width:expression(1)">a</p></div>`,
		`<div class="postern-mail"><style>p{color:red}</style></div>`, // unscoped rule
		`<div class="postern-mail"><style>.postern-mail p{background:url(javascript:x)}</style></div>`,
		`<div class="postern-mail"><p><table></table></p></div>`,             // mutates when re-parsed
		`<div class="postern-mail"><p title="a" >b</p></div><p>outside</p>`,  // not one wrapper
		`<div class="postern-mail"><a href="https://x.example/">x</a></div>`, // not idempotent: target/rel missing
		`<div class="postern-mail"><a href="/relative">x</a></div>`,
		`<div class="postern-mail"><img src="data:text/html,x"/></div>`,
		`<div class="postern-mail"><a><a>z</a><table></table></a></div>`,               // nested links: mutates
		`<div class="postern-mail"><ul><li>a<li>b</li><table></table></li></ul></div>`, // li in li: mutates
		`<div class="postern-mail"><img src="https://x.example/p.gif"/></div>`,         // remote image without referrerpolicy
	}
	for _, b := range bad {
		if err := checkOutput(b, testOpts); err == nil {
			t.Errorf("checkOutput(%q) = nil, want an error", b)
		}
	}
}
