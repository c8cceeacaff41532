package pwhash

// dummyHash is a yescrypt hash of a password nobody knows, with the cost
// Debian's chpasswd uses.
const dummyHash = "$y$j9T$Mmm.1WXaNaKTgIofRJlEZ1$ExxHzp4gDLGdfq2c2dg5LvG/SQkrMiusWfhkLJ3WmM3"

// Waste verifies password against a dummy hash and ignores the result, so
// that a login for an unknown, locked or empty account takes as long as
// one with a wrong password and its timing does not tell which users
// exist.
func Waste(password string) {
	_ = Verify(dummyHash, password)
}
