//go:build !linux

package watchdog

import "time"

// runqueueWait is 0 where Linux's schedstat does not exist: ownTime is
// then the wall time.
func runqueueWait() time.Duration { return 0 }
