"""What the report needs to say about PyTorch's side: version, the BLAS actually loaded into
this process (read from /proc/self/maps, so a wrong LD_LIBRARY_PATH shows), threads, and the
peak RSS."""
import ctypes
import os

import torch

import results


def _loaded_blas_paths():
    torch.ones(4, 4) @ torch.ones(4, 4)
    paths = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            name = os.path.basename(path)
            if name.startswith("libblas") or "openblas" in name:
                paths.add(path)
    return sorted(paths)


def _describe(path):
    try:
        config = ctypes.CDLL(path).openblas_get_config
        config.restype = ctypes.c_char_p
        return f"{path} ({config().decode().strip()})"
    except (OSError, AttributeError):
        return f"{path} (not OpenBLAS: no openblas_get_config)"


def print_info(threads):
    torch.set_num_threads(threads)
    results.info("pytorch.version", f"torch {torch.__version__} (Debian python3-torch)")
    results.info("pytorch.blas", "; ".join(_describe(p) for p in _loaded_blas_paths()) or "no BLAS library mapped")
    results.info("pytorch.threads", f"{torch.get_num_threads()} (torch.set_num_threads), "
                 f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}")
    results.info("pytorch.mkldnn", f"oneDNN (mkldnn) available: {torch.backends.mkldnn.is_available()}")


def peak_resident_bytes():
    """VmHWM of /proc/self/status, in bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return 1024.0 * int(line.split()[1])
    raise OSError("/proc/self/status has no VmHWM line")
