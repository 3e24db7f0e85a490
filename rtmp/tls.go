package rtmp

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"

	"github.com/seed7c1a73c4/onair/rtmp/chunk"
)

// clientTLSConfig returns the TLS settings for rtmps: TLS 1.2 or later, the
// system roots plus the PEM certificates of caFile, and SNI set to host.
// There is deliberately no way to skip verification.
func clientTLSConfig(host, caFile string) (*tls.Config, error) {
	roots, err := x509.SystemCertPool()
	if err != nil || roots == nil {
		roots = x509.NewCertPool()
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("reading CA file: %w", err)
		}
		if !roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA file %s holds no PEM certificate", caFile)
		}
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, ServerName: host, RootCAs: roots}, nil
}

// describeTLSError turns a TLS handshake failure into one sentence naming the
// problem. Certificate failures wrap ErrTLSCertificate as well as the cause.
func describeTLSError(err error, host, addr string) error {
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		record   tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &unknown):
		return fmt.Errorf("TLS certificate of %s is not trusted (%w); pass --ca-file if you use a private CA%w", host, unknown, chunk.Mark(ErrTLSCertificate))
	case errors.As(err, &hostname):
		return fmt.Errorf("TLS certificate is not valid for host name %s (%w)%w", host, hostname, chunk.Mark(ErrTLSCertificate))
	case errors.As(err, &invalid):
		return fmt.Errorf("TLS certificate of %s is invalid (%w)%w", host, invalid, chunk.Mark(ErrTLSCertificate))
	case errors.As(err, &record):
		return fmt.Errorf("%s did not answer with TLS (is it a plain rtmp:// server?): %w", addr, err)
	}
	return fmt.Errorf("TLS handshake with %s failed: %w", addr, err)
}
