package database

import (
	"io"
	"log/slog"
)

// discardLogger quiets river's migrator, which logs each step at info.
var discardLogger = slog.New(slog.NewTextHandler(io.Discard, nil))
