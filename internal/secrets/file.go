package secrets

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// CreateOnce returns the contents of path, creating it first with make()
// when it does not exist. Two processes starting at once on one data
// directory agree on one file: it is written aside and linked into place,
// which fails for the second, who then reads the first's.
func CreateOnce(path string, make func() ([]byte, error)) ([]byte, error) {
	if b, err := os.ReadFile(path); err == nil || !errors.Is(err, os.ErrNotExist) {
		return b, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	content, err := make()
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".new-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, err
	}
	if _, err := tmp.Write(content); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return os.ReadFile(path)
}
