using Gim.MLNet.Data;
using static TorchSharp.torch;

namespace Gim.MLNet.Benchmarks.Performance;

/// <summary>
/// Large synthetic perturbation data for scaling runs, generated with tensor ops (the Hill screen's
/// cell-by-cell sampler is exact but too slow at d = 1,000 × 100,000 cells): a random sparse DAG with
/// two expected parents per node, 1–3 shifted targets per context, random features (p = 64).
/// </summary>
internal static class ScaleData
{
    public static PerturbationDataset Generate(int d, int contexts, int cells, int seed, int features = 64)
    {
        using var scope = NewDisposeScope();
        var rng = new Random(seed);
        random.manual_seed(seed);
        int perContext = Math.Max(2, cells / contexts);
        // Random order + lower-triangular mask = a DAG; weights ±U[0.5, 1.5] scaled so chains stay O(1).
        Tensor order = randperm(d);
        Tensor mask = (rand(d, d) < 2.0 / Math.Max(1, d - 1)).to(ScalarType.Float32).triu(1);
        Tensor weights = (rand(d, d) + 0.5) * (randint(0, 2, new long[] { d, d }).to(ScalarType.Float32) * 2 - 1) * mask * 0.5;
        Tensor b = weights.index_select(0, order).index_select(1, order);
        Tensor inverseT = linalg.inv(eye(d) - b.t()).t().contiguous();
        Tensor noise = rand(d) * 0.5 + 0.5;
        var list = new List<PerturbationContext>();
        for (int k = 0; k < contexts; k++)
        {
            bool control = k == 0;
            var shift = new float[d];
            if (!control)
                for (int t = 0, n = 1 + rng.Next(3); t < n; t++)
                    shift[rng.Next(d)] = (float)((rng.NextDouble() * 2 + 2) * (rng.Next(2) * 2 - 1));
            Tensor exogenous = tensor(shift).unsqueeze(0) + randn(perContext, d) * noise;
            float[] flat = matmul(exogenous, inverseT).data<float>().ToArray();
            var samples = new float[perContext, d];
            Buffer.BlockCopy(flat, 0, samples, 0, flat.Length * sizeof(float));
            float[] feature = control ? new float[features] : Enumerable.Range(0, features).Select(_ => (float)rng.NextDouble()).ToArray();
            list.Add(new PerturbationContext(control ? "control" : $"c{k}", feature, samples, control));
        }
        return new PerturbationDataset(list);
    }
}
