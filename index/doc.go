// Package index is postern's per-user search index: an SQLite database
// with FTS5 that caches, for every message of the Maildir, what the
// message list, search and the conversation view need.
//
// The index is a cache derived from the Maildir and never the source of
// truth. Delete it and it is rebuilt; a message delivered, moved, flagged
// or deleted by another program (an MDA, an IMAP server, mv in a shell)
// shows on the next Update. Update works in two steps:
//
//  1. Scan (always complete): for every folder, cur/ and new/ are read
//     only when their modification time differs from the one recorded at
//     the last scan, and a directory whose time was within TrustAfter of
//     the scan is read again next time (a change in the same clock tick
//     would not move the time). Files are matched by key: new keys are
//     added as rows known by name only (date from the key's leading
//     Unix time, size from ",S=" or stat), renamed files update their
//     flags, missing files are removed. Messages in new/ are moved to
//     cur/ as a Maildir reader must; when cur/ was in step before, the
//     moved messages are added as rows and the time the moves gave cur/
//     is recorded, so that the next scan does not read cur/ again for
//     what it did itself (a change by another program to the same cur/
//     within the same clock tick as the last move is seen at the next
//     change of cur/; see ownTime).
//     What postern changes in cur/ itself (flags set, messages moved,
//     deleted or written: the app's actions, the message page, the Sent
//     and Drafts copies) goes through Own, which updates those rows and
//     records the time the change gave cur/ when cur/ was in step, so
//     that only a change by another program makes a scan read cur/.
//  2. Extract (within a time budget): rows not yet read are parsed with
//     the message package (message.Digester: the list columns, headers,
//     text and attachment names in one pass that decodes only the text
//     parts), newest first, committed in batches with statements
//     prepared once; the rest waits for the next call. Progress says how
//     far this has come.
//
// The list's order never depends on how far extraction has come. What
// the list sorts by and shows of a message (date, sender, subject, size,
// the attachment and malformed marks: its list columns) is final once
// the message is read, and List reads every message of the folder that
// extraction has not read yet (message.Summarize of the same bytes,
// which gives what extraction would) before it lists the folder; after
// that nothing changes them. Ties are broken by the message key, so the
// order is total and the pages of a folder list every message exactly
// once, whether it is not read at all, partly or fully. (Mail added or
// removed between two pages shifts the later pages, as with any list by
// offset.) The first list of a folder extraction has not read thus
// reads all of it once, whatever the time budget: a quarter to a third
// of what extracting it costs (BenchmarkFirstList, BenchmarkUpdate).
//
// Limits: at most Limits.MaxMessageBytes of a message file are read and at
// most Limits.MaxPartText bytes of decoded text per text part are indexed
// (defaults 1 MiB and 64 KiB): text and attachment names after the first
// MiB of a message are not found. Header fields are bounded by the message
// package. Memory per request does not grow with the folder: listing and
// search read one page of rows; only a scan of a changed cur/ holds the
// folder's file names.
//
// Concurrency: SQLite in WAL mode with a busy timeout; writers (Update,
// Finish, and List when it reads messages first) also take an exclusive
// flock on "<db>.lock", so there is one writer at a time and readers
// never wait. The database must be on a local file
// system: for Maildirs on NFS, put it in a local directory (Path).
//
// Search (ParseQuery, Index.Search) takes words and quoted phrases with
// the operators from:, to:, subject:, has:attachment, is:unread, is:read,
// is:flagged, before:, after: (YYYY-MM-DD), folder: and -word; the full
// text is matched by FTS5's unicode61 tokenizer with diacritics removed.
// Text is stored only as an index (a contentless FTS5 table), so the
// excerpts of a result page are made by reading those messages again.
//
// Threads follow RFC 5256's REFERENCES algorithm (section 3,
// "REFERENCES"): References and In-Reply-To link messages; a message
// with neither header is put in the thread of an earlier message with the
// same base subject only when its own subject is a reply ("Re:").
// Deliberate divergences: each message carries a thread key at index
// time (the first message-id of its References, else that of its parent,
// else its own), and Thread builds the RFC 5256 tree only over the
// messages sharing a key, in the folder and in the Sent folder.
//
// What a page must not count by reading a whole folder is kept by
// triggers on the message rows: per folder, the messages, the unread
// ones and the conversations (counts), and per conversation of the
// messages read so far its size, unread messages and last date (threads,
// read in order through the index threads_last), so that a list by
// conversation costs what its page costs, at any size.
package index
