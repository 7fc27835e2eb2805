package fsys

import (
	"errors"
	"io/fs"
	"path"
)

// writeAtomic replaces rel with data so that a reader, or a crash, sees
// either the old file or the new one, never a part: write a temporary file
// in the same directory, fsync it, give it its mode, rename it over the
// target and fsync the directory so the rename itself survives a crash.
func (r *Root) writeAtomic(logical, rel string, data []byte, mode fs.FileMode) error {
	dir := path.Dir(rel)
	f, tmp, err := r.ops.CreateTemp(dir, path.Base(rel))
	if err != nil {
		return ioErr(logical, "create temporary file", err)
	}
	step, err := "write", writeAll(f, data)
	if err == nil {
		step, err = "fsync", f.Sync()
	}
	if err == nil {
		// Through the open file, not by name: the name could be
		// swapped for a link in between (see os.Root.Chmod).
		step, err = "chmod", f.Chmod(mode)
	}
	if cerr := f.Close(); err == nil {
		step, err = "close", cerr
	}
	if err == nil {
		step, err = "rename", r.ops.Rename(tmp, rel)
	}
	if err != nil {
		return errors.Join(ioErr(logical, step, err), r.removeTemp(logical, tmp))
	}
	return r.syncDir(logical, rel)
}

func writeAll(f file, data []byte) error {
	_, err := f.Write(data)
	return err
}

func (r *Root) removeTemp(logical, tmp string) error {
	if err := r.ops.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return ioErr(logical, "remove temporary file /"+tmp, err)
	}
	return nil
}

func (r *Root) syncDir(logical, rel string) error {
	if err := r.ops.SyncDir(path.Dir(rel)); err != nil {
		return ioErr(logical, "fsync directory", err)
	}
	return nil
}
