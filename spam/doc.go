// Package spam reads a message's spam and authentication verdicts into
// plain words, and runs the site's learn command on a message.
//
// Verdicts reads the headers that spam filters and the receiving server
// add: X-Spam-Flag and X-Spam-Status (SpamAssassin: "Yes, score=7.1
// required=5.0 ..."), X-Spam-Score, and Authentication-Results (RFC 8601:
// spf, dkim, dmarc results). These headers are only as trustworthy as the
// server that added them; a sender can write them too, so the words say
// what the header claims ("The spam filter rated it ...") and the page
// shows them as information, never as proof. Only the first of each
// header is read (a receiving server prepends its own), and a value is
// read up to MaxVerdictBytes.
//
// Learn runs an administrator's fixed argv (learn_spam or learn_ham)
// with the message on standard input: no shell, a small environment, at
// most LearnTimeout and MaxLearnBytes of message, MaxLearnOutput bytes of
// its output kept for the log. The process runs as the user, after the
// privilege drop, in the request's Landlock sandbox (gate: RunsLearner).
//
// Not supported: ARC, per-test explanations of a SpamAssassin score,
// rspamd's own headers (X-Spamd-Result), and learning from a message
// larger than MaxLearnBytes (spam filters skip those too).
package spam
