package main

import (
	"os/exec"
	"syscall"
)

// setDeathSignal kills the child when the test binary dies (a timeout's
// panic runs no cleanups), so no server outlives its test.
func setDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
