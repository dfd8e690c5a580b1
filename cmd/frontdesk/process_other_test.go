//go:build !linux

package main

import "os/exec"

// setDeathSignal: only Linux can tie a child's life to its parent's; the
// tests' cleanups still kill every child.
func setDeathSignal(*exec.Cmd) {}
