package rtmp

import (
	"errors"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestDescribeDialError(t *testing.T) {
	tg := mustTarget(t, "rtmp://live.example.com/app", testKey)
	op := func(err error) error { return &net.OpError{Op: "dial", Net: "tcp", Err: err} }
	cases := []struct {
		err  error
		want string
		is   error
	}{
		{op(os.NewSyscallError("connect", syscall.ECONNREFUSED)), "connection refused by live.example.com:1935 (nothing listens on that port)", syscall.ECONNREFUSED},
		{op(os.ErrDeadlineExceeded), "connecting to live.example.com:1935 timed out after 10s", os.ErrDeadlineExceeded},
		{&net.DNSError{Err: "no such host", Name: "live.example.com", IsNotFound: true}, "cannot resolve host live.example.com: no such host", nil},
		{&net.DNSError{Err: "server misbehaving", Name: "live.example.com"}, "cannot resolve host live.example.com (server misbehaving)", nil},
		{op(os.NewSyscallError("connect", syscall.ENETUNREACH)), "cannot reach live.example.com:1935: network unreachable", nil},
	}
	for _, c := range cases {
		err := describeDialError(c.err, tg, 10*time.Second)
		if err.Error() != c.want {
			t.Errorf("got %q, want %q", err, c.want)
		}
		if c.is != nil && !errors.Is(err, c.is) {
			t.Errorf("%v does not wrap %v", err, c.is)
		}
	}
	err := describeIOError(op(os.ErrDeadlineExceeded), tg, 3*time.Second, "sending to")
	if !strings.HasPrefix(err.Error(), "sending to live.example.com:1935 timed out after 3s") {
		t.Errorf("got %q", err)
	}
	if err := describeIOError(op(syscall.EPIPE), tg, time.Second, "sending to"); err.Error() != "the server live.example.com:1935 closed the connection" {
		t.Errorf("got %q", err)
	}
}
