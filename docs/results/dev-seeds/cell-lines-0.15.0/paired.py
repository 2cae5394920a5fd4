import re,sys,statistics as st,math
T={5:2.776,4:3.182,3:4.303}
def parse(path):
    d={}
    for line in open(path):
        m=re.match(r"seed (\d+) (\S+)\s+fit\s+([\d.]+) s\s+(.*)",line)
        if not m: continue
        seed,meth=int(m.group(1)),m.group(2)
        for sp,mmd,pd in re.findall(r"(\w+): mmd=([\d.\-]+) pearson_delta=([\d.\-]+)",m.group(4)):
            d[(meth,seed,sp)]=(float(mmd),float(pd),float(m.group(3)))
    return d
def interval(xs):
    n=len(xs); m=st.mean(xs); 
    if n<2: return m,m,m
    h=T.get(n,2.0)*st.stdev(xs)/math.sqrt(n); return m,m-h,m+h
