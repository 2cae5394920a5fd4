using System.Diagnostics;
using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;

namespace Gim.MLNet.Benchmarks.Performance;

/// <summary>
/// `fit-time [--repeats 5] [--seed 0] [--calibration-folds 3] [--dose-feature dose] [--threads 0] [--free-phase 0.5]`: wall time of fitting
/// GIM-Linear with the default options on the default Hill screen (calibration refits included; `--calibration-folds 0`
/// times the main fit alone; `--dose-feature dose` with the saturating dose path; `--threads 1` keeps the fit on one core,
/// its refits stacked with it; `--free-phase 0` without the free phase), the analytic FLOP floor of that fit, where the time goes, and what one small libtorch
/// operation costs to dispatch here.
/// </summary>
internal static class FitTimeCommand
{
    public static int Run(string[] args)
    {
        int repeats = Args.Int(args, "--repeats", 5), seed = Args.Int(args, "--seed", 0);
        HillScreen screen = HillScreen.Generate(new HillScreenOptions { Seed = seed });
        PerturbationDataset train = screen.Train.Data;
        var options = new GimOptions
        {
            Seed = seed, CalibrationFolds = Args.Int(args, "--calibration-folds", new GimOptions().CalibrationFolds),
            DoseFeature = Args.String(args, "--dose-feature"), Threads = Args.Int(args, "--threads", 0),
            FreePhase = Args.Double(args, "--free-phase", new GimOptions().FreePhase),
        };
        Console.WriteLine($"Default Hill screen: {train.Contexts.Count} contexts, {train.SampleCount} cells, d = {train.VariableCount}, p = {train.FeatureCount}; " +
            $"{options.MaxSteps} full-batch steps, calibration folds {options.CalibrationFolds}, dose path {options.DoseFeature ?? "none"}, free phase {options.FreePhase}.");

        // One fit to warm up the JIT and libtorch's allocator, then the measured ones.
        new GimTrainer(options).Fit(train).Dispose();
        var times = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            using GimModel model = new GimTrainer(options).Fit(train);
            times.Add(clock.Elapsed.TotalSeconds);
            Console.WriteLine($"  fit {r + 1}: {times[^1]:F3} s wall");
        }
        times.Sort();
        Console.WriteLine($"median {times[times.Count / 2]:F3} s, min {times[0]:F3} s, max {times[^1]:F3} s over {repeats} fits");

        StepProfile profile = StepProfile.Measure(train, options, steps: 500);
        double flops = FlopFloor.PerStep(train.Contexts.Count, train.VariableCount, train.FeatureCount);
        Console.WriteLine($"setup (standardise, moments, tensors): {profile.SetupSeconds * 1000:F1} ms");
        Console.WriteLine($"per step: forward {profile.ForwardMs:F3} ms, backward {profile.BackwardMs:F3} ms, Adam {profile.OptimizerMs:F3} ms " +
                          $"(total {profile.ForwardMs + profile.BackwardMs + profile.OptimizerMs:F3} ms; {profile.TensorOpsPerStep} tensors created per step)");
        Console.WriteLine($"FLOP floor: {flops / 1e6:F2} MFLOP per step (forward + backward), {flops * options.MaxSteps / 1e9:F2} GFLOP per fit " +
                          $"= {flops * options.MaxSteps / 170e9 * 1000:F0} ms at the 170 GFLOP/s a 2048² float32 matmul reaches here");
        Console.WriteLine($"dispatch: {DispatchMicroseconds(train.Contexts.Count, train.VariableCount):F2} µs per small operation " +
                          $"(a [{train.Contexts.Count} × {train.VariableCount}] addition, one thread, in a dispose scope)");
        return 0;
    }

    /// <summary>What one tiny libtorch operation costs from .NET here: 20,000 additions of two [k × d] tensors after a warm-up.</summary>
    private static double DispatchMicroseconds(int k, int d)
    {
        TorchSharp.torch.set_num_threads(1);
        using var scope = TorchSharp.torch.NewDisposeScope();
        TorchSharp.torch.Tensor a = TorchSharp.torch.randn(k, d), b = TorchSharp.torch.randn(k, d);
        void Run(int n)
        {
            for (int i = 0; i < n; i++)
            {
                using var step = TorchSharp.torch.NewDisposeScope();
                _ = a.add(b);
            }
        }
        Run(2_000);
        var clock = Stopwatch.StartNew();
        Run(20_000);
        return clock.Elapsed.TotalMilliseconds * 1000 / 20_000;
    }
}
