import sys,os; sys.path.insert(0,os.path.dirname(os.path.abspath(__file__)))
from paired import *
base=os.path.dirname(os.path.abspath(__file__))
fams=["linear","tanh","counts-linear","counts-tanh","rewired"]
splits=["unseen_single","pairs_seen2","pairs_seen1","pairs_seen0"]
baselines=["control","training-mean","linear-features","additive","additive-mean","two-stage"]
def fmt(m,l,u): return f"{m:+.4f} [{l:+.4f}, {u:+.4f}]"
for f in fams:
    on=parse(f"{base}/{f}/run.log"); off=parse(f"{base}/{f}-plain/run.log")
    seeds=sorted({k[1] for k in on})
    print(f"== {f} (seeds {seeds})")
    for sp in splits:
        g=[on[('gim-knockdown',s,sp)][0] for s in seeds]
        means={b:st.mean(on[(b,s,sp)][0] for s in seeds) for b in baselines}
        best=min(means,key=means.get)
        d_best=[on[('gim-knockdown',s,sp)][0]-on[(best,s,sp)][0] for s in seeds]
        d_off=[on[('gim-knockdown',s,sp)][0]-off[('gim-knockdown',s,sp)][0] for s in seeds]
        pd=st.mean(on[('gim-knockdown',s,sp)][1] for s in seeds)
        pdoff=st.mean(off[('gim-knockdown',s,sp)][1] for s in seeds)
        others=" ".join(f"{m}={st.mean(on[(m,s,sp)][0] for s in seeds):.4f}" for m in ["gim-linear","gim-known-shift","gim-hard"] if (m,seeds[0],sp) in on)
        print(f"  {sp:14s} gim {st.mean(g):.4f}±{st.stdev(g):.4f} pΔ {pd:.2f} | plain {st.mean(off[('gim-knockdown',s,sp)][0] for s in seeds):.4f} pΔ {pdoff:.2f} | best baseline {best} {means[best]:.4f} | gim−best {fmt(*interval(d_best))} | cov−plain {fmt(*interval(d_off))} | {others}")
    ft=[on[('gim-knockdown',s,'unseen_single')][2] for s in seeds]
    print(f"  fit time gim-knockdown {min(ft):.1f}–{max(ft):.1f} s")
