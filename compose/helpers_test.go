package compose

import "errors"

// isTooLarge reports whether err is a *TooLargeError for limit.
func isTooLarge(err error, limit string) bool {
	var tl *TooLargeError
	return errors.Is(err, ErrTooLarge) && errors.As(err, &tl) && tl.Limit == limit
}
