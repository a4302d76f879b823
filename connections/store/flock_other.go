//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package store

import "os"

// Other systems get no cross-process lock; the in-process mutex still serializes writers.
func flock(*os.File, bool) error { return nil }
func funlock(*os.File) error     { return nil }
func syncDir(string) error       { return nil }
