using System.Diagnostics;
using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Gim.MLNet.Benchmarks.Performance;

/// <summary>
/// Times the parts of a full-batch training step of one model (no calibration refits alongside) with the library's own
/// modules and objective: the encoder's heads, the relaxed targets, the pooled shift-only likelihood, GIM's loss.
/// </summary>
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
        using var optimizer = new AdamLoop(causal.parameters().Concat(encoder.parameters()), options.LearningRate, "GIM", options);
        var objective = new GimObjective(options.TargetSparsity, options.GraphSparsity, options.ControlTargetWeight, options.InitialTemperature,
            options.FinalTemperature, options.MaxSteps, straightThrough: false);
        using Tensor pooled = LinearCausalModel.PooledCovariance(data.Weights, data.Covariances!);
        using Tensor controls = ControlTargets.Positions(data.Perturbed);
        using Tensor temperature = tensor(0.5f);
        var generator = new torch.Generator(0);
        double forward = 0, backward = 0, step = 0;
        long created = 0;
        for (int s = 0; s < steps + 50; s++)
        {
            bool measured = s >= 50; // the first steps warm up allocator and JIT
            long before = DisposeScopeManager.Statistics.CreatedInScopeCount;
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            optimizer.ZeroGradients();
            InterventionParameters heads = encoder.forward(data.Features);
            Tensor u = rand(new long[] { 1, data.ContextCount, d }, generator: generator);
            Tensor t = objective.Targets(heads.Logits, u, temperature, data.Perturbed);
            Tensor graph = causal.Weights();
            Tensor dataTerm = LinearCausalModel.WeightedLogLikelihoodFromMoments(causal.Tensors, data.Means, pooled, data.Weights, t * heads.Shift, graph).mean(new long[] { 0 });
            Tensor loss = objective.Loss(dataTerm, heads.Logits, controls, data.Weights, graph.abs().sum());
            _ = loss.ToSingle();
            double f = clock.Elapsed.TotalMilliseconds;
            loss.backward();
            double b = clock.Elapsed.TotalMilliseconds;
            optimizer.Update();
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
