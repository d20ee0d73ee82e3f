//go:build linux || darwin || freebsd

package server

import "syscall"

// diskFree is the space available to an unprivileged process in the file
// system that holds path.
func diskFree(path string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, err
	}
	return uint64(st.Bavail) * uint64(st.Bsize), nil
}
