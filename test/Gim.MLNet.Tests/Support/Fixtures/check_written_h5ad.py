#!/usr/bin/python3
"""Checks that .h5ad files written by Gim.MLNet read in the real anndata library.

Run with Debian's python3-anndata (0.8.0) installed (apt-get install -y python3-anndata python3-h5py):

    dotnet src/Gim.MLNet.Samples/bin/Release/net10.0/Gim.MLNet.Samples.dll simulate-screen --out /tmp/sc
    /usr/bin/python3 test/Gim.MLNet.Tests/Support/Fixtures/check_written_h5ad.py /tmp/sc/screen.h5ad [more.h5ad ...]

For each file it prints a summary and fails (exit 1) unless: anndata reads it; X is a CSR matrix or a dense array of
float32; obs names and var names are unique; every obs column is a pandas categorical or float64; and, for a screen
written by `simulate-screen` (obs product_name, dose, cell_type), the counts are whole numbers >= 0, the vehicle cells
have dose 0 and every other cell a dose > 0.
"""
import sys

import anndata as ad
import numpy as np
import pandas as pd
import scipy.sparse as sp


def check(path):
    adata = ad.read_h5ad(path)
    problems = []
    x = adata.X
    if sp.issparse(x):
        if not isinstance(x, sp.csr_matrix):
            problems.append(f"X is {type(x).__name__}, expected csr_matrix")
        values = x.data
    else:
        values = np.asarray(x).ravel()
    if x.dtype != np.float32:
        problems.append(f"X has dtype {x.dtype}, expected float32")
    if not adata.obs_names.is_unique:
        problems.append("obs names are not unique")
    if not adata.var_names.is_unique:
        problems.append("var names are not unique")
    for name, dtype in adata.obs.dtypes.items():
        if not (isinstance(dtype, pd.CategoricalDtype) or dtype == np.float64):
            problems.append(f"obs column {name!r} has dtype {dtype}")
    if {"product_name", "dose", "cell_type"} <= set(adata.obs.columns):
        if np.any(values < 0) or np.any(values != np.round(values)):
            problems.append("counts are not whole numbers >= 0")
        vehicle = adata.obs["product_name"].astype(str) == "vehicle"
        if np.any(adata.obs["dose"][vehicle] != 0) or np.any(adata.obs["dose"][~vehicle] <= 0):
            problems.append("vehicle cells must have dose 0 and treated cells a dose > 0")
    summary = (f"{path}: {adata.n_obs} cells x {adata.n_vars} variables, X {type(x).__name__} {x.dtype}, "
               f"obs {dict((k, str(v)) for k, v in adata.obs.dtypes.items())}")
    print(summary)
    if "product_name" in adata.obs.columns:
        print("  perturbations:", ", ".join(map(str, adata.obs["product_name"].cat.categories[:6])), "...")
    for problem in problems:
        print("  PROBLEM:", problem)
    return not problems


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    print(f"anndata {ad.__version__}")
    ok = all([check(path) for path in sys.argv[1:]])
    sys.exit(0 if ok else 1)
