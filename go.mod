module postern

go 1.26.8

require (
	github.com/GehirnInc/crypt v0.0.0-20230320061759-8cc1b52080c5
	github.com/emersion/go-imap v1.2.1
	github.com/emersion/go-maildir v0.6.0
	github.com/emersion/go-message v0.18.2
	github.com/msteinert/pam/v2 v2.1.0
	golang.org/x/net v0.62.0
	golang.org/x/text v0.43.0
)
