package pwhash

/*
#cgo LDFLAGS: -lcrypt
#include <crypt.h>
#include <stdlib.h>
#include <string.h>
*/
import "C"

import (
	"errors"
	"unsafe"
)

// libcrypt returns crypt_rn(password, setting) from the system's libxcrypt.
func libcrypt(password, setting string) (string, error) {
	cpw := C.CString(password)
	defer func() {
		C.explicit_bzero(unsafe.Pointer(cpw), C.size_t(len(password)))
		C.free(unsafe.Pointer(cpw))
	}()
	cset := C.CString(setting)
	defer C.free(unsafe.Pointer(cset))
	size := C.size_t(unsafe.Sizeof(C.struct_crypt_data{}))
	data := C.calloc(1, size)
	if data == nil {
		return "", errors.New("pwhash: out of memory")
	}
	defer func() {
		C.explicit_bzero(data, size)
		C.free(data)
	}()
	out := C.crypt_rn(cpw, cset, data, C.int(size))
	if out == nil {
		return "", errors.New("pwhash: libcrypt refused the setting")
	}
	s := C.GoString(out)
	if s == "" || s[0] == '*' {
		return "", errors.New("pwhash: libcrypt refused the setting")
	}
	return s, nil
}

// gensalt returns a setting for the scheme prefix with libxcrypt's default
// cost and random bytes from the operating system.
func gensalt(prefix string) (string, error) {
	cp := C.CString(prefix)
	defer C.free(unsafe.Pointer(cp))
	var buf [C.CRYPT_GENSALT_OUTPUT_SIZE]C.char
	if C.crypt_gensalt_rn(cp, 0, nil, 0, &buf[0], C.int(len(buf))) == nil {
		return "", errors.New("pwhash: crypt_gensalt_rn failed for " + prefix)
	}
	return C.GoString(&buf[0]), nil
}
