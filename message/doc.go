// Package message turns one stored mail file into view data, within limits.
//
// It reads Internet messages (RFC 5322) with MIME bodies (RFC 2045-2049)
// from an io.Reader and never panics and never fails on broken mail: a
// parse error yields as much as could be shown plus a short list of
// problems (View.Problems, Summary.Malformed).
//
// Supported:
//   - header fields: RFC 2047 encoded words (B and Q, every charset
//     golang.org/x/text knows, looked up by any IANA alias or WHATWG
//     label, also without regard to punctuation: see lookupCharset;
//     adjacent words in one charset are joined before decoding so split
//     multi-byte characters survive), RFC 2231 parameters with
//     continuations and charsets, raw 8-bit header bytes (UTF-8 if valid,
//     else Windows-1252); address fields read leniently, as Thunderbird
//     and mutt read them (address.go);
//   - bodies: base64 and quoted-printable (both decoded leniently), text
//     charsets, format=flowed with DelSp (RFC 3676), quote depth, links in
//     text, text/html shown as text (golang.org/x/net/html);
//   - structure: multipart/* (RFC 2046) with IMAP part paths (RFC 3501
//     section 6.4.5: "1", "2.1"), message/rfc822 as viewable attachments,
//     multipart/digest. Every inline text/plain and text/html part is
//     body text, shown in its place; a text part with Content-Disposition
//     attachment is an attachment. Only multipart/alternative chooses one
//     of its parts, once for each of two views: View.Text (all as text:
//     text/plain preferred) and View.Body (HTML as HTML: the last, richest
//     part with something to see, so that an empty HTML part never hides
//     a full text one);
//   - senders: a display name that holds another address than the real
//     one is told apart (Address.Misleading, ListName, SenderWarning;
//     sender.go says what counts).
//
// Every output string is valid UTF-8 without control characters (tab and,
// in bodies, newline excepted).
//
// Deliberate divergences:
//   - QUIRK: a bare CR (not followed by LF) is read as a line break
//     everywhere, also inside binary parts (RFC 5322 section 2.3 forbids
//     bare CR; old Mac mailers and some bounces use it as the line end).
//   - QUIRK: an mbox "From " line, a UTF-8 byte order mark and blank lines
//     before the first header field are skipped.
//   - QUIRK: a header line that is neither a field nor a continuation ends
//     the header and starts the body (as Python's email package does).
//   - Undeclared 8-bit text is UTF-8 when valid, else Windows-1252; so is
//     text labelled US-ASCII (any alias) or UTF-8. ISO-8859-1 is read as
//     Windows-1252, ISO-8859-9 as Windows-1254 (WHATWG Encoding Standard).
//   - QUIRK: encoded words are decoded inside quoted strings and may hold
//     spaces and double quotes (RFC 2047 sections 4.2 and 5 forbid it;
//     mailers write it, readers decode it); their charset may hold '.'
//     and ':' (ANSI_X3.4-1968).
//   - Not supported: uuencoded bodies, TNEF decoding, S/MIME and PGP
//     (shown as attachments), message/partial reassembly.
//
// Limits (Limits, DefaultLimits) bound every read of untrusted bytes: each
// header block, the decoded text kept per text part, the number of parts
// walked and the nesting depth. OpenPart streams a part's body and never
// holds a whole part in memory. ReadDigest (and Digester, which keeps its
// buffers between messages) reads what a search index keeps in one walk
// that decodes the text parts only; it agrees with Summarize and Parse.
package message
