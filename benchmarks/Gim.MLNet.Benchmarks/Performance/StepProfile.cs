using System.Diagnostics;
using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Gim.MLNet.Benchmarks.Performance;

/// <summary>Times the parts of a full-batch training step with the library's own modules.</summary>
internal sealed record StepProfile(double SetupSeconds, double ForwardMs, double BackwardMs, double OptimizerMs, long TensorOpsPerStep)
{
    public static StepProfile Measure(PerturbationDataset train, GimOptions options, int steps)
    {
        set_num_threads(1);
        var setup = Stopwatch.StartNew();
        int d = train.VariableCount, p = train.FeatureCount;
        Standardizer variables = Standardizer.FitRows(train.Controls.Select(c => c.Samples), d);
        Standardizer features = Standardizer.FitVectors(train.Contexts.Select(c => c.Features), p);
        using var data = ContextTensors.Create(train, variables, features, options.Weighting, keepCells: false, ScalarType.Float32, CPU);
        double setupSeconds = setup.Elapsed.TotalSeconds;

        random.manual_seed(0);
        using var causal = new LinearCausalModel(d);
        using var encoder = new InterventionEncoder(p, d, 0, 64, InterventionKind.Shift, -2);
        using var optimizer = optim.Adam(causal.parameters().Concat(encoder.parameters()), lr: options.LearningRate);
        var generator = new torch.Generator(0);
        double forward = 0, backward = 0, step = 0;
        long created = 0;
        for (int s = 0; s < steps + 50; s++)
        {
            bool measured = s >= 50; // the first steps warm up allocator and JIT
            long before = DisposeScopeManager.Statistics.CreatedInScopeCount;
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            optimizer.zero_grad();
            InterventionParameters heads = encoder.forward(data.Features);
            Tensor u = rand(new long[] { 1, data.ContextCount, d }, generator: generator);
            Tensor t = BinaryConcrete.Sample(heads.Logits, u, 0.5, false) * data.Perturbed;
            Tensor ll = causal.LogLikelihoodFromMoments(data.Means, data.Covariances!, t * heads.Shift, null);
            Tensor loss = -(ll.mean(new long[] { 0 }) * data.Weights).sum() + options.TargetSparsity * (heads.Logits.sigmoid().mean(new long[] { -1 }) * data.Weights).sum()
                + options.GraphSparsity * causal.SparsityPenalty();
            _ = loss.ToSingle();
            double f = clock.Elapsed.TotalMilliseconds;
            loss.backward();
            double b = clock.Elapsed.TotalMilliseconds;
            optimizer.step();
            double o = clock.Elapsed.TotalMilliseconds;
            if (!measured) continue;
            forward += f;
            backward += b - f;
            step += o - b;
            created += DisposeScopeManager.Statistics.CreatedInScopeCount - before;
        }
        return new StepProfile(setupSeconds, forward / steps, backward / steps, step / steps, created / steps);
    }
}
