using System.Diagnostics;
using Gim.MLNet.Benchmarks.Performance;
using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Scoring;

namespace Gim.MLNet.Benchmarks.Genetic;

/// <summary>
/// `perturbseq-scale [--genes 64,128,256,512] [--targeted 100] [--steps 2000] [--seed 0] [--kind knockdown|hard] [--from-statistics] [--graph-rank R]`: a known-target
/// GIM with its defaults on synthetic Perturb-seq screens of growing size (<see cref="PerturbSeqScreen"/>, linear, Gaussian
/// read-out), one line per size: contexts, cells, fit time, time a step, the process's peak memory so far, and the unseen
/// genes' Pearson Δ (that the fit still predicts). Since 0.14.0 a step reads the declared targets by the matrix determinant
/// lemma above <see cref="LinearCausalModel.TargetLemmaFrom"/> variables (O(d³ + K r d²), not K·d³). With --from-statistics
/// (knockdown only, since 0.16.0) the cells are streamed through <see cref="PerturbationStatisticsBuilder"/> in chunks of 1,000
/// cells, as a file would be, and the fit reads the statistics (moments, pool and the targets' covariance rows), not the cells.
/// </summary>
internal static class PerturbSeqScaleCommand
{
    public const string Usage =
        "usage: perturbseq-scale [--genes 64,128,256,512] [--targeted 100] [--steps 2000] [--seed 0] [--kind knockdown|hard] [--from-statistics] [--graph-rank R]\n" +
        "       --genes: the screen sizes d, run in this order (the peak memory printed is the process's so far: run sizes in increasing order)\n" +
        "       --targeted: genes with a guide (at most d; 4 of them never knocked down in training)\n" +
        "       --from-statistics: stream the cells into statistics (1,000 cells a chunk) and fit from them (knockdown only)\n" +
        "       --graph-rank: a factored graph B = U Vᵀ of this rank (GimOptions.GraphRank; 0, the default, a dense one)";

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
        int rank = Args.Int(args, "--graph-rank", 0);
        string kindName = Args.String(args, "--kind") ?? "knockdown";
        bool fromStatistics = args.Contains("--from-statistics");
        if (kindName is not ("knockdown" or "hard") || sizes.Length == 0 || sizes.Any(d => d < 8) || targeted < 6 || steps < 1 || (fromStatistics && kindName == "hard") || rank < 0 || sizes.Any(d => rank >= d && rank > 0))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        KnownTargetKind kind = kindName == "hard" ? KnownTargetKind.Hard : KnownTargetKind.Knockdown;
        Console.WriteLine($"{kind} GIM, {steps} full-batch steps, {targeted} targeted genes (at most d), seed {seed}, {Environment.ProcessorCount} cores" +
            (fromStatistics ? ", fitted from streamed statistics" : "") + (rank > 0 ? $", graph rank {rank}." : "."));
        foreach (int d in sizes)
        {
            var generated = Stopwatch.StartNew();
            PerturbSeqScreen screen = PerturbSeqScreen.Generate(new PerturbSeqScreenOptions { Seed = seed, Genes = d, TargetedGenes = Math.Min(targeted, d) });
            generated.Stop();
            var options = new GimOptions { Seed = seed, KnownTargets = kind, CalibrationFolds = 0, MaxSteps = steps, GraphRank = rank };
            var summed = Stopwatch.StartNew();
            PerturbationDataset train = fromStatistics ? PerturbationStatistics.Streamed(screen.Train, targetRows: true, slice: 1000).ToDataset() : screen.Train;
            summed.Stop();
            var clock = Stopwatch.StartNew();
            using GimModel model = new GimTrainer(options).Fit(train);
            clock.Stop();
            double pearson = UnseenPearsonDelta(screen, model);
            Console.WriteLine($"d {d,5}: {screen.Train.Contexts.Count} contexts, {screen.Train.Contexts.Sum(c => c.SampleCount)} cells (generated in {generated.Elapsed.TotalSeconds:F1} s" +
                (fromStatistics ? $", statistics streamed in {summed.Elapsed.TotalSeconds:F1} s); " : "); ") +
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
