package testpeer

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// TLSFiles are a test CA and a server certificate it signed.
type TLSFiles struct {
	CACert, ServerCert, ServerKey string
}

// MakeCA generates, with the openssl CLI, a CA and a server certificate for
// the given DNS names and IP addresses (e.g. "IP:127.0.0.1", "DNS:localhost").
func MakeCA(t testing.TB, sans ...string) TLSFiles {
	t.Helper()
	Require(t, "openssl")
	dir := t.TempDir()
	f := TLSFiles{
		CACert:     filepath.Join(dir, "ca.pem"),
		ServerCert: filepath.Join(dir, "server.pem"),
		ServerKey:  filepath.Join(dir, "server.key"),
	}
	caKey := filepath.Join(dir, "ca.key")
	csr := filepath.Join(dir, "server.csr")
	ext := filepath.Join(dir, "ext.cnf")
	san := "subjectAltName="
	for i, s := range sans {
		if i > 0 {
			san += ","
		}
		san += s
	}
	run := func(args ...string) {
		t.Helper()
		out, err := exec.Command("openssl", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("openssl %v: %v\n%s", args, err, out)
		}
	}
	run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", caKey, "-out", f.CACert, "-days", "2", "-subj", "/CN=OnAir Test CA")
	run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", f.ServerKey, "-out", csr, "-subj", "/CN=onair-test-server")
	writeFile(t, ext, san+"\n")
	run("x509", "-req", "-in", csr, "-CA", f.CACert, "-CAkey", caKey, "-CAcreateserial",
		"-out", f.ServerCert, "-days", "2", "-extfile", ext)
	return f
}
