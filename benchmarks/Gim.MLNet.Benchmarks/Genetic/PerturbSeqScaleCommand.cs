using System.Diagnostics;
using Gim.MLNet.Benchmarks.Performance;
using Gim.MLNet.Causal;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Scoring;

namespace Gim.MLNet.Benchmarks.Genetic;

/// <summary>
/// `perturbseq-scale [--genes 64,128,256,512] [--targeted 100] [--steps 2000] [--seed 0] [--kind knockdown|hard]`: a known-target
/// GIM with its defaults on synthetic Perturb-seq screens of growing size (<see cref="PerturbSeqScreen"/>, linear, Gaussian
/// read-out), one line per size: contexts, cells, fit time, time a step, the process's peak memory so far, and the unseen
/// genes' Pearson Δ (that the fit still predicts). Since 0.14.0 a step reads the declared targets by the matrix determinant
/// lemma above <see cref="LinearCausalModel.TargetLemmaFrom"/> variables (O(d³ + K r d²), not K·d³).
/// </summary>
internal static class PerturbSeqScaleCommand
{
    public const string Usage =
        "usage: perturbseq-scale [--genes 64,128,256,512] [--targeted 100] [--steps 2000] [--seed 0] [--kind knockdown|hard]\n" +
        "       --genes: the screen sizes d, run in this order (the peak memory printed is the process's so far: run sizes in increasing order)\n" +
        "       --targeted: genes with a guide (at most d; 4 of them never knocked down in training)";

    public static int Run(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(Usage);
            return 0;
        }
        int[] sizes = (Args.String(args, "--genes") ?? "64,128,256,512").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(int.Parse).ToArray();
        int targeted = Args.Int(args, "--targeted", 100), steps = Args.Int(args, "--steps", 2000), seed = Args.Int(args, "--seed", 0);
        string kindName = Args.String(args, "--kind") ?? "knockdown";
        if (kindName is not ("knockdown" or "hard") || sizes.Length == 0 || sizes.Any(d => d < 8) || targeted < 6 || steps < 1)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        KnownTargetKind kind = kindName == "hard" ? KnownTargetKind.Hard : KnownTargetKind.Knockdown;
        Console.WriteLine($"{kind} GIM, {steps} full-batch steps, {targeted} targeted genes (at most d), seed {seed}, {Environment.ProcessorCount} cores.");
        foreach (int d in sizes)
        {
            var generated = Stopwatch.StartNew();
            PerturbSeqScreen screen = PerturbSeqScreen.Generate(new PerturbSeqScreenOptions { Seed = seed, Genes = d, TargetedGenes = Math.Min(targeted, d) });
            generated.Stop();
            var options = new GimOptions { Seed = seed, KnownTargets = kind, CalibrationFolds = 0, MaxSteps = steps };
            var clock = Stopwatch.StartNew();
            using GimModel model = new GimTrainer(options).Fit(screen.Train);
            clock.Stop();
            double pearson = UnseenPearsonDelta(screen, model);
            Console.WriteLine($"d {d,5}: {screen.Train.Contexts.Count} contexts, {screen.Train.Contexts.Sum(c => c.SampleCount)} cells (generated in {generated.Elapsed.TotalSeconds:F1} s); " +
                $"fit {clock.Elapsed.TotalSeconds:F1} s ({1000 * clock.Elapsed.TotalSeconds / steps:F2} ms a step); peak memory so far {PeakMemory.Bytes() / 1e9:F2} GB; " +
                $"unseen singles Pearson Δ {pearson:F3}");
        }
        return 0;
    }

    /// <summary>Pearson Δ against the control (<see cref="MeanMetrics.PearsonDelta(double[], double[], double[])"/>), averaged over the unseen genes' single knockdowns.</summary>
    private static double UnseenPearsonDelta(PerturbSeqScreen screen, GimModel model)
    {
        double[] control = screen.Train.Contexts.First(c => c.IsControl).Moments.Mean;
        return screen.UnseenSingle!.Contexts.Average(c =>
            MeanMetrics.PearsonDelta(model.PredictMean(c.Features).Select(v => (double)v).ToArray(), c.Moments.Mean, control));
    }
}
