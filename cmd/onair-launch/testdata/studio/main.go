// Command studio stands in for onair-studio in the launcher's tests: it
// prints its pid, arguments and $ONAIR_TEST as JSON.
package main

import (
	"encoding/json"
	"os"
)

func main() {
	json.NewEncoder(os.Stdout).Encode(map[string]any{"pid": os.Getpid(), "args": os.Args, "env": os.Getenv("ONAIR_TEST")})
}
