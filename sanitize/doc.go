// Package sanitize turns untrusted HTML mail into HTML that is safe to
// show in the webmail. It is the only producer of template.HTML in
// postern.
//
// # Threat model
//
// The input is hostile: it may try to run script (in any of the ways
// browsers have allowed over the years), to load remote content that
// tells the sender the mail was read, to restyle or overlay the webmail
// page (fake login forms, fake buttons), to submit forms or redirect
// (<form>, <base>, <meta refresh>), to make the reader's browser request
// the webmail itself (its logout or other pages), or to hide a link's
// real target. The sanitizer is the first of three layers: the caller
// serves its output from its own URL with a strict
// Content-Security-Policy and shows it in an <iframe sandbox> without
// allow-scripts, so that a sanitizer bug still cannot run script or reach
// the session.
//
// # Contract with the caller
//
// The output goes in the body of a standards-mode document (one that
// starts with <!DOCTYPE html>), as a child of <body> and of nothing else:
// that is the context in which it is a fixed point of the parser (below).
// The caller decodes the charset first and passes the webmail's own hosts
// in Options.Self. The sanitizer cannot stop a browser from sending a
// Referer with the images it keeps: Chromium ignores the document's
// Referrer-Policy (header and <meta>) for images placed by CSS, so the
// caller serves the frame with an opaque origin (a sandbox without
// allow-same-origin), from which browsers send no Referer at all; remote
// <img>s carry referrerpolicy="no-referrer" as well.
//
// # Design: an allowlist over a parsed tree
//
// The input (UTF-8) is parsed as a whole document, in standards mode as
// the frame will be (a doctype is put before it, so the mail's own
// doctype cannot switch to quirks mode), with golang.org/x/net/html, the
// parser of the HTML standard, so that the tree judged is the tree a
// browser builds. Regular expressions never touch HTML. The <style>
// elements are collected and the body's children are walked against an
// allowlist (elements.go):
//
//   - Kept: the elements real mail uses (text formatting, headings,
//     lists, tables, images, links, font, center, div, span, ...) with
//     their allowed attributes: class, id, title, lang, dir, style on
//     all, and the presentational ones mail relies on (width, height,
//     align, valign, bgcolor, background, border, cellpadding,
//     cellspacing, colspan, rowspan, color, face, size, ...).
//   - Dropped with their content: script, style (handled apart), iframe,
//     frame, frameset, object, embed, applet, base, meta, link, title,
//     form and its controls, svg, math (and anything in a foreign
//     namespace), template, noscript, canvas, map, and their kin.
//   - Unwrapped (element gone, text kept): every other element, known
//     or not, and kept elements nested deeper than 256 levels.
//   - Every attribute not on the list goes, all on* handlers among them.
//     Comments (Outlook's conditional ones too) and doctypes go.
//
// # Design: the output is a fixed point of the parser
//
// The rendering of a tree is not always parsed back into that tree: the
// parser restructures what it would never have built itself (a link in
// a link, a p or a table in a p, an li in an li, an h2 in an h1, text or
// cells in the wrong place in a table, ...). A sanitizer that checks one
// tree while the browser builds another is open to mutation XSS. Pruning
// the parser's own tree is not enough either: foster parenting builds
// trees the parser restructures when it reads their rendering (from
// <a href=x><table><a href=y> it builds a link inside a link). Rather
// than model every rule of the tree builder, the sanitizer uses the
// parser itself: the walked tree is rendered inside
// <div class="postern-mail"> (ScopeClass) and the rendering parsed again
// as the frame parses it (the body of a standards-mode document). If
// rendering that tree gives the same bytes, they are returned: they are
// a fixed point, and the tree the browser builds from them is the tree
// rendered, whose every element and attribute came from the walk. If not,
// the parser's new tree is walked again (it may have cloned links or
// moved text) and the test repeated. Every input the tests and the
// fuzzer have found settles in two walks; one that has not settled after
// four is shown as its text only (a safe fixed point). Sanitizing the
// output again returns it unchanged (the wrapper is recognised and
// unwrapped; attributes are sorted by name). Both properties, and that
// the output settles, are tested and fuzzed.
//
// # Control characters
//
// No control character leaves the sanitizer: C0 (but tab, LF and CR in
// text and attribute values), DEL and C1 are removed from text and
// attribute values, and a URL that holds one, raw or percent-encoded, is
// dropped (line breaks in the query of a mailto: URL, RFC 6068's way of
// writing a multi-line body, excepted). Invalid UTF-8 is no character and
// is left to the browser.
//
// # URLs
//
// URL attributes (href, cite, src, background, srcset; every other URL
// attribute is not on the list) are judged after the parser decoded
// entities and as the URL Standard's parser reads them: tab and newline
// removed, C0 controls and spaces trimmed at the ends, the scheme
// lower-cased; a scheme is what the URL standard reads as one. Allowed:
// http and https (no user:password@ part), mailto, cid (mapped with
// Options.PartURL, dropped when it gives ""), "#fragment" links, and data:
// only for base64 PNG, JPEG, GIF and WebP images in img src.
// Protocol-relative URLs (//host/...) are read as https. Everything else
// (javascript:, vbscript:, data: otherwise, file:, relative URLs, which
// would reach the webmail itself) is dropped with the attribute.
//
// An http or https URL is kept only in the form scheme://host[:port]...:
// "https:host", "https:/path", "https:\\host" and "https:///host" are
// dropped, since a browser reads some of them relative to the frame's own
// URL. Its host is read as browsers read it (host.go: percent-decoding,
// UTS #46 mapping without transitional processing, the IPv4 parser that
// takes 0x7f.1 and 2130706433 for 127.0.0.1, IPv6 literals, a backslash
// ending the host), a reading compared in the tests with the URL parser of
// node. A URL whose host is one of Options.Self, on one of the ports
// given there or 80 or 443, is dropped whatever AllowRemote says, in
// every URL attribute, srcset and CSS url(): mail never makes the browser
// request the webmail. Names are compared in lower-case ASCII without a
// trailing dot, addresses as addresses (IPv4-mapped IPv6 as IPv4), and
// all loopback hosts (127/8, ::1, 0.0.0.0, localhost, *.localhost) are
// one. Ports other than the webmail's, 80 and 443 are another server:
// cookies are not isolated by port, but the frame has an opaque origin
// and sends none.
//
// Remote content (http and https in src, background, srcset and CSS
// url()) is removed unless Options.AllowRemote, and counted in
// Result.RemoteBlocked, as are the remote URLs of dropped elements (link
// prefetch and stylesheets, video posters, @import, @font-face). A kept
// remote <img> gets referrerpolicy="no-referrer".
//
// Links get target="_blank" and rel="noopener noreferrer". A link whose
// text is a URL or domain name (IDNA-compared) of another site than its
// target's host gets the class "postern-phish" (PhishClass) and the
// title "Link goes to HOST", and is counted in Result.PhishingLinks.
// Class names starting with "postern-" are removed from the mail, and
// selectors naming them are dropped, so the mark cannot be forged or
// hidden.
//
// # CSS
//
// Style attributes and <style> text are read with the CSS tokenizer and
// parser of github.com/tdewolff/parse/v2/css and written out anew from
// the tokens kept; nothing is copied through unread. A declaration is
// kept when its property is on the allowlist (css.go: colours, fonts,
// text, box model, borders, backgrounds, table layout, lists, flex,
// display, visibility, opacity, overflow, float) and every token of its
// value is plain: identifiers and numbers without escapes, #hex, strings
// of letters, digits and a little punctuation (font names), the
// functions rgb(a), hsl(a), calc, linear- and radial-gradient, and url()
// judged as an image URL (cid:, or remote with AllowRemote; data: is not
// allowed in CSS). Further: display only takes layout values, position
// only static or relative, z-index only -100..100; top, left, right and
// bottom are not on the list. Thus no expression(), behavior,
// -moz-binding, javascript:, escapes, @import, @font-face or remote
// fonts, and no fixed or absolute overlays.
//
// In <style>, a rule is kept when its selectors are simple: type, class,
// id, universal, the pseudo-classes :hover, :link, :visited, :active,
// :first-child and kin, joined by descendant, child and sibling
// combinators. Each selector is rewritten to start with ".postern-mail "
// so it cannot style the webmail page; leading html, body and :root
// become the wrapper itself (and may not be followed by a sibling
// combinator). @media blocks with plain queries are kept with their
// scoped rules; every other at-rule and anything that does not parse is
// dropped.
//
// # Not supported
//
// Attribute selectors, pseudo-elements, :not() and other functional
// pseudo-classes, CSS nesting, custom properties, var(), @font-face,
// @import, @keyframes, @supports; forms, video and audio (their fallback
// text is kept), image maps, <picture> sources, data: URLs in srcset,
// relative URLs (there is no base to resolve them against), URLs with
// user:password@ or in forms a browser may read relative to the frame,
// charsets other than UTF-8 (decode first), quirks mode. Input nested
// deeper than the HTML parser accepts (512 levels), or whose rendering
// does not settle, is shown as its text only.
package sanitize
