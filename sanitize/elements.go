package sanitize

import (
	"strings"
	"sync"

	"golang.org/x/net/html/atom"
)

// verdict is what happens to an element.
type verdict int

const (
	unwrap verdict = iota // element gone, children kept (the default)
	keep                  // element kept with its allowed attributes
	drop                  // element gone with everything inside
)

// attrKind says how an allowed attribute's value is checked.
type attrKind int

const (
	plain    attrKind = iota + 1 // kept as is (the serializer escapes it)
	style                        // CSS declarations
	class                        // class names, our own "postern-" ones removed
	link                         // a link target (href, cite)
	image                        // a URL loaded on display (src, background)
	imageSet                     // srcset
)

// The tables below are built on first use, not at package initialisation:
// most CGI requests never sanitize HTML.

// dropped are the elements removed with their content: active content,
// document metadata, forms, foreign content (svg, math) and raw-text
// elements whose content is not mail text. style is dropped here and its
// text collected apart.
var dropped = sync.OnceValue(func() map[atom.Atom]bool {
	return atomSet(`script style iframe frame frameset noframes object embed
	applet param base basefont meta link title head form input button select
	textarea option optgroup datalist output keygen progress meter svg math
	template noscript noembed xmp plaintext canvas source track map area
	dialog slot`)
})

// globalAttrs are allowed on every kept element.
var globalAttrs = sync.OnceValue(func() map[string]attrKind {
	return map[string]attrKind{
		"class": class, "id": plain, "title": plain, "lang": plain, "dir": plain, "style": style,
	}
})

// kept maps each kept element to its allowed attributes beyond
// globalAttrs: what HTML mail uses, presentational attributes included.
var kept = sync.OnceValue(func() map[atom.Atom]map[string]attrKind {
	m := map[atom.Atom]map[string]attrKind{}
	add := func(elems, attrs string, kind attrKind) {
		for _, e := range atoms(elems) {
			if m[e] == nil {
				m[e] = map[string]attrKind{}
			}
			for _, a := range strings.Fields(attrs) {
				m[e][a] = kind
			}
		}
	}
	add(`a abbr acronym address article aside b bdi bdo big blockquote br
		caption center cite code col colgroup dd del details dfn div dl dt em
		figcaption figure font footer h1 h2 h3 h4 h5 h6 header hr i img ins
		kbd li main mark nav ol p pre q rp rt ruby s samp section small span
		strike strong sub summary sup table tbody td tfoot th thead time tr tt
		u ul var wbr`, "", plain)
	add("a", "name", plain)
	add("a", "href", link)
	add("blockquote q del ins", "cite", link)
	add("del ins time", "datetime", plain)
	add("img", "alt width height border hspace vspace align", plain)
	add("img", "src", image)
	add("img", "srcset", imageSet)
	add("table", "width height align bgcolor border cellpadding cellspacing summary frame rules", plain)
	add("tr thead tbody tfoot", "align valign bgcolor height", plain)
	add("td th", "align valign bgcolor width height colspan rowspan nowrap abbr scope headers axis", plain)
	add("table tr td th", "background", image)
	add("col colgroup", "span width align valign bgcolor", plain)
	add("caption div p h1 h2 h3 h4 h5 h6 center", "align", plain)
	add("font", "color face size", plain)
	add("hr", "align width size noshade color", plain)
	add("br", "clear", plain)
	add("ol", "start type reversed", plain)
	add("ul", "type", plain)
	add("li", "type value", plain)
	add("pre", "width", plain)
	add("details", "open", plain)
	return m
})

// urlAttrs are the attributes whose remote URLs count as blocked remote
// content when their element is dropped or unwrapped.
var urlAttrs = []string{"src", "poster", "background", "srcset", "data"}

// atoms returns the atoms of the space-separated element names.
func atoms(names string) []atom.Atom {
	var as []atom.Atom
	for _, n := range strings.Fields(names) {
		a := atom.Lookup([]byte(n))
		if a == 0 {
			panic("sanitize: unknown element " + n)
		}
		as = append(as, a)
	}
	return as
}

// atomSet returns the set of the space-separated element names.
func atomSet(names string) map[atom.Atom]bool {
	m := map[atom.Atom]bool{}
	for _, a := range atoms(names) {
		m[a] = true
	}
	return m
}
