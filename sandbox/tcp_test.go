package sandbox

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"testing"
)

// TestRestrictTCP: with RestrictTCP the child connects to the one port
// of ConnectTCP and to no other, and binds no TCP port; without it, the
// rules leave TCP alone.
func TestRestrictTCP(t *testing.T) {
	if ABI() < 4 {
		lacking(t, "kernel without Landlock's network rights (ABI %d, want 4)", ABI())
	}
	var ports []string
	for range 2 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				c.Close()
			}
		}()
		ports = append(ports, strconv.Itoa(l.Addr().(*net.TCPAddr).Port))
	}
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	freePort := strconv.Itoa(free.Addr().(*net.TCPAddr).Port)
	free.Close()
	a, b, c := dirs(t)
	for _, restrict := range []string{"yes", "no"} {
		runChild(t, "tcp", "A="+a, "B="+b, "C="+c, "ALLOWED="+ports[0], "OTHER="+ports[1], "RESTRICT_TCP="+restrict, "FREE="+freePort)
	}
}

// tcpChild is the child of TestRestrictTCP.
func tcpChild() int {
	r, err := rules(os.Getenv("A"), os.Getenv("B"), os.Getenv("C"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 10
	}
	allowed, _ := strconv.Atoi(os.Getenv("ALLOWED"))
	restrict := os.Getenv("RESTRICT_TCP") == "yes"
	r.RestrictTCP, r.ConnectTCP = restrict, []uint16{uint16(allowed)}
	if err := Restrict(r); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 10
	}
	dial := func(port string) error {
		c, err := net.Dial("tcp", "127.0.0.1:"+port)
		if err == nil {
			c.Close()
		}
		return err
	}
	// A port of its own, on a plain TCP socket: Go's listeners are
	// Multipath TCP by default, which Landlock's TCP rights do not cover
	// (see the package doc).
	var lc net.ListenConfig
	lc.SetMultipathTCP(false)
	l, bindErr := lc.Listen(context.Background(), "tcp", "127.0.0.1:"+os.Getenv("FREE"))
	if bindErr == nil {
		l.Close()
	}
	return report([]probe{
		{"connect to the allowed port", dial(os.Getenv("ALLOWED")), false},
		{"connect to another port", dial(os.Getenv("OTHER")), restrict},
		{"bind a TCP port", bindErr, restrict},
	})
}
