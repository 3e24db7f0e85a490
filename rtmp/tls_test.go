package rtmp

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seed7c1a73c4/onair/media"
	"github.com/seed7c1a73c4/onair/rtmp/chunk"
	"github.com/seed7c1a73c4/onair/rtmp/internal/rtmptest"
	"github.com/seed7c1a73c4/onair/rtmp/internal/wiretest"
)

// testPKI is a throwaway CA and a server certificate it signed.
type testPKI struct {
	caFile string
	server tls.Certificate
}

func newTestPKI(t *testing.T, dnsNames []string, ips []net.IP) testPKI {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "OnAir test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "server"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: dnsNames, IPAddresses: ips,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return testPKI{caFile: caFile, server: tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}}
}

func (p testPKI) serverConfig() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{p.server}, MinVersion: tls.VersionTLS12}
}

func TestPublisherTLS(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	good := newTestPKI(t, nil, []net.IP{net.ParseIP("127.0.0.1")})
	wrongHost := newTestPKI(t, []string{"other.example"}, nil)

	t.Run("trusted CA", func(t *testing.T) {
		srv := startFakeServer(t, fakeOpts{}, good.serverConfig())
		p, err := Dial(context.Background(), mustTarget(t, srv.url("rtmps"), testKey), PublisherOptions{CAFile: good.caFile})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.WritePacket(&media.Packet{Kind: media.KindAudio, Header: true, Key: true, Data: []byte{0x11, 0x90}}); err != nil {
			t.Fatal(err)
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		srv.waitEvent("cmd:deleteStream")
	})
	cases := []struct {
		name   string
		pki    testPKI
		caFile string
		want   string
	}{
		{"missing CA", good, "", "TLS certificate of 127.0.0.1 is not trusted (x509: certificate signed by unknown authority); pass --ca-file if you use a private CA"},
		{"wrong host", wrongHost, wrongHost.caFile, "TLS certificate is not valid for host name 127.0.0.1 (x509: "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := startFakeServer(t, fakeOpts{}, c.pki.serverConfig())
			log, logs := rtmptest.DebugLogger()
			tg := mustTarget(t, srv.url("rtmps"), testKey)
			_, err := Dial(context.Background(), tg, PublisherOptions{CAFile: c.caFile, Log: log})
			if err == nil || !strings.HasPrefix(err.Error(), c.want) || strings.Count(err.Error(), "(") != 1 {
				t.Fatalf("err = %v\nwant  %s", err, c.want)
			}
			if !errors.Is(err, ErrTLSCertificate) {
				t.Fatalf("%v is not ErrTLSCertificate", err)
			}
			assertNoSecrets(t, tg, err.Error()+logs.String())
		})
	}
	t.Run("plain server", func(t *testing.T) {
		srv := startFakeServer(t, fakeOpts{}, nil)
		_, err := Dial(context.Background(), mustTarget(t, srv.url("rtmps"), testKey), PublisherOptions{CAFile: good.caFile, Timeout: time.Second})
		if err == nil || !strings.Contains(err.Error(), "TLS") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("bad CA file", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad.pem")
		_ = os.WriteFile(bad, []byte("not a certificate"), 0o600)
		_, err := Dial(context.Background(), mustTarget(t, "rtmps://127.0.0.1:1/live", testKey), PublisherOptions{CAFile: bad})
		if err == nil || !strings.Contains(err.Error(), "holds no PEM certificate") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestHandshake(t *testing.T) {
	rtmptest.CheckGoroutines(t)
	a, b := wiretest.TCPPair(t)
	errc := make(chan error, 1)
	go func() { _, err := chunk.ServerHandshake(b, time.Second); errc <- err }()
	if err := chunk.ClientHandshake(a, time.Second); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}

	// An HTTP client on the RTMP port.
	a, b = wiretest.TCPPair(t)
	_, _ = a.Write([]byte("GET / HTTP/1.1\r\n\r\n"))
	if _, err := chunk.ServerHandshake(b, time.Second); !errors.Is(err, chunk.ErrProtocol) || !strings.Contains(err.Error(), "speaks HTTP") || !strings.Contains(err.Error(), "rtmpt://") {
		t.Fatalf("err = %v", err)
	}

	// A version other than 3 and RTMPE's 6 (8 is RTMPE with XTEA).
	a, b = wiretest.TCPPair(t)
	_, _ = a.Write([]byte{8})
	if _, err := chunk.ServerHandshake(b, time.Second); err == nil || !strings.Contains(err.Error(), "RTMP version 8, want 3") {
		t.Fatalf("err = %v", err)
	}

	// A client that says nothing.
	_, b = wiretest.TCPPair(t)
	start := time.Now()
	if _, err := chunk.ServerHandshake(b, 100*time.Millisecond); err == nil || !strings.Contains(err.Error(), "timed out after 100ms") {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > time.Second {
		t.Fatal("handshake deadline ignored")
	}
}
