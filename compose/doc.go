// Package compose turns what a user wrote into a complete outgoing
// message and hands it to the sendmail wrapper.
//
// Standards: messages are RFC 5322 with MIME (RFC 2045-2049) written
// with github.com/emersion/go-message; non-ASCII header text is RFC 2047
// encoded, attachment file names RFC 2231 encoded; the body is
// text/plain; charset=utf-8; format=flowed (RFC 3676, DelSp=no, lines
// of at most 78 characters where words allow, space-stuffing) in 7bit
// when it is ASCII with short lines, else quoted-printable. Internationalized
// domain names are converted to ASCII (IDNA 2008 with UTS 46 mapping,
// golang.org/x/net/idna) for the header and the envelope.
//
// Parts:
//   - Draft holds everything the user wrote, with the chosen identity's
//     display name (From) and Reply-To (package identity); Build writes
//     the message to send (never a Bcc field), BuildDraft the copy for
//     the user's own Drafts and Sent folders (with Bcc). Attachments are files, streamed
//     into the message and never read whole into memory.
//   - ReplyDraft, ForwardInline and ForwardAttachment start a draft from a
//     message.View; ResumeDraft restores a saved draft; SavePart copies an
//     attachment of a stored message into a file so that it can be
//     forwarded.
//   - ParseForm reads the compose form (multipart/form-data or
//     urlencoded) within Limits, streaming files to mode-600 temporary
//     files; an exceeded limit is a *TooLargeError (errors.Is ErrTooLarge).
//   - Tokens makes sending idempotent: MarkSent succeeds once per
//     compose-form token (an O_EXCL file), so a reload or a double click
//     never sends twice.
//   - Sender runs the wrapper.
//
// The wrapper contract (wrapper/postern-sendmail, see its man page
// postern-sendmail(8)): postern runs, without a shell,
//
//	postern-sendmail FROM RCPT...
//
// with the complete message on standard input, after the privilege drop
// (as the authenticated user, with the environment cleaned by privdrop).
// FROM is the envelope sender, each RCPT one envelope recipient (To, Cc
// and Bcc, ASCII, deduplicated); none may be empty, start with '-' or
// contain white space or control characters, and compose checks that
// before it runs the wrapper as the wrapper checks it again. The wrapper
// runs "sendmail -oi -f FROM -- RCPT..." (explicit recipients and no -t,
// because the Bcc recipients are not in the header) and passes through
// sendmail's exit status and standard error. Exit status 64 means a
// refused argument, 69 a missing sendmail. A non-zero status becomes a
// *SendError carrying the start of sendmail's error output.
//
// Header injection: every header value (addresses, subject, message ids,
// attachment names and types) is checked by CheckHeaderValue, which
// refuses CR, LF, NUL and the other control characters but tab, and
// invalid UTF-8.
//
// Build writes LF line ends, the convention of Maildir files and of
// local submission to sendmail.
//
// Not supported: non-ASCII local parts (SMTPUTF8, RFC 6531) are refused
// with an error; HTML bodies; signing and encryption.
package compose
