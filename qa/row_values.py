"""Runs of a one-dimensional `.npy` array gathered by position, from memory or from disk.

The word-order and 4-gram arrays hold every passage's values one after another (1.3 GB at a
million passages) and a question reads only its candidates' runs. Memory-mapped, those random
reads end up counted in the server's resident memory: on this kernel each page touched maps a
whole large folio (~1.8 MB measured per random read), so after ~800 questions 1.25 GB of these
files sat in the server's RSS (3.9 of the 4 GB allowed), and it only grows. `os.preadv` goes
through the same page cache but maps nothing, at ~3 µs per run (BENCHMARKS.md). Small arrays are
simply loaded whole: reading them costs less than one system call per run.
"""

from __future__ import annotations

import os
import weakref
from pathlib import Path

import numpy as np

IN_MEMORY_LIMIT_BYTES = 64 * 2**20  # arrays up to this size are loaded, larger ones read per run


class RowValues:
    """A one-dimensional array from which `gather` reads runs. Safe to share between threads:
    `preadv` does not move a file position."""

    def __init__(self, values: np.ndarray) -> None:
        """Values already in memory (a freshly built index)."""
        self._values: np.ndarray | None = np.ascontiguousarray(values)
        self.dtype = self._values.dtype
        self._length = len(self._values)
        self._fd = -1
        self._data_offset = 0

    @classmethod
    def open(cls, path: Path, in_memory_limit_bytes: int | None = IN_MEMORY_LIMIT_BYTES) -> RowValues:
        """Open `path` (written by `np.save`): loaded whole when it holds at most
        `in_memory_limit_bytes` (None: any size), else read run by run. Raises ValueError or
        OSError when it is not a whole one-dimensional array file."""
        with open(path, "rb") as file:
            version = np.lib.format.read_magic(file)
            read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                           else np.lib.format.read_array_header_2_0)
            shape, fortran_order, dtype = read_header(file)
            data_offset = file.tell()
            file_size = os.fstat(file.fileno()).st_size
        if len(shape) != 1 or fortran_order or dtype.hasobject:
            raise ValueError(f"{path.name} is not a one-dimensional array of numbers")
        if file_size != data_offset + shape[0] * dtype.itemsize:
            raise ValueError(f"{path.name} holds {file_size - data_offset} bytes of data, "
                             f"its header promises {shape[0] * dtype.itemsize}")
        if in_memory_limit_bytes is None or shape[0] * dtype.itemsize <= in_memory_limit_bytes:
            return cls(np.load(path, allow_pickle=False))
        values = cls.__new__(cls)
        values._values, values.dtype, values._length = None, dtype, shape[0]
        values._data_offset = data_offset
        values._fd = os.open(path, os.O_RDONLY)
        weakref.finalize(values, os.close, values._fd)
        return values

    def __len__(self) -> int:
        return self._length

    @property
    def on_disk(self) -> bool:
        return self._values is None

    def gather(self, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
        """values[starts[0]:starts[0] + sizes[0]], then the next run, ..., concatenated."""
        starts = np.asarray(starts, dtype=np.int64)
        sizes = np.asarray(sizes, dtype=np.int64)
        total = int(sizes.sum())
        if self._values is not None:
            shift = np.repeat(starts - (np.cumsum(sizes) - sizes), sizes)
            return self._values[np.arange(total, dtype=np.int64) + shift]
        out = np.empty(total, dtype=self.dtype)
        buffer = memoryview(out.view(np.uint8))  # type: ignore[arg-type]
        item = self.dtype.itemsize
        position = 0
        for start, size in zip(starts.tolist(), sizes.tolist(), strict=True):
            if size:
                end = position + size * item
                read = os.preadv(self._fd, [buffer[position:end]], self._data_offset + start * item)
                if read != end - position:
                    raise OSError(f"short read: {read} of {end - position} bytes")
                position = end
        return out

    def whole(self) -> np.ndarray:
        """Every value (for saving a built index; reads a file-backed array whole)."""
        if self._values is not None:
            return self._values
        return self.gather(np.zeros(1, dtype=np.int64), np.array([self._length]))
