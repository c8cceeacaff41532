// Package wrapper holds no Go code: this directory holds the sendmail
// wrapper script postern-sendmail, installed into LIBEXECDIR, and its
// man page postern-sendmail.8. The tests run the script with a fake
// sendmail. The argument contract is in the man page and in the package
// comment of postern/compose.
package wrapper
