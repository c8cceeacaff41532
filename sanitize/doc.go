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
// (<form>, <base>, <meta refresh>), or to hide a link's real target. The
// sanitizer is the first of three layers: the caller serves its output
// from its own URL with a strict Content-Security-Policy and shows it in
// an <iframe sandbox> without allow-scripts, so that a sanitizer bug
// still cannot run script or reach the session.
//
// # Design: an allowlist over a parsed tree
//
// The input (UTF-8; the caller decodes charsets) is parsed as a whole
// document with golang.org/x/net/html, the parser of the HTML standard,
// so that the tree judged is the tree a browser builds. Regular
// expressions never touch HTML. The <style> elements are collected and
// the body's children are walked against an allowlist (elements.go):
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
// The result is rendered inside <div class="postern-mail"> (ScopeClass)
// and then re-parsed as the content of a div and rendered again, so that
// the returned markup is a fixed point of the parser: re-parsing it gives
// the same tree (no mutation XSS). Sanitizing the output again returns it
// unchanged (the wrapper is recognised and unwrapped; attributes are
// sorted by name). Both properties are tested and fuzzed.
//
// # URLs
//
// URL attributes (href, cite, src, background, srcset; every other URL
// attribute is not on the list) are judged after the parser decoded
// entities, with control characters removed, spaces trimmed and the
// scheme lower-cased; a scheme is what the URL standard reads as one.
// Allowed: http and https (no user:password@ part), mailto, cid (mapped
// with Options.PartURL, dropped when it gives ""), "#fragment" links,
// and data: only for base64 PNG, JPEG, GIF and WebP images in img src.
// Protocol-relative URLs (//host/...) are read as https. Everything else
// (javascript:, vbscript:, data: otherwise, file:, relative URLs, which
// would reach the webmail itself) is dropped with the attribute.
//
// Remote content (http and https in src, background, srcset and CSS
// url()) is removed unless Options.AllowRemote, and counted in
// Result.RemoteBlocked, as are the remote URLs of dropped elements (link
// prefetch and stylesheets, video posters, @import, @font-face).
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
// relative URLs (there is no base to resolve them against), charsets
// other than UTF-8 (decode first). Input nested deeper than the HTML
// parser accepts (512 levels) is shown as its text only.
package sanitize
