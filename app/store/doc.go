// Package store keeps the studio's secrets and says what people may see of
// them: the stream-key stores (the OS keyring, a file only the user can
// read, or memory), the Secrets set that redacts every key from logs and
// error texts, and PlainError, the error text as people read it.
package store
