#!/usr/bin/python3
"""Writes the small .h5ad fixtures of the AnnData reader tests with the real anndata library.

Run from anywhere with Debian's python3-anndata (0.8.0) installed:

    apt-get install -y python3-anndata python3-h5py
    /usr/bin/python3 test/Gim.MLNet.Tests/Fixtures/make_h5ad_fixtures.py

The fixtures and expected.json (what was written, in plain JSON) land in Fixtures/h5ad/ beside
this script. Both are committed, so the tests never need Python; rerun only to change a fixture.
Float values are written exactly: a float32 value becomes the double that equals it.
"""
import json
import os

import anndata as ad
import h5py
import numpy as np
import pandas as pd
import scipy.sparse as sp

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "h5ad")
os.makedirs(HERE, exist_ok=True)
expected = {"anndata_version": ad.__version__}


def obs_frame(n):
    """Every obs kind the reader supports: categorical (string and integer categories, one
    missing value), float64, float32, int64, bool and plain strings."""
    rng = np.random.default_rng(7)
    condition = pd.Categorical((["ctrl", "drugA", "drugB"] * n)[:n], categories=["ctrl", "drugA", "drugB"])
    plate = pd.Categorical(([3, 5] * n)[:n], categories=[3, 5])
    maybe = pd.Categorical((["x", None, "y"] * n)[:n], categories=["x", "y"])
    return pd.DataFrame(
        {
            "condition": condition,
            "dose": np.round(rng.uniform(0, 10, n), 3).astype(np.float64),
            "dose32": np.round(rng.uniform(0, 1, n), 2).astype(np.float32),
            "replicate": np.arange(n, dtype=np.int64) % 2 + 1,
            "treated": np.array([i % 3 != 0 for i in range(n)], dtype=bool),
            "batch": np.array([f"b{i % 2}" for i in range(n)], dtype=object),
            # Unique per cell, so anndata keeps it a string-array (it turns repetitive string
            # columns such as "batch" into categoricals on write).
            "note": np.array([f"n{i}-caf\u00e9" for i in range(n)], dtype=object),
            "plate": plate,
            "maybe": maybe,
        },
        index=[f"cell{i}" for i in range(n)],
    )


def obs_json(obs):
    out = {}
    for name in obs.columns:
        col = obs[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            out[name] = {"kind": "categorical",
                         "codes": [int(c) for c in col.cat.codes],
                         "categories": [str(c) for c in col.cat.categories],
                         "values": [None if pd.isna(v) else str(v) for v in col]}
        elif col.dtype == bool:
            out[name] = {"kind": "bool", "values": [bool(v) for v in col]}
        elif col.dtype == object:
            out[name] = {"kind": "string", "values": [str(v) for v in col]}
        elif np.issubdtype(col.dtype, np.integer):
            out[name] = {"kind": "int", "values": [int(v) for v in col]}
        else:
            out[name] = {"kind": str(col.dtype), "values": [float(v) for v in col]}
    return out


def dense(x):
    return (x.toarray() if sp.issparse(x) else np.asarray(x)).astype(np.float64).tolist()


def matrix(n, m, dtype, seed):
    """Small values with zeros (so the sparse forms have structure) and exact float32 values."""
    rng = np.random.default_rng(seed)
    x = np.round(rng.normal(0, 2, (n, m)), 2)
    x[rng.uniform(size=(n, m)) < 0.45] = 0.0
    return x.astype(dtype)


def write(name, adata, **kwargs):
    path = os.path.join(HERE, name)
    adata.write_h5ad(path, **kwargs)
    back = ad.read_h5ad(path)  # what anndata itself reads back is the truth the tests assert
    entry = {"n_obs": back.n_obs, "n_vars": back.n_vars,
             "obs_names": [str(s) for s in back.obs_names],
             "var_names": [str(s) for s in back.var_names],
             "X": dense(back.X), "obs": obs_json(back.obs),
             "layers": {k: dense(v) for k, v in back.layers.items()}}
    expected[name] = entry
    return path


n, m = 6, 4
var = pd.DataFrame(index=[f"g{j}" for j in range(m)])

# Dense float32 X, with a dense float64 layer and a CSR layer.
a = ad.AnnData(X=matrix(n, m, np.float32, 1), dtype=np.float32, obs=obs_frame(n), var=var.copy())
a.layers["counts"] = np.abs(matrix(n, m, np.float64, 2)) * 10
a.layers["sparse"] = sp.csr_matrix(matrix(n, m, np.float32, 3))
write("dense_f32.h5ad", a)

# Dense float64 X.
write("dense_f64.h5ad", ad.AnnData(X=matrix(n, m, np.float64, 4), dtype=np.float64, obs=obs_frame(n), var=var.copy()))

# CSR float32, int32 indices; 7 x 5 so rows and columns are not confused.
csr = sp.csr_matrix(matrix(7, 5, np.float32, 5))
assert csr.indices.dtype == np.int32
write("csr_f32.h5ad", ad.AnnData(X=csr, dtype=np.float32, obs=obs_frame(7), var=pd.DataFrame(index=[f"v{j}" for j in range(5)])))

# CSR float64 with int64 indices and indptr.
csr64 = sp.csr_matrix(matrix(7, 5, np.float64, 6))
csr64.indices = csr64.indices.astype(np.int64)
csr64.indptr = csr64.indptr.astype(np.int64)
write("csr_f64_i64.h5ad", ad.AnnData(X=csr64, dtype=np.float64, obs=obs_frame(7), var=pd.DataFrame(index=[f"v{j}" for j in range(5)])))

# CSC float32 and CSC float64 with int64 indices.
write("csc_f32.h5ad", ad.AnnData(X=sp.csc_matrix(matrix(7, 5, np.float32, 7)), dtype=np.float32, obs=obs_frame(7),
                                 var=pd.DataFrame(index=[f"v{j}" for j in range(5)])))
csc64 = sp.csc_matrix(matrix(7, 5, np.float64, 8))
csc64.indices = csc64.indices.astype(np.int64)
csc64.indptr = csc64.indptr.astype(np.int64)
write("csc_f64_i64.h5ad", ad.AnnData(X=csc64, dtype=np.float64, obs=obs_frame(7), var=pd.DataFrame(index=[f"v{j}" for j in range(5)])))

# Unsupported encodings, made by writing a real file and then changing one attribute with h5py.
for name, key, encoding in [("bad_x_encoding.h5ad", "X", "coo_matrix"),
                            ("bad_obs_encoding.h5ad", "obs/dose", "awkward-array")]:
    src = sp.csr_matrix(matrix(n, m, np.float32, 9)) if key == "X" else matrix(n, m, np.float32, 9)
    p = os.path.join(HERE, name)
    ad.AnnData(X=src, dtype=np.float32, obs=obs_frame(n), var=var.copy()).write_h5ad(p)
    with h5py.File(p, "r+") as f:
        f[key].attrs["encoding-type"] = encoding
    expected[name] = {"key": key, "encoding": encoding}

with open(os.path.join(HERE, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1)
    f.write("\n")
print("wrote", sorted(os.listdir(HERE)))
