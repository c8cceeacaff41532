package sanitize

import "testing"

// misnested are inputs whose walked tree, rendered, the HTML parser
// would build differently: the class of mutation XSS. Each output must be
// a fixed point of the parser and of the sanitizer (checkOutput).
var misnested = []string{
	// nested links: the parser's own tree (foster parenting), rendered
	// as <a><a>, is split by the adoption agency when re-parsed
	`<a href=x><table><a href=y>z`,
	`<a href=https://x.example/><table><a href=https://y.example/>z</a></table>w`,
	`<a href=https://x.example/><div><a href=https://y.example/>z</a></div></a>`,
	// the same for the elements a start tag closes: foster parenting
	// puts the second inside the first, re-parsing closes the first
	`<ul><li>a<table><li>b</table></ul>`,
	`<dl><dt>a<table><dd>b</table></dl>`,
	`<h1>a<table><h2>b</table></h1>`,
	`<p>a<table><p>b</table>`,
	`<a href=https://x.example/>a<table><tr><td>b</td></tr><a href=https://y.example/>c</table>`,
	// an unwrapped element let a block into a p, or a p into a p
	`<p>a<marquee><div>b</div></marquee>c</p>`,
	`<p>a<marquee><p>b</p></marquee>c`,
	`<p><applet><table><tr><td>x</table></applet>`,
	`<p><object><ul><li>x</ul></object>`,
	// headings, list items and dd/dt the parser closes on the next one
	`<h1>a<marquee><h2>b</h2></marquee></h1>`,
	`<ul><li>a<marquee><li>b</marquee></ul>`,
	`<dl><dt>a<marquee><dd>b</marquee></dl>`,
	// forms are dropped; what they held stays
	`<form><p>a<form><p>b</form>c</p></form>`,
	`<table><tr><form><td>x</td></form></tr></table>`,
	// table content misnested: text and cells outside rows, a table in
	// a caption, cells whose table was unwrapped for depth
	`<table><marquee>text<td>x</td></marquee></table>`,
	`<table><caption><table><tr><td>x</table></caption></table>`,
	`<table><tr><td>a<marquee></td><td>b</marquee></table>`,
	`<table><col><tr><td>x</td></tr><colgroup><col></colgroup></table>`,
	// elements that cannot be children of their parent
	`<select><option><p>x</p></option></select>`,
	`<ruby>a<rt>b<rp>c<rt>d</ruby>`,
	`<li>a<marquee><li>b</li></marquee>`,
	`<pre>` + "\n\n" + `x</pre>`,
	`<listing>` + "\n" + `x</listing><pre><marquee>` + "\n" + `y</marquee></pre>`,
	// formatting elements reopened by the adoption agency
	`<b><p>a</b>b<i><div>c</b>d</i>`,
	`<font color=red><table><font><tr><td>x</font></table>`,
	`<a href=https://x.example/>1<b>2<p>3</a>4`,
	`<nobr>a<nobr>b<nobr>c`,
	`<b><b><b><b><div>x</b></b></b></b>`,
	// foreign content: dropped, but its integration points must not
	// leave elements that re-parse into it
	`<svg><foreignObject><p>x</p></foreignObject></svg>y`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
	`<math><annotation-xml encoding="text/html"><p>x</p></annotation-xml></math>`,
	`<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">`,
	`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
	`<template><p>x</template><table><template><td>y</template></table>`,
	// raw text and comments that could close something when re-parsed
	`<p title="</p><script>x</script>">a</p>`,
	`<style><!--</style><p>--></p>`,
	`<xmp></xmp><p>x</p></xmp>`,
}

func TestParserFixpoint(t *testing.T) {
	most := 0
	for _, in := range misnested {
		for oname, opt := range optionSets {
			res, n := passes(in, opt)
			out := string(res.HTML)
			if err := checkOutput(out, opt); err != nil {
				t.Errorf("String(%q) (%s) = %q: %v", in, oname, out, err)
			}
			if n == 0 {
				t.Errorf("String(%q) (%s) = %q: did not settle in %d passes, text only", in, oname, out, maxPasses)
			}
			most = max(most, n)
		}
	}
	t.Logf("%d misnested inputs settled in %d passes at most", len(misnested), most)
}
