import sys; sys.path.insert(0,'.')
from paired import *
fams=["linear","tanh","counts-linear","counts-tanh","rewired"]
splits=["unseen_single","pairs_seen2","pairs_seen1","pairs_seen0"]
for f in fams:
    on=parse(f"{f}-covariates.log"); off=parse(f"{f}-plain.log")
    seeds=sorted({k[1] for k in on})
    print(f"== {f}")
    for sp in splits:
        row=[]
        for meth in ["control","training-mean","linear-features","additive","additive-mean","two-stage","gim-knockdown"]:
            row.append(f"{meth[:8]} {st.mean(on[(meth,s,sp)][0] for s in seeds):.4f}")
        row.append(f"gim-off {st.mean(off[('gim-knockdown',s,sp)][0] for s in seeds):.4f}")
        dif=[on[('gim-knockdown',s,sp)][0]-off[('gim-knockdown',s,sp)][0] for s in seeds]
        m,l,u=interval(dif)
        print(f"  {sp:14s} " + " | ".join(row) + f"  on-off {m:+.4f} [{l:+.4f},{u:+.4f}]")
